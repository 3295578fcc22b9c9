"""Two-factor sign-in for staff: setting up an app at the first sign-in, signing in with a code
from it or a recovery code, wrong codes, and which pages insist on it."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from firstcontact.privacy.models import AuditEvent

from .conftest import add_authenticator, add_recovery_codes, code_now, sign_in

pytestmark = pytest.mark.django_db


def test_first_sign_in_sets_up_an_app_then_shows_ten_recovery_codes_once(
    client, partnership, required
):
    user = partnership.hub_adviser
    response = sign_in(client, "hub-adviser", next_url="/desk/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/set-up/?next=%2Fdesk%2F"
    # Not signed in to staff pages yet: every one sends them back to set up.
    response = client.get("/work/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/set-up/")

    page = client.get("/accounts/two-factor/set-up/?next=/desk/").content.decode()
    assert "Set up your authenticator app" in page
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'id="secret"><code>([A-Z2-7 ]+)</code>', page).group(1)
    assert len(secret.replace(" ", "")) == 32
    # Reloading the page keeps the same secret (the person may be half way through scanning).
    client.get("/accounts/two-factor/set-up/")
    assert TOTPDevice.objects.filter(user=user).count() == 1

    response = client.post("/accounts/two-factor/set-up/", {"code": "12345", "next": "/desk/"})
    assert "Enter the 6-digit code from your app" in response.content.decode()
    response = client.post("/accounts/two-factor/set-up/", {"code": "000000", "next": "/desk/"})
    assert "The code is not right" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()

    response = client.post(
        "/accounts/two-factor/set-up/", {"code": code_now(device), "next": "/desk/"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Your recovery codes" in page and "You will not see these codes again" in page
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(shown) == 10
    assert set(shown) == set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )
    assert 'href="/desk/"' in page  # "continue" goes where they were going
    # Shown once only.
    page = client.get("/accounts/two-factor/").content.decode()
    assert not re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert "Recovery codes left" in page
    # Signed in: staff pages open.
    assert client.get("/desk/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(
        user=user, action=AuditEvent.Action.UPDATE, detail__contains="authenticator app"
    ).exists()


def test_sign_in_with_a_code_from_the_app(client, partnership, required):
    user = partnership.hub_adviser
    device = add_authenticator(user)
    response = sign_in(client, "hub-adviser", next_url="/work/")
    assert response["Location"] == "/accounts/two-factor/verify/?next=%2Fwork%2F"
    assert client.get("/desk/").status_code == 302

    page = client.get(response["Location"]).content.decode()
    assert "Enter the code from your authenticator app" in page

    response = client.post("/accounts/two-factor/verify/", {"code": "123456", "next": "/work/"})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    # A wrong code makes the next try wait (1, 2, 4… seconds): even the right one, at once.
    response = client.post(
        "/accounts/two-factor/verify/", {"code": code_now(device), "next": "/work/"}
    )
    assert "too many wrong codes" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()

    response = client.post(
        "/accounts/two-factor/verify/", {"code": code_now(device), "next": "/work/"}
    )
    assert response.status_code == 302 and response["Location"] == "/work/"
    assert client.get("/desk/").status_code == 200

    actions = list(
        AuditEvent.objects.filter(object_type="user", object_id=str(user.pk))
        .order_by("pk")
        .values_list("action", "detail")
    )
    assert actions[0] == ("sign_in", "password; second factor to follow")
    assert (
        "sign_in_failed",
        "second factor refused: The code is not right. Check it and try again.",
    ) in actions
    assert actions[-1] == ("sign_in", "second factor: an app code")


def test_a_code_is_accepted_once(client, partnership, required):
    device = add_authenticator(partnership.hub_adviser)
    code = code_now(device)
    sign_in(client, "hub-adviser")
    assert client.post("/accounts/two-factor/verify/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    sign_in(client, "hub-adviser")
    response = client.post("/accounts/two-factor/verify/", {"code": code})
    assert response.status_code == 200 and "The code is not right" in response.content.decode()


def test_a_recovery_code_works_once(client, partnership, required):
    user = partnership.hub_adviser
    add_authenticator(user)
    device = add_recovery_codes(user, "abcd2345", "efgh6723")
    sign_in(client, "hub-adviser")
    # As people type them: upper case, with a space.
    response = client.post("/accounts/two-factor/verify/", {"code": "ABCD 2345", "next": "/desk/"})
    assert response.status_code == 302 and response["Location"] == "/desk/"
    assert list(device.token_set.values_list("token", flat=True)) == ["efgh6723"]
    assert AuditEvent.objects.filter(
        user=user, action="sign_in", detail="second factor: a recovery code"
    ).exists()

    client.post("/accounts/logout/")
    sign_in(client, "hub-adviser")
    response = client.post("/accounts/two-factor/verify/", {"code": "abcd2345"})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert client.get("/desk/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, partnership, required):
    user = partnership.hub_adviser
    device = add_authenticator(user)
    add_recovery_codes(user, "abcd2345")
    sign_in(client, "hub-adviser")
    client.post("/accounts/two-factor/verify/", {"code": code_now(device)})
    desk = client.get("/desk/").content.decode()
    assert '<a class="govuk-service-navigation__link" href="/accounts/two-factor/"' in desk
    page = client.post("/accounts/two-factor/").content.decode()
    new_codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new_codes) == 10 and "abcd2345" not in new_codes
    client.post("/accounts/logout/")
    sign_in(client, "hub-adviser")
    assert client.post("/accounts/two-factor/verify/", {"code": "abcd2345"}).status_code == 200
    StaticDevice.objects.get(user=user).throttle_reset()  # no wait after the wrong code
    assert client.post("/accounts/two-factor/verify/", {"code": new_codes[0]}).status_code == 302


def test_moving_to_a_new_phone_needs_the_old_second_factor_first(client, partnership, required):
    user = partnership.hub_adviser
    old = add_authenticator(user)
    sign_in(client, "hub-adviser")
    # Not verified yet: setting up another app is not a way round the code.
    response = client.get("/accounts/two-factor/set-up/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    client.post("/accounts/two-factor/verify/", {"code": code_now(old)})
    client.get("/accounts/two-factor/set-up/")
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/two-factor/set-up/", {"code": code_now(new)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [new.pk]


def test_optional_second_factor_asks_only_logins_that_have_one(client, partnership):
    """tests/settings.py's mode, and the demo's: a login without an app signs in with its
    password; one with an app must still use it."""
    response = sign_in(client, "hub-adviser", next_url="/desk/")
    assert response["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200
    client.post("/accounts/logout/")

    device = add_authenticator(partnership.highways_officer)
    response = sign_in(client, "highways-officer", next_url="/work/")
    assert response["Location"] == "/accounts/two-factor/verify/?next=%2Fwork%2F"
    assert client.get("/work/").status_code == 302
    client.post("/accounts/two-factor/verify/", {"code": code_now(device)})
    assert client.get("/work/").status_code == 200


def test_staff_pages_insist_but_the_resident_site_and_sign_out_do_not(
    client, partnership, required
):
    add_authenticator(partnership.admin)
    client.force_login(partnership.admin)  # a password, and no second factor yet
    for url in ["/desk/", "/work/", "/insight/", "/admin/", "/admin/auth/user/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/two-factor/verify/?next="), url
    # htmx swaps a part of the page: it is told to load the code page as a whole page.
    response = client.get("/desk/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/two-factor/verify/?next=%2Fdesk%2F"
    assert client.get("/").status_code == 200
    assert client.get("/report/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert AuditEvent.objects.filter(user=partnership.admin, action="sign_out").exists()


def test_the_admin_signs_in_through_the_staff_sign_in(client, partnership, required):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_the_demo_sign_in_page_says_how_to_sign_in(client, settings):
    settings.DEBUG = True
    page = client.get("/accounts/login/").content.decode()
    assert "Every demo login signs in with its password alone" in page
    assert "secure-adviser" in page
    settings.FIRSTCONTACT = {**settings.FIRSTCONTACT, "STAFF_TWO_FACTOR": "required"}
    page = client.get("/accounts/login/").content.decode()
    assert "demo" not in page.lower()
    assert "you will be asked for a code from your authenticator app" in page


def test_an_administrator_resets_a_lost_second_factor(client, partnership, settings):
    user = partnership.hub_adviser
    add_authenticator(user)
    add_recovery_codes(user, "abcd2345")
    client.force_login(partnership.admin)
    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert AuditEvent.objects.filter(
        user=partnership.admin, action="admin", object_id=str(user.pk)
    ).exists()
    # At the next sign-in (second factor required) they set up an app again.
    settings.FIRSTCONTACT = {**settings.FIRSTCONTACT, "STAFF_TWO_FACTOR": "required"}
    client.post("/accounts/logout/")
    response = sign_in(client, "hub-adviser")
    assert response["Location"].startswith("/accounts/two-factor/set-up/")
