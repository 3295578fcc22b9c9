"""Lockout (django-axes): per login and per address, the lockout page, unlocking by a
partnership administrator, and the audit of each failure and lockout."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.test import RequestFactory

from firstcontact.privacy.models import AuditEvent

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def test_five_wrong_passwords_lock_the_login_until_an_administrator_unlocks_it(
    client, partnership, axes_on
):
    for _ in range(4):
        response = sign_in(client, "hub-adviser", "wrong-password-here")
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()
    response = sign_in(client, "hub-adviser", "wrong-password-here")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many attempts to sign in" in page and "Try again in 15 minutes" in page
    # The right password does not help while locked out, from anywhere.
    response = sign_in(client, "hub-adviser", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Other logins from the same address carry on.
    assert sign_in(client, "highways-officer").status_code == 302
    client.post("/accounts/logout/")

    failures = AuditEvent.objects.filter(action="sign_in_failed", username="hub-adviser")
    assert failures.count() == 6
    assert failures.filter(object_id=str(partnership.hub_adviser.pk)).count() == 6
    # The fifth (which locked it) and the sixth (refused unchecked).
    assert failures.filter(detail="locked out: too many failed sign-ins").count() == 2
    assert AuditEvent.objects.filter(
        action="locked_out", username="hub-adviser", ip_address="127.0.0.1"
    ).exists()

    # A partnership administrator unlocks it from the admin.
    client.force_login(partnership.admin)
    page = client.get("/admin/axes/accessattempt/").content.decode()
    assert "hub-adviser" in page
    response = client.post(
        "/admin/auth/user/",
        {"action": "unlock_sign_in", "_selected_action": [partnership.hub_adviser.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="hub-adviser").exists()
    assert AuditEvent.objects.filter(
        user=partnership.admin,
        action="admin",
        object_id=str(partnership.hub_adviser.pk),
        detail__startswith="unlocked sign-in for login hub-adviser",
    ).exists()
    client.post("/accounts/logout/")
    response = sign_in(client, "hub-adviser", next_url="/desk/")
    assert response.status_code == 302 and response["Location"] == "/desk/"


def test_the_failed_sign_ins_page_unlocks_too(client, partnership, axes_on):
    for _ in range(5):
        sign_in(client, "hub-adviser", "nope-nope-nope")
    attempt = AccessAttempt.objects.get(username="hub-adviser")
    client.force_login(partnership.admin)
    response = client.post(
        "/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": [attempt.pk]}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    client.post("/accounts/logout/")
    assert sign_in(client, "hub-adviser").status_code == 302


def test_an_address_is_locked_after_twenty_failures_whatever_the_logins(
    client, partnership, axes_on
):
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for i in range(19):
        response = sign_in(client, f"guess-{i}", "password-guess", **attacker)
        assert response.status_code == 200, i
    response = sign_in(client, "guess-19", "password-guess", **attacker)
    assert response.status_code == 429
    # Even a real login with its right password, from that address.
    assert sign_in(client, "hub-adviser", **attacker).status_code == 429
    # The same login from elsewhere is fine.
    assert sign_in(client, "hub-adviser", REMOTE_ADDR="192.0.2.44").status_code == 302
    assert AuditEvent.objects.filter(action="locked_out", ip_address="203.0.113.9").exists()
    # An unknown login's failures are audited with what was typed.
    assert AuditEvent.objects.filter(
        action="sign_in_failed", username="guess-3", object_id="", ip_address="203.0.113.9"
    ).exists()


def test_the_per_address_limit_is_a_setting(client, partnership, axes_on, settings):
    settings.FIRSTCONTACT = {**settings.FIRSTCONTACT, "SIGN_IN_FAILURES_PER_ADDRESS": 8}
    for i in range(7):
        assert sign_in(client, f"guess-{i}", "password-guess").status_code == 200
    assert sign_in(client, "guess-7", "password-guess").status_code == 429


def test_authenticate_with_a_request_is_refused_while_locked(partnership, axes_on):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="192.0.2.1")
    for _ in range(5):
        assert authenticate(request, username="hub-adviser", password="wrong") is None
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="192.0.2.2")
    assert authenticate(request, username="hub-adviser", password=PASSWORD) is None


def test_a_successful_sign_in_is_audited_with_its_address(client, partnership):
    sign_in(client, "hub-adviser", REMOTE_ADDR="192.0.2.80")
    event = AuditEvent.objects.get(action="sign_in", user=partnership.hub_adviser)
    assert event.ip_address == "192.0.2.80" and event.detail == "password"
    assert event.object_type == "user" and event.object_id == str(partnership.hub_adviser.pk)


def test_an_overlong_username_is_refused_plainly(client, partnership, axes_on):
    response = sign_in(client, "x" * 300, "whatever-it-is")
    assert response.status_code == 200
    assert "Usernames are 150 characters or fewer" in response.content.decode()
