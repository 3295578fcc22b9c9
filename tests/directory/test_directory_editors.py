"""Directory editors keep their own partner's entries at /directory-editor/: a list, an edit
form with its own error messages, "mark as checked" with a review date a year on, the
stale-entries report (and its CSV), and the reminder command. Other partners' entries are 404,
other staff 403; a partnership administrator keeps every entry."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from firstcontact.directory.models import (
    Attribute,
    Organization,
    Schedule,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from firstcontact.notify.models import Notification
from firstcontact.partners.models import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

INDEX = "/directory-editor/"
STALE = "/directory-editor/stale/"


def edit_url(service) -> str:
    return f"/directory-editor/services/{service.pk}/"


@pytest.fixture
def entries(partnership, directory):
    """The advice charity is the north district's own organisation; the food bank stays a
    charity nobody in the partnership edits."""
    directory.advice.partner = partnership.north
    directory.advice.save()
    editor = make_user("north-editor", partnership.north, Role.DIRECTORY_EDITOR)
    editor.email = "editor@north.example"
    editor.save()
    other = make_user("south-editor", partnership.south, Role.DIRECTORY_EDITOR)
    admin = partnership.admin
    welcome = Taxonomy.objects.create(name="Welcome pack")
    gp = TaxonomyTerm.objects.create(taxonomy=welcome, code="gp", name="GP surgery")
    return directory, editor, other, admin, gp


def form_data(**changes) -> dict:
    data = {
        "name": "Debt advice",
        "description": "Help with money and debt.",
        "status": "active",
        "url": "",
        "email": "",
        "phone": "",
        "contact_name": "",
        "contact_email": "",
        "opens_at": "",
        "closes_at": "",
        "cost": "",
        "amount": "",
        "amount_description": "",
        "fees": "",
        "minimum_age": "",
        "maximum_age": "",
        "accessibility": "",
        "alert": "",
        "review_date": "",
    }
    data.update(changes)
    return data


def test_an_editor_sees_only_their_partners_entries(client, entries):
    d, editor, _other, _admin, _gp = entries
    client.force_login(editor)
    page = client.get(INDEX).content.decode()
    assert "Debt advice in Sherton" in page and "Council Tax" in page
    assert "Emergency food parcels" not in page  # the charity's, not the north's
    assert client.get(edit_url(d.food_bank)).status_code == 404
    assert client.post(f"{edit_url(d.food_bank)}assure/").status_code == 404
    assert client.get("/directory-editor/services/not-a-uuid/").status_code == 404


def test_other_staff_are_refused_and_visitors_sign_in(client, partnership, entries):
    d = entries[0]
    client.force_login(partnership.hub_adviser)
    assert client.get(INDEX).status_code == 403
    assert client.get(edit_url(d.debt_advice)).status_code == 403
    client.logout()
    response = client.get(INDEX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_partnership_admin_keeps_every_entry(client, entries):
    d, _editor, _other, admin, _gp = entries
    client.force_login(admin)
    assert "Emergency food parcels" in client.get(INDEX).content.decode()
    assert client.get(edit_url(d.food_bank)).status_code == 200


def test_editing_an_entry_saves_it_and_moves_its_modified_date(client, entries):
    d, editor, _other, _admin, gp = entries
    before = d.debt_advice.last_modified
    client.force_login(editor)
    response = client.post(
        edit_url(d.debt_advice),
        form_data(
            name="Debt and money advice",
            phone="01632 960 123",
            contact_name="Advice line",
            contact_email="advice@example.org",
            days=["MO", "TH"],
            opens_at="09:30",
            closes_at="16:00",
            cost="paid",
            amount="2.50",
            amount_description="per letter",
            minimum_age="18",
            languages=["en", "pl"],
            accessibility="Step-free entrance\nHearing loop",
            terms=[str(gp.pk)],
        ),
    )
    assert response.status_code == 302
    service = Service.objects.get(pk=d.debt_advice.pk)
    assert service.name == "Debt and money advice"
    assert service.last_modified > before
    assert service.phones.get().number == "01632 960 123"
    assert service.contacts.get().email == "advice@example.org"
    assert service.schedules.get().byday == "MO,TH"
    # The same times everywhere: the place's own times for this service are replaced.
    assert not Schedule.objects.filter(service_at_location__service=service).exists()
    cost = service.cost_options.get()
    assert cost.amount == 2.5 and cost.amount_description == "per letter"
    assert service.minimum_age == 18
    assert sorted(service.languages.values_list("code", flat=True)) == ["en", "pl"]
    place = d.debt_at.location
    assert sorted(place.accessibility.values_list("description", flat=True)) == [
        "Hearing loop",
        "Step-free entrance",
    ]
    assert Attribute.objects.filter(link_id=service.pk, taxonomy_term=gp).exists()
    # Importers asking for changes since before the edit get it.
    api = client.get(
        "/openreferral/v3/services", {"modified_after": before.isoformat(), "per_page": 100}
    ).json()
    assert str(service.pk) in {s["id"] for s in api["contents"]}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the name of the service"),
        ({"minimum_age": "30", "maximum_age": "20"}, "maximum_age", "The oldest age must be"),
        ({"minimum_age": "old"}, "minimum_age", "Enter an age in whole years"),
        ({"days": ["MO"], "opens_at": "10:00"}, "closes_at", "Enter the time it closes"),
        (
            {"days": ["MO"], "opens_at": "17:00", "closes_at": "09:00"},
            "closes_at",
            "The closing time must be after",
        ),
        ({"opens_at": "25:99"}, "opens_at", "Enter a time like 09:00"),
        ({"cost": "paid"}, "amount", "Enter the charge in pounds"),
        ({"cost": "paid", "amount": "-1"}, "amount", "The charge cannot be below 0"),
        ({"phone": "call me"}, "phone", "Enter a phone number"),
        ({"email": "not an email"}, "email", "Enter an email address in the correct format"),
        ({"url": "http://"}, "url", "Enter a web address"),
        ({"review_date": "next year"}, "review_date", "Enter a date like"),
        ({"status": "gone"}, "status", "Select a valid choice"),
        ({"days": ["XX"]}, "days", "Select a valid choice"),
        ({"name": "x" * 301}, "name", "Use 300 characters or fewer"),
    ],
)
def test_bad_input_is_an_error_message_not_a_500(client, entries, changes, field, message):
    d, editor, *_ = entries
    client.force_login(editor)
    response = client.post(edit_url(d.debt_advice), form_data(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert Service.objects.get(pk=d.debt_advice.pk).name == "Debt advice"


def test_a_catalogue_entry_keeps_the_catalogues_name(client, entries):
    d, editor, *_ = entries
    client.force_login(editor)
    page = client.get(edit_url(d.council_tax_entry)).content.decode()
    assert "come from the partnership's service catalogue" in page
    assert 'name="name"' not in page
    response = client.post(edit_url(d.council_tax_entry), form_data(email="tax@example.org"))
    assert response.status_code == 302
    d.council_tax_entry.refresh_from_db()
    assert d.council_tax_entry.email == "tax@example.org"
    assert d.council_tax_entry.display_name == "Council Tax"


def test_marking_as_checked_sets_the_date_who_and_next_review(client, entries):
    d, editor, *_ = entries
    client.force_login(editor)
    assert client.post(f"{edit_url(d.debt_advice)}assure/").status_code == 302
    service = Service.objects.get(pk=d.debt_advice.pk)
    today = timezone.localdate()
    assert service.assured_date == today and service.assured_by == editor
    assert service.assurer_email == "editor@north.example"
    assert service.review_date == today + dt.timedelta(days=365)
    page = client.get(edit_url(service)).content.decode()
    assert f"{today:%-d %B %Y}" in page and "north-editor" in page


def test_the_stale_report_lists_overdue_and_unchecked_entries_with_csv(client, entries):
    d, editor, *_ = entries
    today = timezone.localdate()
    Service.objects.filter(pk=d.debt_advice.pk).update(
        assured_date=today - dt.timedelta(days=500), review_date=today - dt.timedelta(days=135)
    )
    Service.objects.filter(pk=d.far_away.pk).update(
        assured_date=today, review_date=today + dt.timedelta(days=365)
    )
    client.force_login(editor)
    page = client.get(STALE).content.decode()
    assert "Debt advice</a>" in page and "Overdue" in page
    assert "Council Tax" in page and "Not checked" in page  # never checked
    assert "Debt advice in Sherton" not in page  # checked today
    assert "Emergency food parcels" not in page  # not the editor's
    response = client.get(STALE, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = response.content.decode().splitlines()
    assert rows[0].startswith("id,service,organisation")
    assert any("Debt advice" in r and "review was due" in r for r in rows[1:])
    assert any("Council Tax" in r and "never checked" in r for r in rows[1:])
    # And the partner's staff-only entry (editors keep those too): nothing else.
    assert any("Staff only helpline" in r for r in rows[1:]) and len(rows) == 4


def test_the_reminder_emails_each_editor_what_falls_due(entries):
    d, editor, other, *_ = entries
    today = timezone.localdate()
    Service.objects.filter(organization=d.advice).update(
        assured_date=today - dt.timedelta(days=350), review_date=today + dt.timedelta(days=15)
    )
    Service.objects.filter(pk=d.far_away.pk).update(review_date=today + dt.timedelta(days=200))
    out = StringIO()
    call_command("directory_reminders", stdout=out)
    assert "Sent 1 reminder." in out.getvalue()
    note = Notification.objects.get()
    assert note.recipient == "editor@north.example"
    assert "Debt advice: review by" in note.body and "Council Tax" in note.body
    assert "Sherton" not in note.body  # not due for 200 days
    assert "/directory-editor/stale/" in note.body
    assert not Notification.objects.filter(recipient=other.email or "none").exists()


def test_an_organisations_partner_decides_who_edits_it(entries):
    d, editor, other, *_ = entries
    from firstcontact.directory.editing import editable_organizations, editable_services

    assert list(editable_organizations(editor)) == [Organization.objects.get(pk=d.advice.pk)]
    assert not editable_services(other).exists()


def test_incomplete_times_left_as_they_were_do_not_block_a_save(client, entries):
    """The debt advice opens on Tuesdays at 09:00 with no closing time (as a feed may have
    it): sending the form back with just a new phone number saves, and keeps those times."""
    d, editor, *_ = entries
    client.force_login(editor)
    response = client.post(
        edit_url(d.debt_advice),
        form_data(
            days=["TU"],
            opens_at="09:00",
            closes_at="",
            phone="01632 960 555",
            terms=[str(d.debt.pk)],
        ),
    )
    assert response.status_code == 302
    assert d.debt_advice.phones.get().number == "01632 960 555"
    assert Schedule.objects.filter(service_at_location=d.debt_at, byday="TU").exists()


def test_the_staff_navigation_links_editors_to_their_entries(client, partnership, entries):
    _d, editor, *_ = entries
    client.force_login(editor)
    assert 'href="/directory-editor/"' in client.get("/desk/directory/").content.decode()
    client.force_login(partnership.hub_adviser)
    assert 'href="/directory-editor/"' not in client.get("/desk/directory/").content.decode()
