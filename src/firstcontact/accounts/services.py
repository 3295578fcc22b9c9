"""Second factors for staff: an authenticator app (django-otp's TOTP device) and ten
single-use recovery codes (its static device).

Why django-otp: it is small and kept up, it gives the devices, their throttling (a wrong code
doubles the wait before the next try) and the "this session is verified" flag, and leaves the
pages to us, so they are GOV.UK pages like the rest of the staff site.
django-two-factor-auth brings its own templates and django-formtools wizards; django-allauth's
MFA brings all of allauth (its own sign-in, accounts and email flows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import django_otp
import segno
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from firstcontact.accounts import conf
from firstcontact.accounts.audit import client_address
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
PENDING_DEVICE_NAME = "Authenticator app (being set up)"
RECOVERY_DEVICE_NAME = "Recovery codes"


def authenticator(user: AbstractBaseUser) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def has_second_factor(user: AbstractBaseUser) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def needs_second_factor(user: AbstractBaseUser) -> bool:
    """Whether this signed-in user must give a second factor before any staff page."""
    if not user.is_authenticated:
        return False
    if conf.two_factor_mode() == conf.REQUIRED:
        return True
    # Optional (the demo): a login that has set up a second factor still has to use it.
    return has_second_factor(user)


def is_verified(user: AbstractBaseUser) -> bool:
    """Whether this session gave its second factor (OTPMiddleware sets is_verified)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def second_factor_satisfied(user: AbstractBaseUser) -> bool:
    return not needs_second_factor(user) or is_verified(user)


def pending_authenticator(user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator being set up (kept across page loads, so its QR code stays the
    same until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=PENDING_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, to type into an app that cannot scan."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// URI as an inline SVG QR code, drawn here (no request to another site)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, dark="#0b0c0c", light="#ffffff", title="QR code for your app"
    )
    svg = svg.replace(
        "<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup, from our own URI


def normalise_code(code: str) -> str:
    """Codes as people type them: spaces and hyphens dropped, lower case."""
    return re.sub(r"[\s\-]", "", code or "").lower()


@dataclass(frozen=True)
class CodeCheck:
    device: object | None
    error: str = ""


def _throttled(device) -> str:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return ""
    return "You have entered too many wrong codes. Wait a minute, then try again."


def check_code(user: AbstractBaseUser, code: str) -> CodeCheck:
    """A 6-digit code from the user's authenticator app, or one of their recovery codes (used
    up by this). Each device throttles wrong codes (1, 2, 4, 8… seconds before the next)."""
    code = normalise_code(code)
    if code.isdigit() and len(code) == 6:
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.devices_for_user(user, confirmed=True))
    for device in devices:
        if error := _throttled(device):
            return CodeCheck(None, error)
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(code):
                return CodeCheck(locked)
    return CodeCheck(None, "The code is not right. Check it and try again.")


def verify(request: HttpRequest, code: str) -> CodeCheck:
    """The second step of signing in: mark the session verified by a right code; audit both."""
    result = check_code(request.user, code)
    kind = "a recovery code" if isinstance(result.device, StaticDevice) else "an app code"
    if result.device is not None:
        django_otp.login(request, result.device)
        record_audit_event(
            user=request.user,
            action=AuditEvent.Action.SIGN_IN,
            object_type="user",
            object_id=request.user.pk,
            ip_address=client_address(request),
            detail=f"second factor: {kind}",
        )
    else:
        record_audit_event(
            user=request.user,
            action=AuditEvent.Action.SIGN_IN_FAILED,
            object_type="user",
            object_id=request.user.pk,
            ip_address=client_address(request),
            detail=f"second factor refused: {result.error}",
        )
    return result


def _new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def confirm_authenticator(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app being set up with a code from it: it replaces any earlier app, the
    session counts as verified, and ten new recovery codes are returned (to show once).
    None if the code is wrong."""
    user = request.user
    if device.user_id != user.pk or device.confirmed:
        return None
    if _throttled(device) or not device.verify_token(normalise_code(code)):
        record_audit_event(
            user=user,
            action=AuditEvent.Action.SIGN_IN_FAILED,
            object_type="user",
            object_id=user.pk,
            ip_address=client_address(request),
            detail="wrong code while setting up an authenticator app",
        )
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.name = APP_DEVICE_NAME
        device.save(update_fields=["confirmed", "name"])
        codes = _new_recovery_codes(user)
        record_audit_event(
            user=user,
            action=AuditEvent.Action.UPDATE,
            object_type="user",
            object_id=user.pk,
            ip_address=client_address(request),
            detail="set up an authenticator app and new recovery codes",
        )
    django_otp.login(request, device)
    return codes


def regenerate_recovery_codes(request: HttpRequest) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    with transaction.atomic():
        codes = _new_recovery_codes(request.user)
        record_audit_event(
            user=request.user,
            action=AuditEvent.Action.UPDATE,
            object_type="user",
            object_id=request.user.pk,
            ip_address=client_address(request),
            detail="new recovery codes (the old ones no longer work)",
        )
    return codes


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def reset_second_factor(admin_request: HttpRequest, user: AbstractBaseUser) -> None:
    """An administrator removes a user's app and recovery codes (a lost phone): the user sets
    up a new app at their next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record_audit_event(
            user=admin_request.user,
            action=AuditEvent.Action.ADMIN,
            object_type="user",
            object_id=user.pk,
            ip_address=client_address(admin_request),
            detail=f"removed {user.get_username()}'s second factor (they set it up again)",
        )
