"""Writes for canned replies, saved views and bulk actions on the work queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from firstcontact.casework.models import CannedReply, SavedView
from firstcontact.casework.placeholders import (
    PLACEHOLDERS,
    fill,
    readable_customer_ids,
    unknown_placeholders,
    values_for,
)
from firstcontact.casework.selectors import managed_partner_ids
from firstcontact.catalogue.models import Service
from firstcontact.partners.models import Partner
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from firstcontact.servicerequests.models import ClosureOutcome, ServiceRequest, Status
from firstcontact.servicerequests.permissions import Action, may_act_on_request
from firstcontact.servicerequests.selectors import visible_requests
from firstcontact.servicerequests.services import StaleEdit, change_status
from firstcontact.validation import unstorable_fields

# --- canned replies -------------------------------------------------------------------------

REPLY_TEXT_MAX = 5000


def _check_reply(partner: Partner, service: Service | None, title: str, text: str) -> None:
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Enter a title, so officers can pick the reply."
    elif len(title) > 100:
        errors["title"] = "Keep the title to 100 characters."
    if not text:
        errors["text"] = "Enter the reply's words."
    elif len(text) > REPLY_TEXT_MAX:
        errors["text"] = f"Keep the reply to {REPLY_TEXT_MAX:,} characters."
    elif unknown := unknown_placeholders(text):
        known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        names = ", ".join(f"{{{name}}}" for name in unknown)
        errors["text"] = (
            f"{names} {'is not a placeholder' if len(unknown) == 1 else 'are not placeholders'}. "
            f"Use only {known}."
        )
    if service is not None and not service.deliveries.filter(partner=partner).exists():
        errors["service"] = f"Choose a service that {partner.name} delivers, or none."
    errors.update(unstorable_fields({"title": title, "text": text}))
    if errors:
        raise ValidationError(errors)


def _require_keeper(user: AbstractBaseUser, partner: Partner) -> None:
    if partner.pk not in managed_partner_ids(user):
        raise PermissionDenied(
            f"Only team leaders and managers of {partner.name} keep its canned replies."
        )


def save_reply(
    *,
    user: AbstractBaseUser,
    partner: Partner,
    title: str,
    text: str,
    service: Service | None = None,
    reply: CannedReply | None = None,
) -> CannedReply:
    """Add a canned reply, or change one (`reply`). Unknown placeholders are refused here,
    so a reply in use always fills completely."""
    _require_keeper(user, partner)
    if reply is not None:
        _require_keeper(user, reply.partner)
    title, text = (title or "").strip(), (text or "").strip()
    _check_reply(partner, service, title, text)
    now = timezone.now()
    taken = CannedReply.objects.filter(partner=partner, title=title, retired_at__isnull=True)
    if reply is not None:
        taken = taken.exclude(pk=reply.pk)
    if taken.exists():
        raise ValidationError({"title": f"{partner.name} already has a reply called “{title}”."})
    created = reply is None
    if reply is None:
        reply = CannedReply(created_by=user, created_at=now)
    reply.partner, reply.service, reply.title, reply.text = partner, service, title, text
    reply.updated_at = now
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        # Someone saved the same title a moment ago.
        raise ValidationError(
            {"title": f"{partner.name} already has a reply called “{title}”."}
        ) from None
    record_audit_event(
        user=user,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        object_type="canned_reply",
        object_id=reply.pk,
        detail=f"{partner.name}: {title}"[:500],
    )
    return reply


def retire_reply(*, user: AbstractBaseUser, reply: CannedReply) -> CannedReply:
    """No longer offered; kept, so what was sent with it still reads the same."""
    _require_keeper(user, reply.partner)
    if reply.retired_at is None:
        reply.retired_at = timezone.now()
        reply.save(update_fields=["retired_at"])
        record_audit_event(
            user=user,
            action=AuditEvent.Action.UPDATE,
            object_type="canned_reply",
            object_id=reply.pk,
            detail=f"Retired: {reply.partner.name}: {reply.title}"[:500],
        )
    return reply


def reply_text_for(
    user: AbstractBaseUser,
    reply: CannedReply,
    request: ServiceRequest,
    readable: set[int] | None = None,
) -> str:
    """The reply's words filled in for one request (`readable`: see values_for)."""
    return fill(reply.text, values_for(user, request, readable))


def reply_fits(reply: CannedReply, request: ServiceRequest) -> bool:
    return (
        reply.retired_at is None
        and reply.partner_id == request.responsible_partner_id
        and reply.service_id in (None, request.service_id)
    )


# --- saved views of the work queue ----------------------------------------------------------

# The queue's own filters (desk.forms.QueueFilterForm) and sort: nothing else is kept.
VIEW_KEYS = ("team", "service", "status", "sla", "assignee", "priority", "sort")
VIEW_NAME_MAX = 60


def clean_query(query: str) -> str:
    pairs = [(k, v[:50]) for k, v in parse_qsl(query or "", keep_blank_values=True)]
    kept = {k: v for k, v in pairs if k in VIEW_KEYS}
    # Always a team key: an empty query would be the plain queue (and its default view).
    kept.setdefault("team", "")
    return urlencode([(k, kept[k]) for k in VIEW_KEYS if k in kept])


def _check_name(user: AbstractBaseUser, name: str, exclude: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the view."})
    if len(name) > VIEW_NAME_MAX:
        raise ValidationError({"name": f"Keep the name to {VIEW_NAME_MAX} characters."})
    if errors := unstorable_fields({"name": name}):
        raise ValidationError(errors)
    taken = SavedView.objects.filter(user=user, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"name": f"You already have a view called “{name}”."})
    return name


def save_view(*, user: AbstractBaseUser, name: str, query: str) -> SavedView:
    name = _check_name(user, name)
    try:
        with transaction.atomic():
            return SavedView.objects.create(user=user, name=name, query=clean_query(query))
    except IntegrityError:
        raise ValidationError({"name": f"You already have a view called “{name}”."}) from None


def rename_view(*, user: AbstractBaseUser, view: SavedView, name: str) -> SavedView:
    if view.user_id != user.pk:
        raise PermissionDenied("Only its owner renames a saved view.")
    view.name = _check_name(user, name, exclude=view.pk)
    view.save(update_fields=["name"])
    return view


def delete_view(*, user: AbstractBaseUser, view: SavedView) -> None:
    if view.user_id != user.pk:
        raise PermissionDenied("Only its owner deletes a saved view.")
    view.delete()


@transaction.atomic
def set_default_view(*, user: AbstractBaseUser, view: SavedView | None) -> None:
    """The view the queue opens with (None: the plain queue)."""
    if view is not None and view.user_id != user.pk:
        raise PermissionDenied("Only its owner chooses a default view.")
    SavedView.objects.filter(user=user, is_default=True).update(is_default=False)
    if view is not None:
        SavedView.objects.filter(pk=view.pk).update(is_default=True)


# --- bulk actions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkChoice:
    status: str
    verb: str  # "you cannot {verb} requests of …"
    done: str


BULK_ACTIONS: dict[str, BulkChoice] = {
    "acknowledge": BulkChoice(Status.ACKNOWLEDGED, "acknowledge", "Acknowledged"),
    "in_progress": BulkChoice(Status.IN_PROGRESS, "start work on", "In progress"),
    "hold": BulkChoice(Status.ON_HOLD, "put on hold", "Put on hold"),
    "close": BulkChoice(Status.CLOSED, "close", "Closed"),
}
STATUS_ACTION = {
    Status.ACKNOWLEDGED: Action.ACKNOWLEDGE,
    Status.IN_PROGRESS: Action.START,
    Status.ON_HOLD: Action.HOLD,
    Status.CLOSED: Action.CLOSE,
}


@dataclass(frozen=True)
class ItemResult:
    reference: str
    done: bool
    message: str
    url_reference: str = ""


def bulk_change(
    *,
    user: AbstractBaseUser,
    versions: dict[int, int],
    action: str,
    outcome: str = "",
    text: str = "",
    tell_resident: bool = False,
    reply: CannedReply | None = None,
    until: dt.date | None = None,
) -> list[ItemResult]:
    """Change each chosen request (pk → the version the officer saw) as one action, each on
    its own: checked against the acting table, refused with the reason where it may not be
    done, left alone when someone changed it since. Audited per request, like a single
    change (its timeline names the officer too)."""
    choice = BULK_ACTIONS.get(action)
    if choice is None:
        raise ValidationError({"action": "Choose what to do with the selected requests."})
    if choice.status == Status.CLOSED and outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": "Choose an outcome to close the requests."})
    if choice.status != Status.CLOSED:
        outcome = ""
    text = (text or "").strip()
    if errors := unstorable_fields({"text": text}):
        raise ValidationError(errors)
    if until is not None:
        if choice.status != Status.ON_HOLD:
            raise ValidationError({"until": "Only a hold has an until date."})
        if until <= timezone.localdate():
            raise ValidationError({"until": "The date the hold ends must be in the future."})
        # No field of its own on the request (yet): the date is said in the hold's reason.
        said = f"On hold until {until.day} {until:%B %Y}."
        text = f"{said} {text}" if text else said
    requests = {
        r.pk: r
        for r in visible_requests(user)
        .filter(pk__in=list(versions))
        .select_related("responsible_partner", "service", "team", "customer")
    }
    results: list[ItemResult] = []
    missing = [pk for pk in versions if pk not in requests]
    # Whose first name the reply may use, worked out once for all the requests.
    readable = readable_customer_ids(user, requests.values()) if reply is not None else set()
    for request in sorted(
        requests.values(), key=lambda r: (r.sla_due_at is None, r.sla_due_at, r.pk)
    ):
        results.append(
            _one(
                user,
                request,
                versions[request.pk],
                choice,
                outcome,
                text,
                tell_resident,
                reply,
                readable,
            )
        )
    results += [
        ItemResult(
            "A request", False, "Not found: it may have been removed, or you can no longer see it."
        )
        for _ in missing
    ]
    return results


def _one(
    user, request, version, choice, outcome, text, tell_resident, reply, readable
) -> ItemResult:
    ref = request.formatted_reference

    def no(message: str) -> ItemResult:
        return ItemResult(ref, False, message, request.reference)

    if not may_act_on_request(user, request, STATUS_ACTION[choice.status]):
        return no(f"You cannot {choice.verb} requests of {request.responsible_partner.name}.")
    if request.status == choice.status:
        return no(f"Already {Status(choice.status).label.lower()}: not changed.")
    message = text
    public = tell_resident or choice.status == Status.CLOSED
    if reply is not None:
        if reply.partner_id != request.responsible_partner_id:
            return no(
                f"The canned reply “{reply.title}” is {reply.partner.name}'s, not "
                f"{request.responsible_partner.name}'s: not changed."
            )
        if not reply_fits(reply, request):
            return no(
                f"The canned reply “{reply.title}” is only for "
                f"{reply.service.name if reply.service else 'other'} requests: not changed."
            )
        filled = reply_text_for(user, reply, request, readable)
        message = f"{text}\n\n{filled}" if text else filled
        public = True
    try:
        change_status(
            user=user,
            request=request,
            status=choice.status,
            expected_version=version,
            outcome=outcome,
            text=message,
            public=public,
        )
    except StaleEdit:
        return no(
            "Someone else changed it after you loaded the queue: not changed. Check it "
            "and try again."
        )
    except PermissionDenied:
        return no(f"You cannot {choice.verb} requests of {request.responsible_partner.name}.")
    except ValidationError as exc:
        return no(f"{' '.join(exc.messages)} Not changed.")
    record_audit_event(
        user=user,
        action=AuditEvent.Action.UPDATE,
        object_type="service_request",
        object_id=request.reference,
        customer_id=request.customer_id,
        detail=f"Bulk action: {choice.done.lower()}"
        + (f" ({ClosureOutcome(outcome).label})" if outcome else "")
        + (f", canned reply {reply.pk}" if reply is not None else ""),
    )
    done = choice.done + (f": {ClosureOutcome(outcome).label.lower()}" if outcome else "")
    if public:
        done += ". The resident is told"
    return ItemResult(ref, True, done + ".", request.reference)
