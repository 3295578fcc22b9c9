"""The request page follows docs/access.md: a reader who may not act gets no action forms
and a 403 page for any action posted; a hub's back office gets 404; sharing partners see
only the public timeline; bulk assign and message retries are checked item by item."""

import pytest

from firstcontact.customers.services import record_consent
from firstcontact.notify.models import Notification
from firstcontact.privacy.models import DataSharingAgreement
from firstcontact.servicerequests.models import Referral
from firstcontact.servicerequests.services import add_update, refer_request
from tests.conftest import make_user
from tests.desk.conftest import raise_pothole

ACTIONS = ["note", "public", "assign", "acknowledge", "start", "hold", "resume", "close", "refer"]


@pytest.fixture
def pothole(partnership, resident):
    request = raise_pothole(partnership, resident)
    add_update(user=partnership.highways_officer, request=request, text="Crew notes", public=False)
    return request


def test_the_hubs_back_office_gets_404_on_its_clients_requests(client, partnership, pothole):
    client.force_login(partnership.hub_caseworker)
    for url in [f"/work/requests/{pothole.reference}/", f"/desk/requests/{pothole.reference}/"]:
        assert client.get(url).status_code == 404, url
    for action in ACTIONS:
        assert client.post(f"/work/requests/{pothole.reference}/{action}/").status_code == 404


def test_a_hub_adviser_reads_it_without_action_forms_and_gets_403(client, partnership, pothole):
    client.force_login(partnership.hub_adviser)
    page = client.get(f"/work/requests/{pothole.reference}/").content.decode()
    assert "Big hole by the bus stop" in page and "Crew notes" in page
    assert 'id="read-only"' in page
    for form_title in ["Close request", "Add note", "Send update", "Put on hold", "Refer"]:
        assert form_title not in page, form_title
    for action in ACTIONS:
        response = client.post(
            f"/work/requests/{pothole.reference}/{action}/",
            {f"{action}-version": pothole.version, f"{action}-text": "x", "close-outcome": "fixed"},
        )
        assert response.status_code == 403, action
        assert "You cannot do that" in response.content.decode()
    pothole.refresh_from_db()
    assert (pothole.status, pothole.version) == ("open", 2)


def test_the_responsible_caseworker_sees_every_form(client, partnership, pothole):
    client.force_login(partnership.highways_officer)
    page = client.get(f"/work/requests/{pothole.reference}/").content.decode()
    for form_title in ["Close request", "Add note", "Send update", "Put on hold", "Refer"]:
        assert form_title in page, form_title
    assert 'id="read-only"' not in page


def test_a_sharing_partner_sees_only_public_updates(client, partnership, pothole, resident):
    p = partnership
    DataSharingAgreement.objects.create(
        provider=p.county,
        recipient=p.south,
        categories=["identity", "service_requests"],
        purpose="Two-tier",
        starts="2020-01-01",
    )
    record_consent(user=None, customer=resident, purpose="share_with_partners", recipient=p.south)
    client.force_login(p.south_caseworker)
    page = client.get(f"/work/requests/{pothole.reference}/").content.decode()
    assert "Big hole by the bus stop" in page
    assert "Crew notes" not in page and 'id="public-only"' in page
    assert client.post(f"/work/requests/{pothole.reference}/close/").status_code == 403


def test_bulk_assign_checks_each_request(client, partnership, pothole, resident):
    """A referred partner may not bulk-assign the referring partner's request."""
    p = partnership
    record_consent(user=None, customer=resident, purpose="share_with_partners", recipient=p.police)
    refer_request(user=p.highways_officer, request=pothole, to_partner=p.police, reason="Needles")
    pothole.refresh_from_db()
    client.force_login(p.police_officer)
    page = client.post(
        "/work/assign/",
        {"requests": [f"{pothole.pk}:{pothole.version}"], "assignee": p.police_officer.pk},
        follow=True,
    ).content.decode()
    assert "Not assigned" in page and pothole.formatted_reference in page
    pothole.refresh_from_db()
    assert pothole.assignee is None


def test_a_declined_referral_closes_the_page_to_the_decliner(
    client, partnership, pothole, resident
):
    p = partnership
    record_consent(user=None, customer=resident, purpose="share_with_partners", recipient=p.police)
    referral = refer_request(
        user=p.highways_officer, request=pothole, to_partner=p.police, reason="Needles"
    )
    client.force_login(p.police_officer)
    assert client.get(f"/work/requests/{pothole.reference}/").status_code == 200
    Referral.objects.filter(pk=referral.pk).update(state="declined")
    for url in [f"/work/requests/{pothole.reference}/", f"/desk/customers/{resident.pk}/"]:
        assert client.get(url).status_code == 404, url
    assert pothole.formatted_reference not in client.get("/work/?team=").content.decode()


def test_failed_messages_are_for_the_partners_officers(client, partnership, pothole):
    p = partnership
    message = Notification.objects.create(
        channel="email", recipient="harriet@example.org", subject="About the pothole",
        body="x", status="failed", service_request=pothole,
    )  # fmt: skip
    url = f"/work/notifications/{message.pk}/retry/"
    county_adviser = make_user("county-adviser", p.county, "adviser")
    for reader in [p.hub_adviser, county_adviser, p.admin]:
        client.force_login(reader)
        assert "About the pothole" not in client.get("/work/notifications/").content.decode()
        assert client.post(url).status_code == 404
    client.force_login(p.highways_officer)
    assert "About the pothole" in client.get("/work/notifications/").content.decode()
    assert client.post(url).status_code == 302
    message.refresh_from_db()
    assert message.status in {"queued", "sent"}


def test_a_partnership_admin_alone_reads_no_case_work(client, partnership, pothole, resident):
    client.force_login(partnership.admin)
    for url in [
        f"/work/requests/{pothole.reference}/",
        f"/desk/requests/{pothole.reference}/",
        f"/desk/customers/{resident.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    page = client.get("/desk/?q=Harriet+Ambleside").content.decode()
    assert f"/desk/customers/{resident.pk}/" not in page and "4 Mill Lane" not in page
