"""Canned replies: kept per partner (and service) by its team leaders and managers, filled
from the request safely, and offered only on the partner's own requests."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from firstcontact.casework.models import CannedReply
from firstcontact.casework.placeholders import fill, unknown_placeholders, values_for
from firstcontact.casework.services import retire_reply, save_reply
from firstcontact.partners.models import Role
from firstcontact.privacy.models import AuditEvent
from firstcontact.servicerequests.models import RequestUpdate
from firstcontact.servicerequests.services import refer_request
from tests.conftest import make_user
from tests.desk.conftest import raise_pothole


@pytest.fixture
def replies(partnership):
    lead = partnership.highways_lead
    return {
        "booked": save_reply(
            user=lead,
            partner=partnership.county,
            service=partnership.pothole,
            title="Repair booked",
            text="Hello {customer_first_name}, we have booked the repair of {reference} "
            "({service}) by {due_date}. {team}, {partner}",
        ),
        "general": save_reply(
            user=lead,
            partner=partnership.county,
            title="Thank you",
            text="Thank you for reporting {reference}.",
        ),
        "police": CannedReply.objects.create(
            partner=partnership.police, title="Police words", text="From the police"
        ),
    }


# --- placeholders ---------------------------------------------------------------------------


def test_unknown_placeholders_are_found_and_format_tricks_are_not_placeholders():
    assert unknown_placeholders("Hi {customer_first_name}, ref {reference}") == []
    assert unknown_placeholders("{reference.__class__} {0} {name} {0}") == [
        "reference.__class__",
        "0",
        "name",
    ]


def test_fill_is_a_plain_lookup_never_format():
    values = {"reference": "ABC-123", "customer_first_name": ""}
    # Braces the officer typed that are not placeholders stay as typed; nothing is evaluated.
    assert fill("Ref {reference} {reference.__class__} {}", values) == (
        "Ref ABC-123 {reference.__class__} {}"
    )
    # A value is never filled again (a resident's name with braces stays text).
    assert fill("{customer_first_name}", {"customer_first_name": "{reference}"}) == "{reference}"
    # An empty first name takes its space with it before punctuation.
    assert fill("Hello {customer_first_name}, thanks.", values) == "Hello, thanks."


def test_values_come_from_the_request(partnership, resident):
    request = raise_pothole(partnership, customer=resident)
    values = values_for(partnership.highways_officer, request)
    assert values["reference"] == request.formatted_reference
    assert values["service"] == "Pothole"
    assert values["customer_first_name"] == "Harriet"
    assert values["team"] == "Highways"
    assert values["partner"] == "Wessex County Council"
    assert values["due_date"]


# --- keeping them ---------------------------------------------------------------------------


def test_unknown_placeholder_is_refused_when_saved(partnership):
    with pytest.raises(ValidationError) as exc:
        save_reply(
            user=partnership.highways_lead,
            partner=partnership.county,
            title="Bad",
            text="Dear {name}",
        )
    assert "{name} is not a placeholder" in exc.value.message_dict["text"][0]
    assert not CannedReply.objects.exists()


def test_only_team_leaders_and_managers_of_the_partner_keep_them(partnership):
    for user, partner in [
        (partnership.highways_officer, partnership.county),  # a caseworker
        (partnership.highways_lead, partnership.police),  # a lead of another partner
    ]:
        with pytest.raises(PermissionDenied):
            save_reply(user=user, partner=partner, title="T", text="Words")


def test_the_service_must_be_one_the_partner_delivers(partnership):
    with pytest.raises(ValidationError) as exc:
        save_reply(
            user=partnership.highways_lead,
            partner=partnership.county,
            service=partnership.missed_bin,
            title="Bins",
            text="Words",
        )
    assert "service" in exc.value.message_dict


def test_model_clean_refuses_unknown_placeholders_in_the_admin(partnership):
    reply = CannedReply(partner=partnership.county, title="Admin", text="Hi {firstname}")
    with pytest.raises(ValidationError):
        reply.full_clean()


def test_staff_page_lists_adds_edits_and_retires(client, partnership, replies):
    client.force_login(partnership.highways_lead)
    page = client.get("/work/replies/").content.decode()
    assert "Repair booked" in page and "Thank you" in page
    assert "Police words" not in page

    response = client.post(
        "/work/replies/new/",
        {"partner": partnership.county.pk, "service": "", "title": "Oops", "text": "Hi {nme}"},
    )
    assert response.status_code == 200
    assert "{nme} is not a placeholder" in response.content.decode()
    assert not CannedReply.objects.filter(title="Oops").exists()

    response = client.post(
        "/work/replies/new/",
        {
            "partner": partnership.county.pk,
            "service": partnership.pothole.pk,
            "title": "Inspected",
            "text": "We inspected {reference}.",
        },
    )
    assert response.status_code == 302
    reply = CannedReply.objects.get(title="Inspected")
    assert reply.service == partnership.pothole and reply.created_by == partnership.highways_lead
    assert AuditEvent.objects.filter(object_type="canned_reply", object_id=str(reply.pk)).exists()

    response = client.post(
        f"/work/replies/{reply.pk}/",
        {"partner": partnership.county.pk, "service": "", "title": "Inspected", "text": "New"},
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.text == "New" and reply.service is None

    client.post(f"/work/replies/{reply.pk}/retire/")
    reply.refresh_from_db()
    assert reply.is_retired
    page = client.get("/work/replies/").content.decode()
    assert "Retired" in page


def test_caseworkers_get_403_and_other_partners_replies_404(client, partnership, replies):
    client.force_login(partnership.highways_officer)
    assert client.get("/work/replies/").status_code == 403
    assert client.get("/work/replies/new/").status_code == 403
    police_lead = make_user("police-lead", partnership.police, Role.TEAM_LEADER)
    client.force_login(police_lead)
    assert client.get(f"/work/replies/{replies['booked'].pk}/").status_code == 404
    assert client.post(f"/work/replies/{replies['booked'].pk}/retire/").status_code == 404
    replies["booked"].refresh_from_db()
    assert not replies["booked"].is_retired


# --- picking one on the request page --------------------------------------------------------


def test_request_page_offers_only_the_partners_replies_for_the_service(
    client, partnership, replies
):
    retired = save_reply(
        user=partnership.highways_lead, partner=partnership.county, title="Old", text="Old"
    )
    retire_reply(user=partnership.highways_lead, reply=retired)
    request = raise_pothole(partnership)
    client.force_login(partnership.highways_officer)
    page = client.get(f"/work/requests/{request.reference}/").content.decode()
    assert 'id="public-reply"' in page
    assert "Repair booked" in page and "Thank you" in page
    assert "Police words" not in page and ">Old<" not in page


def test_insert_fills_the_form_without_sending(client, partnership, resident, replies):
    request = raise_pothole(partnership, customer=resident)
    client.force_login(partnership.highways_officer)
    response = client.post(
        f"/work/requests/{request.reference}/insert-reply/",
        {
            "into": "public",
            "reply": replies["booked"].pk,
            "public-version": request.version,
            "public-text": "Typed first.",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Typed first.\n\nHello Harriet, we have booked the repair of "
        f"{request.formatted_reference} (Pothole)" in page
    )
    assert 'id="action-public" open' in page
    assert "Inserted “Repair booked” below: check it, then send it." in page
    # Nothing was sent: the officer reads it, then sends it with the form's own button.
    assert not RequestUpdate.objects.filter(
        request=request, public=True, text__contains="booked"
    ).exists()


def test_insert_refuses_a_reply_of_another_partner(client, partnership, replies):
    request = raise_pothole(partnership)
    client.force_login(partnership.highways_officer)
    response = client.post(
        f"/work/requests/{request.reference}/insert-reply/",
        {"into": "close", "reply": replies["police"].pk, "close-version": request.version},
        follow=True,
    )
    page = response.content.decode()
    assert "Choose one of the canned replies offered" in page
    assert "From the police" not in page


def test_insert_is_for_those_who_act_on_the_request(client, partnership, replies):
    request = raise_pothole(partnership)
    refer_request(
        user=partnership.highways_officer,
        request=request,
        to_partner=partnership.police,
        to_team=partnership.asb_team,
        reason="Needles in the hole",
    )
    data = {"into": "public", "reply": replies["general"].pk, "public-version": 1}
    url = f"/work/requests/{request.reference}/insert-reply/"
    # Referred: reads it, does not write to the resident.
    client.force_login(partnership.police_officer)
    response = client.post(url, data)
    assert response.status_code == 403
    assert "Thank you for reporting" not in response.content.decode()
    # A partner that cannot read it at all.
    client.force_login(partnership.south_caseworker)
    assert client.post(url, data).status_code == 404


def test_the_admin_lists_them_and_refuses_unknown_placeholders(client, partnership, replies):
    client.force_login(partnership.admin)
    page = client.get("/admin/casework/cannedreply/").content.decode()
    assert "Repair booked" in page and "Police words" in page
    response = client.post(
        "/admin/casework/cannedreply/add/",
        {"partner": partnership.county.pk, "service": "", "title": "Admin's", "text": "Hi {nme}"},
    )
    assert response.status_code == 200
    assert "Not a placeholder: nme" in response.content.decode()
    assert not CannedReply.objects.filter(title="Admin's").exists()


def test_the_queue_links_leads_to_the_replies_page(client, partnership):
    client.force_login(partnership.highways_lead)
    assert 'href="/work/replies/"' in client.get("/work/").content.decode()
    client.force_login(partnership.highways_officer)
    assert 'href="/work/replies/"' not in client.get("/work/").content.decode()


def test_request_page_reads_the_replies_once_for_all_its_pickers(client, partnership, replies):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request = raise_pothole(partnership)
    client.force_login(partnership.highways_officer)
    table = CannedReply._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/work/requests/{request.reference}/").content.decode()
    # Several action forms offer the picker (note, update, close) ...
    assert page.count("Repair booked") >= 3
    # ... and the replies were read once.
    assert sum(table in q["sql"] for q in queries.captured_queries) == 1


def test_a_bulk_reply_reads_the_customers_once_for_all_the_requests(
    partnership, resident, replies, monkeypatch
):
    from firstcontact.casework import placeholders
    from firstcontact.casework.services import bulk_change
    from firstcontact.servicerequests.models import Status

    calls = []
    real = placeholders.visible_customers

    def counted(user):
        calls.append(user)
        return real(user)

    monkeypatch.setattr(placeholders, "visible_customers", counted)
    requests = [raise_pothole(partnership, customer=resident) for _ in range(3)]
    results = bulk_change(
        user=partnership.highways_officer,
        versions={r.pk: r.version for r in requests},
        action="close",
        outcome="fixed",
        reply=replies["booked"],
    )
    assert [r.done for r in results] == [True, True, True]
    for request in requests:
        update = RequestUpdate.objects.get(request=request, status=Status.CLOSED)
        assert update.text.startswith("Hello Harriet, we have booked the repair of ")
    assert len(calls) == 1
