"""The adviser's contact in progress, kept in their session (one at a time).

The contact's start time is the server's (Contact.started_at); the timer on the page only
counts up from it. Services the adviser looked at or raised requests for during the contact
are remembered as its likely reasons, offered when it ends.
"""

from __future__ import annotations

from django.http import HttpRequest

from firstcontact.contacts.models import Contact

CONTACT_KEY = "desk_contact_id"
REASONS_KEY = "desk_contact_services"
RAISED_KEY = "desk_contact_raised"
# References this session raised (the last few): the done page confirms them even when the
# request went to a partner the raiser may not read (docs/access.md, "Pages").
RAISED_REFERENCES_KEY = "desk_raised_references"
RAISED_REFERENCES_KEPT = 20


def current_contact(request: HttpRequest) -> Contact | None:
    contact_id = request.session.get(CONTACT_KEY)
    if not contact_id:
        return None
    contact = (
        Contact.objects.select_related("partner", "customer")
        .filter(pk=contact_id, adviser=request.user, ended_at__isnull=True)
        .first()
    )
    if contact is None:
        forget_contact(request)
    return contact


def remember_contact(request: HttpRequest, contact: Contact) -> None:
    request.session[CONTACT_KEY] = contact.pk
    request.session[REASONS_KEY] = []
    request.session[RAISED_KEY] = False


def forget_contact(request: HttpRequest) -> None:
    for key in (CONTACT_KEY, REASONS_KEY, RAISED_KEY):
        request.session.pop(key, None)


def note_reason(request: HttpRequest, service_id: int, *, raised: bool = False) -> None:
    if not request.session.get(CONTACT_KEY):
        return
    reasons = list(request.session.get(REASONS_KEY, []))
    if service_id not in reasons:
        reasons.append(service_id)
        request.session[REASONS_KEY] = reasons
    if raised:
        request.session[RAISED_KEY] = True


def contact_reasons(request: HttpRequest) -> list[int]:
    return list(request.session.get(REASONS_KEY, []))


def raised_in_contact(request: HttpRequest) -> bool:
    return bool(request.session.get(RAISED_KEY))


def remember_raised(request: HttpRequest, reference: str) -> None:
    kept = [r for r in request.session.get(RAISED_REFERENCES_KEY, []) if r != reference]
    request.session[RAISED_REFERENCES_KEY] = [*kept, reference][-RAISED_REFERENCES_KEPT:]


def raised_here(request: HttpRequest, reference: str) -> bool:
    return reference in request.session.get(RAISED_REFERENCES_KEY, [])
