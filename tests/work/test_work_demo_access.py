"""The issue's demo check, on the demo partnership: Casterbridge's revenues caseworker (the
hub's back office) gets 404 on Wessex Constabulary's antisocial-behaviour requests; the hub's
contact-centre adviser reads them without any action; the police officer works them."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Exists, OuterRef, Q

from firstcontact.customers.models import Consent
from firstcontact.servicerequests.models import Referral, ServiceRequest


@pytest.fixture
def demo(db):
    call_command("load_demo", people=150, no_progress=True, calls=False, stdout=StringIO())


def police_asb_request() -> ServiceRequest:
    """One of the police's ASB requests that nothing opens to Casterbridge: no referral to it,
    no consent naming it."""
    casterbridge = Q(to_partner__slug="casterbridge")
    referred = Referral.objects.filter(casterbridge, request=OuterRef("pk"))
    consented = Consent.objects.filter(
        customer=OuterRef("customer"), recipient__slug="casterbridge"
    )
    request = (
        ServiceRequest.objects.filter(
            responsible_partner__slug="wessex-police", service__code="asb"
        )
        .exclude(Exists(referred))
        .exclude(Exists(consented))
        .first()
    )
    assert request is not None, "the demo has police ASB requests"
    # Open it again (a small demo's are mostly closed) so the officer has actions to take.
    ServiceRequest.objects.filter(pk=request.pk).update(
        status="in_progress", outcome="", closed_at=None
    )
    request.refresh_from_db()
    return request


def test_the_demo_logins_see_a_police_asb_request_as_the_policy_says(client, demo):
    request = police_asb_request()
    urls = [f"/work/requests/{request.reference}/", f"/desk/requests/{request.reference}/"]

    client.force_login(User.objects.get(username="caseworker"))
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/work/requests/{request.reference}/close/").status_code == 404

    client.force_login(User.objects.get(username="adviser"))
    for url in urls:
        page = client.get(url).content.decode()
        assert request.formatted_reference in page and 'id="read-only"' in page, url
        assert "Close request" not in page and "Add note" not in page
    assert client.post(f"/work/requests/{request.reference}/close/").status_code == 403

    client.force_login(User.objects.get(username="police"))
    page = client.get(urls[0]).content.decode()
    assert "Add note" in page and 'id="read-only"' not in page
    response = client.post(
        f"/work/requests/{request.reference}/note/",
        {"note-version": request.version, "note-text": "Patrol booked"},
    )
    assert response.status_code == 302
    assert request.updates.filter(text="Patrol booked").exists()
