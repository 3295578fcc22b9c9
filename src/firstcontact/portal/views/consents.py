"""Your consents: a resident proves they hold an email address or phone number on our
records with a one-time code, then sees the consents of every record holding it and may
withdraw any of them at once.

- /your-consents/: the email address or phone number. A 6-digit code is sent to it only if it
  is on a record; the answer is the same either way ("if it is on our records, we have sent
  a code"), so the page cannot be used to find out who is a customer.
- /your-consents/code/: the code, valid for CODE_MINUTES and MAX_TRIES tries. Both pages are
  rate-limited per connection (portal.ratelimit), and codes per address too.
- /your-consents/list/: the consents (partner, purpose, the data covered, the words shown,
  when and how), each current one with a Withdraw button (POST). The proof lasts for
  PROOF_MINUTES of this browser session only.

Proving the code marks the contact point verified on every record holding it: from then on a
front-door submission with it joins those records (customers.front_door).
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import time

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from firstcontact.cache import hit
from firstcontact.customers.contact_points import clean_email, clean_phone, looks_like_phone
from firstcontact.customers.front_door import (
    customers_holding,
    resident_consents,
    verify_contact_point,
)
from firstcontact.customers.models import ConsentPurpose
from firstcontact.customers.services import withdraw_consent
from firstcontact.notify.models import NotificationChannel
from firstcontact.notify.services import queue_notification
from firstcontact.portal.ratelimit import is_limited
from firstcontact.portal.rendering import render_portal
from firstcontact.privacy.models import AuditEvent, DataCategory
from firstcontact.privacy.services import record_audit_event
from firstcontact.security import personal_data

CODE_MINUTES = 15
MAX_TRIES = 5
PROOF_MINUTES = 20
# Codes sent to one address or number, per hour, whoever asks (so nobody is flooded).
CODES_PER_CONTACT = 5
PENDING_KEY = "portal_consents_pending"
WITHDRAWN_KEY = "portal_consents_withdrawn"
PROOF_KEY = "portal_consents_proof"


class ContactPointForm(forms.Form):
    contact = forms.CharField(
        label=gettext_lazy("Email address or mobile phone number"),
        help_text=gettext_lazy("One you gave us. We will send a code to it."),
        max_length=254,
        widget=forms.TextInput(
            attrs={"maxlength": 254, "autocomplete": "email", "spellcheck": "false"}
        ),
        error_messages={
            "required": gettext_lazy("Enter your email address or mobile phone number")
        },
    )

    def clean_contact(self) -> str:
        text = self.cleaned_data["contact"].strip()
        try:
            if "@" in text:
                return f"email:{clean_email(text)}"
            if looks_like_phone(text):
                return f"phone:{clean_phone(text)}"
        except ValueError:
            pass
        raise forms.ValidationError(
            _(
                "Enter an email address, like name@example.com, or a mobile phone number, "
                "like 07700 900 982"
            )
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        help_text=gettext_lazy("The 6 numbers in the message we sent."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "maxlength": 20,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
        error_messages={"required": gettext_lazy("Enter the code we sent you")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError(_("Enter the code as 6 numbers, like 123456"))
        return code


def _split(contact: str) -> dict[str, str]:
    kind, _sep, value = contact.partition(":")
    return {"email": value} if kind == "email" else {"phone": value}


def _shown(contact: str) -> str:
    """The contact point as the resident typed it, for the page (theirs: already known)."""
    return contact.partition(":")[2]


def _hash(code: str, contact: str) -> str:
    return salted_hmac("portal-consents-code", f"{contact}:{code}", algorithm="sha256").hexdigest()


def _proven(request: HttpRequest) -> str | None:
    proof = request.session.get(PROOF_KEY)
    if not proof or proof.get("until", 0) < time.time():
        request.session.pop(PROOF_KEY, None)
        return None
    return proof["contact"]


def _send_code(contact: str) -> str:
    """Send a new code if the contact point is on a record (only then)."""
    kind, _sep, value = contact.partition(":")
    code = f"{secrets.randbelow(10**6):06d}"
    text = _(
        "Your code to see your consents is %(code)s. It lasts %(minutes)s minutes. If you did "
        "not ask for it, you can ignore this message."
    ) % {"code": code, "minutes": CODE_MINUTES}
    if customers_holding(**_split(contact)).exists():
        queue_notification(
            channel=NotificationChannel.EMAIL if kind == "email" else NotificationChannel.SMS,
            recipient=value,
            subject=_("Your code: %(code)s") % {"code": code},
            body=text,
        )
    return code


PURPOSES = {
    ConsentPurpose.SHARE_WITH_PARTNERS: gettext_lazy("Sharing your records"),
    ConsentPurpose.EMAIL_UPDATES: gettext_lazy("Updates by email"),
    ConsentPurpose.SMS_UPDATES: gettext_lazy("Updates by text message"),
    ConsentPurpose.SURVEYS: gettext_lazy("Asking how satisfied you were"),
}
CATEGORIES = {
    DataCategory.IDENTITY: gettext_lazy("Your details and how to contact you"),
    DataCategory.SERVICE_REQUESTS: gettext_lazy("Your requests"),
    DataCategory.CONTACTS: gettext_lazy("Your contact history"),
}
CHANNELS = {
    "phone": gettext_lazy("By phone"),
    "face_to_face": gettext_lazy("Face to face"),
    "web": gettext_lazy("On the website"),
    "open311": gettext_lazy("On the website"),
    "email": gettext_lazy("By email"),
    "sms": gettext_lazy("By text message"),
    "letter": gettext_lazy("By letter"),
}


def _row(consent) -> dict:
    """What the page shows of one consent, in the page's language (the wording as shown)."""
    if consent.purpose == ConsentPurpose.SHARE_WITH_PARTNERS:
        covers = CATEGORIES.get(consent.data_category) or _("All they hold that may be shared")
    else:
        covers = ""
    return {
        "pk": consent.pk,
        "holder": consent.customer.partner.name,
        "purpose": PURPOSES.get(consent.purpose, consent.get_purpose_display()),
        "recipient": consent.recipient.name if consent.recipient_id else "",
        "covers": covers,
        "wording": consent.wording or consent.how,
        "given_at": consent.given_at,
        "how": CHANNELS.get(consent.channel, ""),
        "withdrawn_at": consent.withdrawn_at,
    }


@personal_data
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    form = ContactPointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if is_limited(request, "consent_code"):
            return render_portal(request, "portal/rate_limited.html", status=429)
        if form.is_valid():
            contact = form.cleaned_data["contact"]
            per_contact = hashlib.sha256(contact.lower().encode()).hexdigest()[:32]
            window = int(time.time() // 3600)
            if hit(f"portal-consents-to:{per_contact}:{window}", 3600) > CODES_PER_CONTACT:
                return render_portal(request, "portal/rate_limited.html", status=429)
            code = _send_code(contact)
            request.session[PENDING_KEY] = {
                "contact": contact,
                "hash": _hash(code, contact),
                "expires": time.time() + CODE_MINUTES * 60,
                "tries": 0,
            }
            request.session.pop(PROOF_KEY, None)
            return redirect("portal:consents_code")
    return render_portal(request, "portal/consents_start.html", {"form": form})


@personal_data
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("portal:consents_start")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if is_limited(request, "consent_check"):
            return render_portal(request, "portal/rate_limited.html", status=429)
        if form.is_valid():
            pending["tries"] += 1
            request.session.modified = True
            right = constant_time_compare(
                _hash(form.cleaned_data["code"], pending["contact"]), pending["hash"]
            )
            if pending["tries"] > MAX_TRIES:
                request.session.pop(PENDING_KEY, None)
                form.add_error(
                    "code", _("You have entered a wrong code too many times. Ask for a new code")
                )
            elif pending["expires"] < time.time():
                request.session.pop(PENDING_KEY, None)
                form.add_error("code", _("This code has expired. Ask for a new code"))
            elif not right:
                left = MAX_TRIES - pending["tries"]
                form.add_error(
                    "code",
                    _("The code is not right. Check it and try again (%(left)s tries left)")
                    % {"left": left},
                )
            else:
                contact = pending["contact"]
                request.session.pop(PENDING_KEY, None)
                request.session.cycle_key()
                request.session[PROOF_KEY] = {
                    "contact": contact,
                    "until": time.time() + PROOF_MINUTES * 60,
                }
                verify_contact_point(**_split(contact))
                return redirect("portal:consents")
    return render_portal(
        request,
        "portal/consents_code.html",
        {
            "form": form,
            "contact": _shown(pending["contact"]),
            "minutes": CODE_MINUTES,
            "ask_again": PENDING_KEY not in request.session,
        },
    )


@personal_data
@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest) -> HttpResponse:
    contact = _proven(request)
    if contact is None:
        return redirect("portal:consents_start")
    rows = list(resident_consents(**_split(contact)))
    if request.method == "POST":
        wanted = request.POST.get("consent", "")
        consent = next((c for c in rows if str(c.pk) == wanted and c.withdrawn_at is None), None)
        if consent is None:
            raise Http404("No such consent of yours to withdraw.")
        # Withdrawn meanwhile (in another tab): the list shows it so.
        with contextlib.suppress(ValidationError):
            withdraw_consent(user=None, consent=consent)
        request.session[WITHDRAWN_KEY] = consent.pk
        return redirect("portal:consents")
    withdrawn_pk = request.session.pop(WITHDRAWN_KEY, None)
    for customer_id in sorted({c.customer_id for c in rows}):
        record_audit_event(
            user=None,
            action=AuditEvent.Action.VIEW,
            object_type="customer",
            object_id=customer_id,
            customer_id=customer_id,
            detail="consents seen by the resident on the web (one-time code)",
        )
    withdrawn = next((c for c in rows if c.pk == withdrawn_pk), None)
    return render_portal(
        request,
        "portal/consents.html",
        {
            "contact": _shown(contact),
            "current": [_row(c) for c in rows if c.withdrawn_at is None],
            "past": [_row(c) for c in rows if c.withdrawn_at is not None],
            "withdrawn": withdrawn,
        },
    )
