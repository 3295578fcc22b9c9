"""The staff sign-in settings, read from settings.FIRSTCONTACT when asked (so tests can
override them)."""

from __future__ import annotations

from django.conf import settings

REQUIRED = "required"
OPTIONAL = "optional"
TWO_FACTOR_MODES = (REQUIRED, OPTIONAL)


def two_factor_mode() -> str:
    """ "required": every staff login needs its second factor (and sets one up at its first
    sign-in). "optional": only logins that have set one up are asked for it (the demo)."""
    mode = settings.FIRSTCONTACT.get("STAFF_TWO_FACTOR", REQUIRED)
    return mode if mode in TWO_FACTOR_MODES else REQUIRED


def idle_minutes() -> int:
    """Minutes without a request before a staff session is signed out."""
    return int(settings.FIRSTCONTACT.get("STAFF_IDLE_MINUTES", 30))


def address_failure_limit() -> int:
    """Failed sign-ins from one address (any logins) before that address is locked out. Higher
    than the per-login limit: a contact centre's staff share one address."""
    return int(settings.FIRSTCONTACT.get("SIGN_IN_FAILURES_PER_ADDRESS", 20))
