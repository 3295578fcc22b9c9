"""Staff sign-in tests: the second factor required (tests/settings.py makes it optional for
the rest of the suite), axes on where a test asks for it, and authenticator apps with known
secrets so tests can compute their codes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct-horse-battery"  # tests/conftest.py's make_user
KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, in hex


@pytest.fixture
def required(settings):
    settings.FIRSTCONTACT = {**settings.FIRSTCONTACT, "STAFF_TWO_FACTOR": "required"}


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True


def sign_in(client, username: str, password: str = PASSWORD, next_url: str = "", **extra):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data, **extra)


def add_authenticator(user: User, key: str = KEY) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True)


def add_recovery_codes(user: User, *codes: str) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def code_now(device: TOTPDevice) -> str:
    """The app's code right now. A code is accepted once (django-otp remembers the last time
    step used), so the device forgets that and any drift: each call gives a usable code."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, drift=0)
    return f"{totp(device.bin_key):06d}"
