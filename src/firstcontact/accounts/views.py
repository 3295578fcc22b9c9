"""Staff sign-in pages: username and password, then the second factor (a code from an
authenticator app, or a recovery code), setting up an app at the first sign-in, and new
recovery codes. The lockout page answers for axes."""

from __future__ import annotations

from urllib.parse import urlencode

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from firstcontact.accounts import conf, services
from firstcontact.accounts.forms import AppCodeForm, CodeForm, SignInForm
from firstcontact.accounts.middleware import IDLE_SIGN_OUT_KEY

NEW_CODES_KEY = "firstcontact_new_recovery_codes"
# The demo login that shows the second factor working (firstcontact.demo.partnership).
SECURE_DEMO_LOGIN = "secure-adviser"


def safe_next(request: HttpRequest) -> str:
    """The `next` page asked for, if it is on this site; else the desk."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


class SignInView(LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.method == "GET":
            context["idle_minutes"] = self.request.session.pop(IDLE_SIGN_OUT_KEY, None)
        # `make run`'s demo (DEBUG with the second factor optional) says how to sign in.
        context["demo"] = settings.DEBUG and conf.two_factor_mode() == conf.OPTIONAL
        context["secure_demo_login"] = SECURE_DEMO_LOGIN
        return context

    def get_success_url(self) -> str:
        next_url = self.get_redirect_url() or resolve_url(settings.LOGIN_REDIRECT_URL)
        user = self.request.user
        if services.second_factor_satisfied(user):
            return next_url
        if services.has_second_factor(user):
            return _with_next(reverse("accounts:verify"), next_url)
        return _with_next(reverse("accounts:set_up"), next_url)


_chrome = {"sign_in_step": True}  # templates show only "Sign out" in the navigation


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: a 6-digit code from the app, or a recovery code."""
    user = request.user
    next_url = safe_next(request)
    if services.is_verified(user):
        return HttpResponseRedirect(next_url)
    if not services.has_second_factor(user):
        return redirect(_with_next(reverse("accounts:set_up"), next_url))
    hint = "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
    form = CodeForm(request.POST or None, hint=hint)
    if request.method == "POST" and form.is_valid():
        result = services.verify(request, form.cleaned_data["code"])
        if result.device is not None:
            return HttpResponseRedirect(next_url)
        form.add_error("code", result.error)
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "next": next_url, "has_app": services.authenticator(user) is not None}
        | _chrome,
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def set_up(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the secret), confirm a code from
    it, then see ten recovery codes once. At the first sign-in, or (once verified) to move to
    a new phone."""
    user = request.user
    next_url = safe_next(request)
    if services.authenticator(user) is not None and not services.is_verified(user):
        return redirect(_with_next(reverse("accounts:verify"), next_url))
    device = services.pending_authenticator(user)
    form = AppCodeForm(
        request.POST or None, hint="The 6-digit code your app shows for FirstContact."
    )
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_authenticator(request, device, form.cleaned_data["code"])
        if codes is not None:
            request.session[NEW_CODES_KEY] = codes
            return redirect(_with_next(reverse("accounts:two_factor"), next_url))
        form.add_error("code", "The code is not right. Check the time on your phone is right.")
    return render(
        request,
        "accounts/set_up.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": services.qr_svg(device),
            "secret": services.secret_text(device),
            "required": conf.two_factor_mode() == conf.REQUIRED,
        }
        | _chrome,
    )


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The user's second factor: new recovery codes shown once after setting up, how many are
    left, and a button for a new set (the old ones stop working)."""
    user = request.user
    next_url = safe_next(request)
    if services.has_second_factor(user) and not services.is_verified(user):
        return redirect(_with_next(reverse("accounts:verify"), request.get_full_path()))
    new_codes = request.session.pop(NEW_CODES_KEY, None)
    if request.method == "POST":
        if not services.has_second_factor(user):
            return redirect("accounts:set_up")
        new_codes = services.regenerate_recovery_codes(request)
    app = services.authenticator(user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "new_codes": new_codes,
            "app": app,
            "codes_left": services.recovery_codes_left(user),
            "next": next_url,
        },
    )


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """axes' lockout answer (AXES_LOCKOUT_CALLABLE): 429 Too Many Requests."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
