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
    Accessibility,
    Attribute,
    Feed,
    Location,
    Organization,
    Postcode,
    Schedule,
    Service,
    ServiceAtLocation,
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


def org_url(organization) -> str:
    return f"/directory-editor/organisations/{organization.pk}/"


def new_url(organization) -> str:
    return f"/directory-editor/organisations/{organization.pk}/new-service/"


def access(place) -> str:
    """The edit form's accessibility field for one place."""
    return f"accessibility_{place.pk.hex}"


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
            **{access(d.debt_at.location): "Step-free entrance\r\nHearing loop"},
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


# ------------------------------------------------------------------ accessibility at each place


def test_each_place_has_its_own_accessibility(client, partnership, entries):
    """The debt advice is offered at the library and the Corn Exchange (nobody's own), and at
    the south district's office: the editor describes the first two, each in its own fieldset,
    and sees the south's office as text (its editors keep it)."""
    d, editor, *_ = entries
    corn = d.food_at.location
    ServiceAtLocation.objects.create(service=d.debt_advice, location=corn)
    south_org = Organization.objects.create(name="South Wessex", partner=partnership.south)
    office = Location.objects.create(name="South Civic Centre", organization=south_org)
    Accessibility.objects.create(location=office, description="Ramp at the side door")
    ServiceAtLocation.objects.create(service=d.debt_advice, location=office)
    client.force_login(editor)

    page = client.get(edit_url(d.debt_advice)).content.decode()
    for place in (corn, d.debt_at.location):
        assert f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{place.name}' in (
            page
        )
        assert f'name="{access(place)}"' in page
    assert "Step-free entrance</textarea>" in page  # the Corn Exchange's, as kept
    assert f'name="{access(office)}"' not in page
    assert "Kept by South Wessex" in page and "Ramp at the side door" in page

    response = client.post(
        edit_url(d.debt_advice),
        form_data(
            days=["TU"],
            opens_at="09:00",
            terms=[str(d.debt.pk)],
            **{
                access(corn): "Step-free entrance",  # unchanged
                access(d.debt_at.location): "Hearing loop\r\n\r\nLarge print leaflets",
                access(office): "Hacked",  # not offered: ignored
            },
        ),
    )
    assert response.status_code == 302
    assert sorted(d.debt_at.location.accessibility.values_list("description", flat=True)) == [
        "Hearing loop",
        "Large print leaflets",
    ]
    assert list(corn.accessibility.values_list("description", flat=True)) == ["Step-free entrance"]
    assert list(office.accessibility.values_list("description", flat=True)) == [
        "Ramp at the side door"
    ]
    page = client.get(edit_url(d.debt_advice)).content.decode()
    assert "Hearing loop\nLarge print leaflets</textarea>" in page


def test_a_bad_category_id_is_an_error_message_not_a_500(client, entries):
    d, editor, *_ = entries
    client.force_login(editor)
    for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        response = client.post(edit_url(d.debt_advice), form_data(terms=[bad]))
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()


# ------------------------------------------------------------------ organisations


def org_data(**changes) -> dict:
    data = {
        "name": "Wessex Advice",
        "description": "Free advice",
        "email": "",
        "website": "",
        "logo": "",
        "uri": "",
    }
    data.update(changes)
    return data


def test_the_index_links_each_organisation_to_edit_and_add_to(client, entries):
    d, editor, *_ = entries
    client.force_login(editor)
    page = client.get(INDEX).content.decode()
    assert f'href="{org_url(d.advice)}"' in page and f'href="{new_url(d.advice)}"' in page
    assert org_url(d.charity) not in page


def test_an_editor_edits_their_organisation(client, entries):
    d, editor, *_ = entries
    before = d.advice.last_modified
    client.force_login(editor)
    page = client.get(org_url(d.advice)).content.decode()
    assert "<h1" in page and "Wessex Advice" in page and "Debt advice in Sherton" in page
    response = client.post(
        org_url(d.advice),
        org_data(
            name="Wessex Advice Centre",
            description="Free, independent advice.",
            email="hello@advice.example",
            website="advice.example",
            logo="https://advice.example/logo.png",
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "Saved “Wessex Advice Centre”" in page
    assert 'value="hello@advice.example"' in page and 'value="https://advice.example"' in page
    org = Organization.objects.get(pk=d.advice.pk)
    assert org.name == "Wessex Advice Centre" and org.logo == "https://advice.example/logo.png"
    assert org.last_modified > before
    # Its services carry it in their full records: an importer's next run picks them up.
    api = client.get(
        "/openreferral/v3/services", {"modified_after": before.isoformat(), "per_page": 100}
    ).json()
    changed = {s["id"] for s in api["contents"]}
    assert str(d.debt_advice.pk) in changed and str(d.food_bank.pk) not in changed
    assert client.get(f"/openreferral/v3/organizations/{org.pk}").json()["name"] == (
        "Wessex Advice Centre"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the name of the organisation"),
        ({"name": "   "}, "Enter the name of the organisation"),
        ({"email": "no-at-sign"}, "Enter an email address in the correct format"),
        ({"website": "http://"}, "Enter a web address"),
        ({"logo": "not a url"}, "Enter the logo&#x27;s web address"),
        ({"name": "x" * 301}, "Use 300 characters or fewer"),
    ],
)
def test_bad_organisation_details_show_the_error_summary(client, entries, changes, message):
    d, editor, *_ = entries
    client.force_login(editor)
    response = client.post(org_url(d.advice), org_data(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="govuk-error-summary"' in page and message in page
    assert "<title>Error:" in page
    assert Organization.objects.get(pk=d.advice.pk).name == "Wessex Advice"


def test_another_partners_organisation_is_not_there(client, partnership, entries):
    d, editor, other, admin, _gp = entries
    south_org = Organization.objects.create(name="South Wessex", partner=partnership.south)
    client.force_login(editor)
    for org in (south_org, d.charity):
        assert client.get(org_url(org)).status_code == 404
        assert client.post(org_url(org), org_data(name="Taken over")).status_code == 404
        assert client.get(new_url(org)).status_code == 404
        assert client.post(new_url(org), new_data()).status_code == 404
    for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        assert client.post(f"/directory-editor/organisations/{bad}/", org_data()).status_code == 404
        assert client.post(f"/directory-editor/organisations/{bad}/new-service/").status_code == (
            404
        )
    assert not Organization.objects.filter(name="Taken over").exists()
    assert not Service.objects.filter(name="Lunch club").exists()
    # The south's own editor keeps the south's; a partnership administrator keeps every one.
    client.force_login(other)
    assert client.get(org_url(south_org)).status_code == 200
    assert client.get(org_url(d.advice)).status_code == 404
    client.force_login(admin)
    assert client.get(org_url(d.charity)).status_code == 200
    assert client.get(new_url(d.charity)).status_code == 200


def test_other_staff_cannot_open_the_organisation_pages(client, partnership, entries):
    d = entries[0]
    client.force_login(partnership.hub_adviser)
    assert client.get(org_url(d.advice)).status_code == 403
    assert client.post(new_url(d.advice), new_data()).status_code == 403
    assert not Service.objects.filter(name="Lunch club").exists()


# ------------------------------------------------------------------ new entries


def new_data(**changes) -> dict:
    data = {
        "name": "Lunch club",
        "description": "A hot lunch and company on Thursdays.",
        "status": "active",
        "email": "lunch@advice.example",
        "url": "",
        "minimum_age": "60",
        "maximum_age": "",
        "place_name": "",
        "address_1": "",
        "address_2": "",
        "city": "",
        "county": "",
        "postcode": "",
    }
    data.update(changes)
    return data


def test_an_editor_adds_an_entry_with_its_first_place(client, entries):
    d, editor, *_ = entries
    client.force_login(editor)
    page = client.get(new_url(d.advice)).content.decode()
    assert "Add a service" in page and "Wessex Advice" in page
    response = client.post(
        new_url(d.advice),
        new_data(
            place_name="Fordington Hall",
            address_1="2 High Street",
            city="Casterbridge",
            county="Wessex",
            postcode="wx1 1aa",
        ),
    )
    service = Service.objects.get(name="Lunch club")
    assert response.status_code == 302 and response["Location"] == edit_url(service)
    assert service.organization == d.advice and service.minimum_age == 60
    assert service.email == "lunch@advice.example" and service.last_modified is not None
    assert service.assured_date is None  # not checked yet
    place = service.at_locations.get().location
    assert place.name == "Fordington Hall" and place.postcode == "WX1 1AA"
    assert (place.latitude, place.longitude) == (50.8, -1.75)  # the postcode's centroid
    assert place.organization == d.advice
    address = place.addresses.get()
    assert (address.address_1, address.city, address.postal_code) == (
        "2 High Street",
        "Casterbridge",
        "WX1 1AA",
    )
    # It lands on the entry's edit page, with its place to describe; the stale report lists it.
    page = client.get(response["Location"]).content.decode()
    assert "Added “Lunch club”" in page and f'name="{access(place)}"' in page
    assert "Lunch club</a>" in client.get(STALE).content.decode()
    # Residents find it by postcode.
    found = client.get("/find-a-service/", {"postcode": "WX1 1AA", "q": "lunch"})
    assert "Lunch club" in found.content.decode()


def test_an_entry_checked_today_is_not_stale(client, entries):
    d, editor, *_ = entries
    client.force_login(editor)
    client.post(new_url(d.advice), new_data(checked_today="on"))
    service = Service.objects.get(name="Lunch club")
    assert service.assured_date == timezone.localdate() and service.assured_by == editor
    assert not service.at_locations.exists()  # no place given: by phone or online
    assert "Lunch club</a>" not in client.get(STALE).content.decode()


def test_a_postcode_not_yet_loaded_is_kept_without_a_point(client, entries):
    d, editor, *_ = entries
    client.force_login(editor)
    response = client.post(
        new_url(d.advice),
        new_data(address_1="1 Back Lane", city="Casterbridge", postcode="WX2 7QQ"),
        follow=True,
    )
    assert "We do not know where WX2 7QQ is yet" in response.content.decode()
    place = Service.objects.get(name="Lunch club").at_locations.get().location
    assert place.postcode == "WX2 7QQ" and place.latitude is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the name of the service"),
        (
            {"address_1": "1 Back Lane", "city": "Casterbridge", "postcode": "nowhere"},
            "Enter a full postcode",
        ),
        ({"address_1": "1 Back Lane", "city": "Casterbridge"}, "Enter a full postcode"),
        ({"postcode": "WX1 1AA"}, "Enter the first line of the place"),
        ({"address_1": "1 Back Lane", "postcode": "WX1 1AA"}, "Enter the town or city"),
        ({"minimum_age": "70", "maximum_age": "60"}, "The oldest age must be"),
        ({"status": "gone"}, "Select a valid choice"),
        ({"email": "lunch"}, "Enter an email address in the correct format"),
        ({"place_name": "x" * 301}, "Use 300 characters or fewer"),
    ],
)
def test_a_new_entry_with_bad_details_shows_the_error_summary(client, entries, changes, message):
    d, editor, *_ = entries
    client.force_login(editor)
    response = client.post(new_url(d.advice), new_data(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="govuk-error-summary"' in page and message in page
    assert not Service.objects.filter(organization=d.advice, name="Lunch club").exists()


def test_a_feeds_organisation_is_changed_at_its_publisher(client, entries):
    d, _editor, _other, admin, _gp = entries
    feed = Feed.objects.create(url="https://feed.example/")
    Organization.objects.filter(pk=d.charity.pk).update(feed=feed)
    client.force_login(admin)
    response = client.post(org_url(d.charity), org_data(name="Renamed"))
    assert "change it there" in response.content.decode()
    assert Organization.objects.get(pk=d.charity.pk).name == "Casterbridge Food Bank"
    assert client.get(new_url(d.charity)).status_code == 404


def test_a_feeds_entry_shows_its_places_without_fields(client, entries):
    d, _editor, _other, admin, _gp = entries
    feed = Feed.objects.create(url="https://feed.example/")
    Service.objects.filter(pk=d.food_bank.pk).update(feed=feed)
    client.force_login(admin)
    page = client.get(edit_url(d.food_bank)).content.decode()
    assert "Corn Exchange" in page and "Accessibility: Step-free entrance." in page
    assert f'name="{access(d.food_at.location)}"' not in page
    response = client.post(
        edit_url(d.food_bank),
        form_data(name="Emergency food parcels", **{access(d.food_at.location): "Changed"}),
    )
    assert "change it there" in response.content.decode()
    assert list(d.food_at.location.accessibility.values_list("description", flat=True)) == [
        "Step-free entrance"
    ]


# ------------------------------------------------------------------ an entry's places


def place_url(service, place) -> str:
    return f"/directory-editor/services/{service.pk}/places/{place.pk}/"


def add_place_url(service) -> str:
    return f"/directory-editor/services/{service.pk}/places/new/"


def remove_url(service, place) -> str:
    return f"{place_url(service, place)}remove/"


def place_data(**changes) -> dict:
    data = {
        "name": "Sherton Hall",
        "description": "",
        "address_1": "1 Sherton Hall Street",
        "address_2": "",
        "city": "Casterbridge",
        "county": "Wessex",
        "postcode": "WX9 9ZZ",
    }
    data.update(changes)
    return data


def sherton(hall) -> str:
    """A postcode loaded at Sherton Hall's door (its own, WX9 9ZZ, is centred elsewhere)."""
    Postcode.objects.create(postcode="WX9 8HH", latitude=hall.latitude, longitude=hall.longitude)
    return "WX9 8HH"


def found(client, postcode: str, radius: int = 1000) -> str:
    """The resident's search by postcode alone, within `radius` metres."""
    return client.get("/find-a-service/", {"postcode": postcode, "radius": radius}).content.decode()


def test_a_changed_postcode_moves_the_place_for_the_residents_search(client, entries):
    """Sherton Hall (nobody's own, WX9 9ZZ, 60 km north) moves to Casterbridge's WX1 1AA: a
    resident there now finds the debt advice in Sherton within a kilometre, and one in
    Sherton no longer does."""
    d, editor, *_ = entries
    entry = d.far_away
    hall = entry.at_locations.get().location
    before = entry.last_modified
    there = sherton(hall)
    assert "Debt advice in Sherton" not in found(client, "WX1 1AA")
    assert "Debt advice in Sherton" in found(client, there)
    client.force_login(editor)
    page = client.get(edit_url(entry)).content.decode()
    assert (
        f'href="{place_url(entry, hall)}"' in page and f'href="{remove_url(entry, hall)}"' in page
    )
    assert f'href="{add_place_url(entry)}"' in page
    page = client.get(place_url(entry, hall)).content.decode()
    assert 'value="1 Sherton Hall Street"' in page and 'value="WX9 9ZZ"' in page
    assert "Changing this place changes it for: Debt advice in Sherton" in page

    response = client.post(
        place_url(entry, hall),
        place_data(
            name="Sherton Advice Hub",
            description="First floor, by the lift.",
            address_1="2 High Street",
            address_2="Fordington",
            postcode="wx1 1aa",
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "Saved “Sherton Advice Hub”" in page and "We do not know where" not in page
    assert "Sherton Advice Hub" in page and "2 High Street, Casterbridge, WX1 1AA" in page
    hall = Location.objects.get(pk=hall.pk)
    assert hall.name == "Sherton Advice Hub" and hall.description == "First floor, by the lift."
    assert hall.postcode == "WX1 1AA" and (hall.latitude, hall.longitude) == (50.8, -1.75)
    address = hall.addresses.get()
    assert (address.address_1, address.address_2, address.postal_code) == (
        "2 High Street",
        "Fordington",
        "WX1 1AA",
    )
    # The search's copy of the position moved with it.
    assert (hall.services_at.get().latitude, hall.services_at.get().longitude) == (50.8, -1.75)
    assert "Debt advice in Sherton" in found(client, "WX1 1AA")
    assert "Debt advice in Sherton" not in found(client, there)
    # Importers asking for changes since before the edit get the entry.
    api = client.get(
        "/openreferral/v3/services", {"modified_after": before.isoformat(), "per_page": 100}
    ).json()
    changed = {s["id"] for s in api["contents"]}
    assert str(entry.pk) in changed and str(d.food_bank.pk) not in changed
    assert hall.last_modified > before


def test_a_postcode_not_loaded_keeps_the_old_position_and_says_so(client, entries):
    d, editor, *_ = entries
    entry = d.far_away
    hall = entry.at_locations.get().location
    old = (hall.latitude, hall.longitude)
    client.force_login(editor)
    response = client.post(place_url(entry, hall), place_data(postcode="WX2 7QQ"), follow=True)
    assert "We do not know where WX2 7QQ is yet" in response.content.decode()
    assert "still find this place at its old position" in response.content.decode()
    hall.refresh_from_db()
    assert hall.postcode == "WX2 7QQ" and hall.addresses.get().postal_code == "WX2 7QQ"
    assert (hall.latitude, hall.longitude) == old
    assert "Debt advice in Sherton" in found(client, sherton(hall))


def test_an_unchanged_postcode_keeps_a_position_more_precise_than_its_centroid(client, entries):
    d, editor, *_ = entries
    library = d.debt_at.location  # 3 km north of WX1 1AA, postcode WX1 2AB (not loaded)
    old = (library.latitude, library.longitude)
    client.force_login(editor)
    response = client.post(
        place_url(d.debt_advice, library),
        place_data(name="Central Library", address_1="1 Library Street", postcode="WX1 2AB"),
    )
    assert response.status_code == 302
    library.refresh_from_db()
    assert library.name == "Central Library" and (library.latitude, library.longitude) == old


def test_a_shared_place_names_every_entry_it_changes(client, entries):
    """The Corn Exchange (nobody's own) is the food bank's and the staff helpline's; once the
    debt advice is there too, its page names all three."""
    d, editor, *_ = entries
    corn = d.food_at.location
    ServiceAtLocation.objects.create(service=d.debt_advice, location=corn)
    client.force_login(editor)
    page = client.get(place_url(d.debt_advice, corn)).content.decode()
    assert "Changing this place changes it for 3 entries:" in page
    assert "Emergency food parcels (Casterbridge Food Bank)" in page  # named, not linked
    assert f'href="{edit_url(d.food_bank)}"' not in page
    assert f'href="{edit_url(d.secret_entry)}"' in page  # the editor's own
    before = d.food_bank.last_modified
    client.post(
        place_url(d.debt_advice, corn), place_data(name="Corn Exchange", postcode="WX1 1AB")
    )
    assert Service.objects.get(pk=d.food_bank.pk).last_modified > before


def test_an_editor_adds_a_place_residents_find(client, entries):
    d, editor, *_ = entries
    entry = d.far_away
    Postcode.objects.create(postcode="WX3 3CC", latitude=50.5, longitude=-2.0)
    assert "Debt advice in Sherton" not in found(client, "WX3 3CC")
    before = entry.last_modified
    client.force_login(editor)
    page = client.get(add_place_url(entry)).content.decode()
    assert "Add a place" in page and "Leave empty to use the service" in page
    response = client.post(
        add_place_url(entry),
        place_data(name="", address_1="5 Market Place", city="Weydon", postcode="wx3 3cc"),
        follow=True,
    )
    assert "Added “Debt advice in Sherton” to “Debt advice in Sherton”" in (
        response.content.decode()
    )
    new = Location.objects.get(addresses__address_1="5 Market Place")
    assert new.name == "Debt advice in Sherton" and new.organization == d.advice
    assert new.postcode == "WX3 3CC" and (new.latitude, new.longitude) == (50.5, -2.0)
    assert new.addresses.get().country == "GB"
    assert set(entry.at_locations.values_list("location__name", flat=True)) == {
        "Sherton Hall",
        "Debt advice in Sherton",
    }
    assert Service.objects.get(pk=entry.pk).last_modified > before
    assert "Debt advice in Sherton" in found(client, "WX3 3CC")
    hall = entry.at_locations.get(location__name="Sherton Hall").location
    assert "Debt advice in Sherton" in found(client, sherton(hall))  # its first place stays
    # The new place is the editor's organisation's: theirs to change.
    assert client.get(place_url(entry, new)).status_code == 200


def test_a_place_added_at_a_postcode_not_loaded_says_it_is_not_found_by_distance(client, entries):
    d, editor, *_ = entries
    client.force_login(editor)
    response = client.post(
        add_place_url(d.far_away),
        place_data(name="Back Lane Hall", postcode="WX2 7QQ"),
        follow=True,
    )
    assert "will not find this place by its distance" in response.content.decode()
    assert Location.objects.get(name="Back Lane Hall").latitude is None


def test_removing_a_place_takes_the_entry_off_that_place_only(client, entries):
    """The debt advice in Sherton is at Sherton Hall and the Corn Exchange (500 m from
    WX1 1AA); removed from the Corn Exchange, it is no longer found near WX1 1AA, is still
    found at Sherton Hall, and the food bank is still found at the Corn Exchange."""
    d, editor, *_ = entries
    entry, corn = d.far_away, d.food_at.location
    hall = entry.at_locations.get().location
    there = sherton(hall)
    ServiceAtLocation.objects.create(service=entry, location=corn)
    assert "Debt advice in Sherton" in found(client, "WX1 1AA")
    client.force_login(editor)
    page = client.get(remove_url(entry, corn)).content.decode()
    assert "Remove Corn Exchange from this entry?" in page
    assert "The place stays for the other entries at it" in page
    assert "Emergency food parcels" in page and "Staff only helpline" in page
    before = entry.last_modified
    response = client.post(remove_url(entry, corn), follow=True)
    page = response.content.decode()
    assert "“Debt advice in Sherton” is no longer offered at “Corn Exchange”." in page
    assert "The place is deleted" not in page
    assert Location.objects.filter(pk=corn.pk).exists()
    assert not ServiceAtLocation.objects.filter(service=entry, location=corn).exists()
    assert ServiceAtLocation.objects.filter(service=d.food_bank, location=corn).exists()
    assert ServiceAtLocation.objects.filter(service=entry, location=hall).exists()
    assert Service.objects.get(pk=entry.pk).last_modified > before
    near = found(client, "WX1 1AA")
    assert "Emergency food parcels" in near and "Debt advice in Sherton" not in near
    assert "Debt advice in Sherton" in found(client, there)


def test_a_place_left_with_no_entry_is_deleted(client, entries):
    d, editor, *_ = entries
    hall = d.far_away.at_locations.get().location
    there = sherton(hall)
    assert "Debt advice in Sherton" in found(client, there)
    client.force_login(editor)
    page = client.get(remove_url(d.far_away, hall)).content.decode()
    assert "No other entry is at this place, so the place" in page
    response = client.post(remove_url(d.far_away, hall), follow=True)
    assert "The place is deleted" in response.content.decode()
    assert not Location.objects.filter(pk=hall.pk).exists()
    assert Service.objects.filter(pk=d.far_away.pk).exists()
    assert "Debt advice in Sherton" not in found(client, there)


def test_places_the_editor_may_not_change_are_not_there(client, partnership, entries):
    """Another partner's office at the editor's entry, a feed's place, another entry's place,
    a charity's entry, a feed's entry and bad ids: 404, and nothing changes."""
    d, editor, other, admin, _gp = entries
    south_org = Organization.objects.create(name="South Wessex", partner=partnership.south)
    office = Location.objects.create(name="South Civic Centre", organization=south_org)
    ServiceAtLocation.objects.create(service=d.debt_advice, location=office)
    feed = Feed.objects.create(url="https://feed.example/")
    fed = Location.objects.create(name="Fed Hall", feed=feed)
    ServiceAtLocation.objects.create(service=d.debt_advice, location=fed)
    hall = d.far_away.at_locations.get().location
    client.force_login(editor)
    page = client.get(edit_url(d.debt_advice)).content.decode()
    assert place_url(d.debt_advice, office) not in page and "Kept by South Wessex" in page
    for place in (office, fed, hall):  # hall: the editor's, but not this entry's
        assert client.get(place_url(d.debt_advice, place)).status_code == 404
        assert client.post(place_url(d.debt_advice, place), place_data()).status_code == 404
        assert client.get(remove_url(d.debt_advice, place)).status_code == 404
        assert client.post(remove_url(d.debt_advice, place)).status_code == 404
    corn = d.food_at.location
    assert client.get(place_url(d.food_bank, corn)).status_code == 404  # the charity's entry
    assert client.post(remove_url(d.food_bank, corn)).status_code == 404
    assert client.post(add_place_url(d.food_bank), place_data(name="Taken")).status_code == 404
    for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        base = f"/directory-editor/services/{d.debt_advice.pk}/places/{bad}/"
        assert client.get(base).status_code == 404
        assert client.post(f"{base}remove/").status_code == 404
        assert client.get(f"/directory-editor/services/{bad}/places/new/").status_code == 404
        assert client.get(f"/directory-editor/services/{bad}/places/{corn.pk}/").status_code == 404
    assert Location.objects.get(pk=office.pk).name == "South Civic Centre"
    assert ServiceAtLocation.objects.filter(location=office).exists()
    assert ServiceAtLocation.objects.filter(location=fed).exists()
    assert not Location.objects.filter(name="Taken").exists()
    # A feed's entry is kept at its publisher, even by a partnership administrator.
    Service.objects.filter(pk=d.food_bank.pk).update(feed=feed)
    client.force_login(admin)
    assert client.get(add_place_url(d.food_bank)).status_code == 404
    assert client.get(place_url(d.food_bank, corn)).status_code == 404
    assert client.post(remove_url(d.food_bank, corn)).status_code == 404
    assert ServiceAtLocation.objects.filter(service=d.food_bank, location=corn).exists()
    # The south's editor keeps the south's office; an administrator every place not a feed's.
    client.force_login(admin)
    assert client.get(place_url(d.debt_advice, office)).status_code == 200
    assert client.get(place_url(d.debt_advice, fed)).status_code == 404
    client.force_login(other)
    assert client.get(place_url(d.debt_advice, office)).status_code == 404  # not their entry


def test_other_staff_are_refused_the_place_pages_and_visitors_sign_in(client, partnership, entries):
    d = entries[0]
    hall = d.far_away.at_locations.get().location
    client.force_login(partnership.hub_adviser)
    assert client.get(place_url(d.far_away, hall)).status_code == 403
    assert client.post(place_url(d.far_away, hall), place_data(name="X")).status_code == 403
    assert client.post(add_place_url(d.far_away), place_data(name="X")).status_code == 403
    assert client.post(remove_url(d.far_away, hall)).status_code == 403
    client.logout()
    for url in (
        place_url(d.far_away, hall),
        add_place_url(d.far_away),
        remove_url(d.far_away, hall),
    ):
        response = client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Location.objects.filter(pk=hall.pk, name="Sherton Hall").exists()
    assert not Location.objects.filter(name="X").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"address_1": ""}, "Enter the first line of the place&#x27;s address"),
        ({"address_1": "   "}, "Enter the first line of the place&#x27;s address"),
        ({"city": ""}, "Enter the town or city"),
        ({"postcode": ""}, "Enter a full postcode"),
        ({"postcode": "nowhere"}, "Enter a full postcode"),
        ({"postcode": "WX1 1AA 1AA"}, "Enter a full postcode"),
        ({"name": "x" * 301}, "Use 300 characters or fewer"),
        ({"description": "x" * 2001}, "Use 2,000 characters or fewer"),
        ({"county": "x" * 101}, "Use 100 characters or fewer"),
    ],
)
def test_bad_place_details_show_the_error_summary(client, entries, changes, message):
    d, editor, *_ = entries
    hall = d.far_away.at_locations.get().location
    client.force_login(editor)
    for url in (place_url(d.far_away, hall), add_place_url(d.far_away)):
        response = client.post(url, place_data(**{"name": "Changed", **changes}))
        assert response.status_code == 200
        page = response.content.decode()
        assert 'class="govuk-error-summary"' in page and message in page
        assert "<title>Error:" in page
    assert Location.objects.get(pk=hall.pk).name == "Sherton Hall"
    assert d.far_away.at_locations.count() == 1
