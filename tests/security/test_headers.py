"""Security headers on every part of the site: Django's Content-Security-Policy with a fresh
nonce and no 'unsafe-inline' script, Referrer-Policy, Permissions-Policy,
Cross-Origin-Opener-Policy, and Cache-Control: no-store on pages with personal data."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client

from firstcontact.customers.services import create_customer
from firstcontact.partners.geography import Location
from firstcontact.security import SecurityHeadersMiddleware, personal_data
from firstcontact.servicerequests.services import raise_request
from firstcontact.settings import tile_origins
from tests.portal.fixtures import build_portal_data
from tests.security.inline import page_problems

NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]+)'")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def assert_strict_policy(response) -> str | None:
    """The page is served under the project's policy and breaks none of it; returns the
    nonce when the page used one."""
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    script_src = policy["script-src"]
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    nonces = NONCE.findall(" ".join(script_src))
    nonce = nonces[0] if nonces else None
    if response.get("Content-Type", "").startswith("text/html"):
        problems, nonced = page_problems(response.content.decode(), nonce)
        assert not problems, f"{response.wsgi_request.path}: {problems}"
        if nonced:
            assert nonce, "a script carries a nonce but the header has none"
    return nonce


def assert_other_headers(response) -> None:
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions


def assert_no_store(response) -> None:
    assert "no-store" in response["Cache-Control"], response.get("Cache-Control")
    assert "private" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def assert_cacheable(response) -> None:
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Pragma" not in response


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_public_start_page(client, partnership):
    response = client.get("/")
    assert response.status_code == 200
    nonce = assert_strict_policy(response)
    assert nonce, "base.html's js-enabled script carries the nonce"
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert_other_headers(response)
    assert_cacheable(response)


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/report/", "/apply/", "/tell-us-once/", "/track/", "/search/"]
)
def test_public_pages_are_under_the_policy(client, partnership, path):
    build_portal_data(partnership)
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert assert_strict_policy(response)
    assert_other_headers(response)


def test_each_response_gets_a_fresh_nonce(client, partnership):
    nonces = {assert_strict_policy(client.get("/")) for _ in range(3)}
    assert len(nonces) == 3 and None not in nonces


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("hub_adviser", "/desk/"),
        ("hub_adviser", "/desk/knowledge/"),
        ("hub_adviser", "/desk/callbacks/"),
        ("highways_officer", "/work/"),
        ("admin", "/insight/"),
        ("admin", "/insight/live/"),
        ("admin", "/admin/"),
        ("admin", "/admin/partners/partner/"),
        ("admin", "/admin/partners/partner/add/"),
        ("admin", "/admin/catalogue/service/add/"),
    ],
)
def test_staff_pages_are_under_the_policy_and_never_stored(partnership, who, path):
    response = signed_in(getattr(partnership, who)).get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert_strict_policy(response)
    assert_other_headers(response)
    assert_no_store(response)


def test_the_two_factor_pages_are_under_the_policy(partnership):
    """Setting up an authenticator shows its QR code as inline SVG: no style or script."""
    client = signed_in(partnership.hub_adviser)
    for path in ("/accounts/two-factor/", "/accounts/two-factor/set-up/"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert_strict_policy(response)
        assert_no_store(response)


def test_a_staff_request_page_is_never_stored(partnership):
    service_request = raise_request(
        user=partnership.hub_adviser,
        service=partnership.pothole,
        channel="phone",
        location=Location(postcode="WX1 2AB"),
        attributes={"depth": "deep"},
        description="Big hole by the bus stop",
    )
    response = signed_in(partnership.highways_officer).get(
        f"/work/requests/{service_request.reference}/"
    )
    assert response.status_code == 200
    assert_strict_policy(response)
    assert_no_store(response)


def test_the_admin_runs_no_inline_script(partnership):
    """Django's admin loads its scripts as files (with the nonce) and passes values in data-
    attributes and json_script blocks, so it needs nothing from 'unsafe-inline'."""
    response = signed_in(partnership.admin).get(
        f"/admin/partners/partner/{partnership.county.pk}/change/"
    )
    assert response.status_code == 200
    nonce = assert_strict_policy(response)
    html = response.content.decode()
    assert nonce and f'nonce="{nonce}"' in html


def test_a_tracking_result_is_never_stored(client, partnership):
    customer = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Sam",
        family_name="Resident",
        emails=["sam.resident@example.org"],
    )
    service_request = raise_request(
        user=None,
        service=partnership.pothole,
        channel="web",
        location=Location(postcode="WX1 2AB"),
        attributes={"depth": "deep"},
        description="Deep pothole by the school",
        customer=customer,
    )
    response = client.post(
        "/track/",
        {"reference": service_request.reference, "contact": "sam.resident@example.org"},
    )
    assert response.status_code == 200
    assert "Pothole" in response.content.decode()
    assert_strict_policy(response)
    assert_no_store(response)


def test_a_journey_page_holding_answers_is_never_stored(client, partnership):
    build_portal_data(partnership)
    response = client.post("/report/pothole/location/", {"postcode": "wx1 2ab"})
    assert response.status_code == 302
    assert_no_store(response)
    response = client.get("/report/pothole/location/")
    assert response.status_code == 200
    assert 'value="WX1 2AB"' in response.content.decode()
    assert_strict_policy(response)
    assert_no_store(response)
    # The visitor's session holds their answers, so even a public page is not kept for them.
    assert_no_store(client.get("/"))


def test_a_public_service_page_stays_cacheable(client, partnership):
    build_portal_data(partnership)
    response = client.get("/services/council-tax/")
    assert response.status_code == 200
    assert_strict_policy(response)
    assert_cacheable(response)


def test_open311_public_lists_stay_cacheable(client, partnership):
    response = client.get("/open311/v2/services.json", {"jurisdiction_id": "wessex"})
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert_other_headers(response)
    assert_cacheable(response)


def test_static_files_are_not_marked_even_for_staff(partnership, rf):
    """Scripts and stylesheets hold nothing personal: caches may keep them."""

    def view(request):
        return HttpResponse("body { }", content_type="text/css")

    middleware = SecurityHeadersMiddleware(view)
    for path, stored in (("/static/firstcontact/firstcontact.css", False), ("/desk/", True)):
        request = rf.get(path)
        request.user = partnership.hub_adviser
        response = middleware(request)
        assert ("no-store" in response.get("Cache-Control", "")) is stored, path
        assert response["Permissions-Policy"].startswith("accelerometer=()")


def test_a_view_marked_personal_is_never_stored_even_for_a_new_visitor(rf):
    @personal_data
    def view(request):
        return HttpResponse("Your request")

    request = rf.get("/anything/")
    request.user = AnonymousUser()
    assert_no_store(SecurityHeadersMiddleware(view)(request))
    unmarked = SecurityHeadersMiddleware(lambda request: HttpResponse("Hello"))(request)
    assert_cacheable(unmarked)


def test_the_map_tiles_origin_is_allowed_for_images():
    assert tile_origins("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == [
        "https://tile.openstreetmap.org"
    ]
    assert tile_origins("https://{s}.tile.example.net/{z}/{x}/{y}.png") == [
        "https://*.tile.example.net"
    ]
    assert tile_origins("") == []
    for origin in tile_origins(settings.LEAFLET_TILE_URL):
        assert origin in settings.SECURE_CSP["img-src"]
