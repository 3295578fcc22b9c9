"""Retention: find what each rule says is due and anonymise or delete it, one record per
transaction; and erasure requests, carried out through the same functions.

Anonymising keeps the rows insight counts (contacts by channel and outcome, FCR, SLA
compliance, satisfaction scores) and removes what identifies a person: names, contact points,
addresses, free text (descriptions, notes, timeline entries, messages, comments) and photo
files. Each record is done in its own transaction with a marker (AnonymisedRecord) and an
audit event, so a run stopped half way leaves every record either done or untouched, and the
next run carries on from there; a second run finds nothing to do.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from firstcontact.contacts.models import Callback, CallbackStatus, Contact
from firstcontact.customers.models import (
    Consent,
    Customer,
    CustomerAddress,
    CustomerChange,
    CustomerEmail,
    CustomerKind,
    CustomerLink,
    CustomerMerge,
    CustomerPhone,
)
from firstcontact.notify.models import Notification, NotificationStatus
from firstcontact.partners.geography import normalise_outward_code
from firstcontact.partners.models import Partner
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from firstcontact.retention.models import (
    PARTNERSHIP_ONLY_KINDS,
    AnonymisedRecord,
    ErasureRequest,
    ErasureStatus,
    LegalHold,
    RecordKind,
    RefusalReason,
    RetentionAction,
    RetentionRule,
)
from firstcontact.servicerequests.models import (
    Complaint,
    Referral,
    RequestAttachment,
    RequestPhoto,
    RequestUpdate,
    ServiceRequest,
    Status,
    UpdateKind,
)

log = logging.getLogger(__name__)

ANONYMISED_NAME = "Anonymised"
ANONYMISED_ORGANISATION = "Anonymised organisation"
# Free text that may not be empty (a callback's reason, a referral's) becomes this.
REMOVED = "(removed)"

CONTACT, REQUEST, CUSTOMER, NOTIFICATION = "contact", "service_request", "customer", "notification"
PHOTO, UPLOAD = "request_photo", "portal_upload"
ATTACHMENT = "request_attachment"

# Where the resident site keeps photos for a report not yet sent (portal/views/journey.py).
DEFAULT_UPLOADS_DIR = "portal-uploads"


def uploads_dir() -> str:
    try:
        from firstcontact.portal.views.journey import UPLOADS
    except ImportError:  # pragma: no cover - the portal renamed it
        return DEFAULT_UPLOADS_DIR
    return UPLOADS


# --- Holds ----------------------------------------------------------------------------------


def _held_customer_ids() -> QuerySet:
    return LegalHold.objects.active().filter(customer__isnull=False).values("customer_id")


def _held_request_ids() -> QuerySet:
    return (
        LegalHold.objects.active()
        .filter(service_request__isnull=False)
        .values("service_request_id")
    )


def _customers_of_held_requests() -> QuerySet:
    return ServiceRequest.objects.filter(pk__in=_held_request_ids(), customer__isnull=False).values(
        "customer_id"
    )


def held_customer_q(field: str = "customer_id") -> Q:
    """The customer (by `field`) is held, or one of their requests is."""
    return Q(**{f"{field}__in": _held_customer_ids()}) | Q(
        **{f"{field}__in": _customers_of_held_requests()}
    )


def held_request_q(field: str = "pk", customer_field: str = "customer_id") -> Q:
    """The request (by `field`) is held, or its customer is."""
    return Q(**{f"{field}__in": _held_request_ids()}) | Q(
        **{f"{customer_field}__in": _held_customer_ids()}
    )


def _marked(object_type: str) -> Exists:
    return Exists(
        AnonymisedRecord.objects.filter(object_type=object_type, object_id=OuterRef("pk"))
    )


def _is_marked(object_type: str, pk: int) -> bool:
    return AnonymisedRecord.objects.filter(object_type=object_type, object_id=pk).exists()


def _mark(object_type: str, pk: int, reason: str) -> None:
    AnonymisedRecord.objects.create(object_type=object_type, object_id=pk, reason=reason[:100])


def _audit(
    user: AbstractBaseUser | None,
    action: str,
    object_type: str,
    object_id: object,
    reason: str,
    customer_id: int | None = None,
) -> None:
    # The reason names the rule or erasure request, never the personal data removed.
    record_audit_event(
        user=user,
        action=action,
        object_type=object_type,
        object_id=object_id,
        customer_id=customer_id,
        detail=reason,
        username="" if user is not None else "retention",
    )


# --- Anonymising and deleting one record ----------------------------------------------------
# Each expects to run inside the caller's transaction; update() rather than save() so that no
# "contact ended" or "request closed" signal sends a survey again.


def _round(value: float | None) -> float | None:
    # Two decimal places: about a kilometre, enough to say which area, not which house.
    return round(value, 2) if value is not None else None


def anonymise_contact(
    contact: Contact, *, reason: str, user: AbstractBaseUser | None = None
) -> None:
    """Blank the contact's notes and unlink its customer; its callbacks lose the number and
    reason; a survey comment about it goes. Channel, times, outcome and reasons stay."""
    from firstcontact.insight.models import SatisfactionResponse

    Contact.objects.filter(pk=contact.pk).update(notes="", customer=None)
    Callback.objects.filter(contact_id=contact.pk).update(
        phone="", reason=REMOVED, result_notes="", customer=None
    )
    SatisfactionResponse.objects.filter(invitation__contact_id=contact.pk).update(comment="")
    _mark(CONTACT, contact.pk, reason)
    _audit(user, AuditEvent.Action.ANONYMISE, CONTACT, contact.pk, reason, contact.customer_id)


def delete_photo(photo: RequestPhoto, *, reason: str, user: AbstractBaseUser | None = None) -> None:
    """Delete the photo's row now and its file once the transaction commits (a rolled back
    change keeps both)."""
    name, storage = photo.file.name, photo.file.storage
    pk, request_id = photo.pk, photo.request_id
    photo.delete()
    if name:
        transaction.on_commit(lambda: _delete_file(storage, name))
    _audit(user, AuditEvent.Action.DELETE, PHOTO, pk, f"{reason} (request {request_id})")


def delete_attachment(
    attachment: RequestAttachment, *, reason: str, user: AbstractBaseUser | None = None
) -> None:
    """As delete_photo, for a file kept with a request (a letter, a resident's evidence)."""
    name, storage = attachment.file.name, attachment.file.storage
    pk, request_id = attachment.pk, attachment.request_id
    attachment.delete()
    if name:
        transaction.on_commit(lambda: _delete_file(storage, name))
    _audit(user, AuditEvent.Action.DELETE, ATTACHMENT, pk, f"{reason} (request {request_id})")


def _delete_file(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        log.warning("Could not delete %s; delete it by hand.", name, exc_info=True)


def anonymise_notification(
    notification: Notification, *, reason: str, user: AbstractBaseUser | None = None
) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        recipient="", subject="", body=REMOVED, last_error=""
    )
    _mark(NOTIFICATION, notification.pk, reason)
    _audit(user, AuditEvent.Action.ANONYMISE, NOTIFICATION, notification.pk, reason)


def delete_notification(
    notification: Notification, *, reason: str, user: AbstractBaseUser | None = None
) -> None:
    pk = notification.pk
    notification.delete()
    _audit(user, AuditEvent.Action.DELETE, NOTIFICATION, pk, reason)


def anonymise_request(
    request: ServiceRequest, *, reason: str, user: AbstractBaseUser | None = None
) -> None:
    """Remove the personal data in a request: its description, answers, house-level place,
    timeline text, referral and complaint letters, messages sent about it and its photos.
    Service, partner, team, channel, status, outcome and every date stay (SLA compliance
    and the other figures count them); the place is kept to its postcode district."""
    from firstcontact.insight.models import SatisfactionResponse
    from firstcontact.open311.models import Open311Submission, Open311UpdateSubmission

    ServiceRequest.objects.filter(pk=request.pk).update(
        description="",
        attributes={},
        address="",
        uprn="",
        postcode=normalise_outward_code(request.postcode) or "" if request.postcode else "",
        latitude=_round(request.latitude),
        longitude=_round(request.longitude),
        customer=None,
    )
    updates = RequestUpdate.objects.filter(request_id=request.pk)
    updates.update(text="")
    updates.filter(kind=UpdateKind.CUSTOMER).update(author_name="")
    Referral.objects.filter(request_id=request.pk).update(reason=REMOVED, outcome="")
    Complaint.objects.filter(request_id=request.pk).update(
        stage1_response="", escalation_reason="", stage2_response=""
    )
    for notification in Notification.objects.filter(service_request_id=request.pk):
        if not _is_marked(NOTIFICATION, notification.pk):
            anonymise_notification(notification, reason=reason, user=user)
    Open311Submission.objects.filter(service_request_id=request.pk).update(
        report={}, account_id="", device_id="", media_urls=[]
    )
    Open311UpdateSubmission.objects.filter(request_update__request_id=request.pk).update(
        media_urls=[]
    )
    SatisfactionResponse.objects.filter(invitation__service_request_id=request.pk).update(
        comment=""
    )
    for photo in RequestPhoto.objects.filter(request_id=request.pk):
        delete_photo(photo, reason=reason, user=user)
    for attachment in RequestAttachment.objects.filter(request_id=request.pk):
        delete_attachment(attachment, reason=reason, user=user)
    _mark(REQUEST, request.pk, reason)
    _audit(user, AuditEvent.Action.ANONYMISE, REQUEST, request.pk, reason, request.customer_id)


def anonymise_customer(
    customer: Customer, *, reason: str, user: AbstractBaseUser | None = None
) -> None:
    """Anonymise a customer record and what its partner holds with it: names, date of birth,
    needs, phones, emails, addresses and links to other partners' records go; the record's
    contacts and requests are anonymised; its consents are withdrawn and booked callbacks
    cancelled. Other partners' requests and contacts that named this record are unlinked
    from it, not changed (their own controller decides)."""
    now = timezone.now()
    own = customer.partner_id
    for contact in Contact.objects.filter(customer_id=customer.pk):
        if contact.partner_id == own and not _is_marked(CONTACT, contact.pk):
            anonymise_contact(contact, reason=reason, user=user)
        else:
            Contact.objects.filter(pk=contact.pk).update(customer=None)
    for request in ServiceRequest.objects.filter(customer_id=customer.pk):
        if request.responsible_partner_id == own and not _is_marked(REQUEST, request.pk):
            anonymise_request(request, reason=reason, user=user)
        else:
            ServiceRequest.objects.filter(pk=request.pk).update(customer=None)
    callbacks = Callback.objects.filter(customer_id=customer.pk)
    callbacks.filter(status=CallbackStatus.BOOKED).update(
        status=CallbackStatus.CANCELLED, completed_at=now
    )
    callbacks.update(phone="", reason=REMOVED, result_notes="", customer=None)
    Consent.objects.filter(customer_id=customer.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    CustomerPhone.objects.filter(customer_id=customer.pk).delete()
    CustomerEmail.objects.filter(customer_id=customer.pk).delete()
    CustomerAddress.objects.filter(customer_id=customer.pk).delete()
    # The history of edits holds the old names, numbers and addresses.
    CustomerChange.objects.filter(customer_id=customer.pk).delete()
    CustomerLink.objects.filter(
        Q(from_customer_id=customer.pk) | Q(to_customer_id=customer.pk)
    ).delete()
    # Records merged into this one are the same person; a merge keeps the merged record's
    # former details and the duplicates it dropped, to undo it (customers.merging).
    for tombstone in Customer.objects.filter(merged_into_id=customer.pk):
        if not _is_marked(CUSTOMER, tombstone.pk):
            anonymise_customer(tombstone, reason=reason, user=user)
    CustomerMerge.objects.filter(Q(survivor_id=customer.pk) | Q(merged_id=customer.pk)).update(
        former={}, dropped=[]
    )
    customer.title = ""
    customer.given_name = ""
    customer.family_name = ANONYMISED_NAME if customer.kind == CustomerKind.PERSON else ""
    customer.organisation_name = (
        ANONYMISED_ORGANISATION if customer.kind == CustomerKind.ORGANISATION else ""
    )
    customer.date_of_birth = None
    customer.preferred_channel = ""
    customer.accessibility_needs = ""
    customer.vulnerability = ""
    customer.save()
    _mark(CUSTOMER, customer.pk, reason)
    _audit(user, AuditEvent.Action.ANONYMISE, CUSTOMER, customer.pk, reason, customer.pk)


def delete_customer(
    customer: Customer, *, reason: str, user: AbstractBaseUser | None = None
) -> bool:
    """Anonymise the customer's history, then delete the record itself. False (and the
    record kept, anonymised) if something still refers to it."""
    if not _is_marked(CUSTOMER, customer.pk):
        anonymise_customer(customer, reason=reason, user=user)
    pk = customer.pk
    # A referral keeps the consent that allowed it; the consent goes with its customer.
    Referral.objects.filter(consent__customer_id=pk).update(consent=None)
    try:
        with transaction.atomic():
            customer.delete()
    except ProtectedError:
        return False
    AnonymisedRecord.objects.filter(object_type=CUSTOMER, object_id=pk).delete()
    _audit(user, AuditEvent.Action.DELETE, CUSTOMER, pk, reason, pk)
    return True


# --- Rules: what is due ---------------------------------------------------------------------


@dataclass
class Scope:
    """Which records a rule covers: its partners' (and, for a default rule, records with no
    partner at all)."""

    partner_ids: set[int] | None  # None: records of no partner only (partnership-only kinds)
    unowned: bool


@dataclass
class RulePlan:
    rule: RetentionRule
    scope: Scope
    label: str
    cutoff: dt.datetime
    due: int = 0
    held: int = 0


@dataclass
class RuleResult:
    plan: RulePlan
    done: int = 0
    kept: int = 0
    failed: list[str] = field(default_factory=list)


def _partner_filter(scope: Scope, field_name: str) -> Q:
    q = Q(**{f"{field_name}__in": scope.partner_ids or set()})
    if scope.unowned:
        q |= Q(**{f"{field_name}__isnull": True})
    return q


class Kind:
    """How one kind of record is found and disposed of."""

    object_type = ""

    def base(self, rule: RetentionRule, scope: Scope, cutoff: dt.datetime) -> QuerySet:
        raise NotImplementedError

    def held(self) -> Q:
        raise NotImplementedError

    def candidates(self, rule: RetentionRule, scope: Scope, cutoff: dt.datetime) -> QuerySet:
        qs = self.base(rule, scope, cutoff)
        if rule.action == RetentionAction.ANONYMISE and self.object_type:
            qs = qs.exclude(_marked(self.object_type))
        return qs

    def due(self, rule: RetentionRule, scope: Scope, cutoff: dt.datetime) -> QuerySet:
        return self.candidates(rule, scope, cutoff).exclude(self.held())

    def apply(self, obj, rule: RetentionRule, reason: str) -> bool:
        raise NotImplementedError


class Contacts(Kind):
    object_type = CONTACT

    def base(self, rule, scope, cutoff):
        return Contact.objects.filter(
            _partner_filter(scope, "partner_id"), ended_at__isnull=False, started_at__lt=cutoff
        )

    def held(self):
        held_requests = ServiceRequest.objects.filter(
            Q(pk__in=_held_request_ids()) | Q(customer_id__in=_held_customer_ids()),
            contact_id=OuterRef("pk"),
        )
        return held_customer_q() | Q(Exists(held_requests))

    def apply(self, obj, rule, reason):
        anonymise_contact(obj, reason=reason)
        return True


class ClosedRequests(Kind):
    object_type = REQUEST

    def base(self, rule, scope, cutoff):
        return ServiceRequest.objects.filter(
            _partner_filter(scope, "responsible_partner_id"),
            status=Status.CLOSED,
            closed_at__lt=cutoff,
        )

    def held(self):
        return held_request_q() | held_customer_q()

    def apply(self, obj, rule, reason):
        anonymise_request(obj, reason=reason)
        return True


class Photos(Kind):
    def base(self, rule, scope, cutoff):
        # Photos of a request still being worked stay with it until it closes.
        return RequestPhoto.objects.filter(
            _partner_filter(scope, "request__responsible_partner_id"),
            uploaded_at__lt=cutoff,
            request__status=Status.CLOSED,
        )

    def held(self):
        return held_request_q("request_id", "request__customer_id") | held_customer_q(
            "request__customer_id"
        )

    def apply(self, obj, rule, reason):
        delete_photo(obj, reason=reason)
        return True


class Attachments(Photos):
    """Files kept with requests go by the photos rule, as photos do (RecordKind.PHOTOS)."""

    def base(self, rule, scope, cutoff):
        return RequestAttachment.objects.filter(
            _partner_filter(scope, "request__responsible_partner_id"),
            uploaded_at__lt=cutoff,
            request__status=Status.CLOSED,
        )

    def apply(self, obj, rule, reason):
        delete_attachment(obj, reason=reason)
        return True


class InactiveCustomers(Kind):
    object_type = CUSTOMER

    def base(self, rule, scope, cutoff):
        recent_contact = Contact.objects.filter(customer_id=OuterRef("pk"), started_at__gte=cutoff)
        live_request = ServiceRequest.objects.filter(customer_id=OuterRef("pk")).filter(
            Q(created_at__gte=cutoff) | Q(closed_at__gte=cutoff) | ~Q(status=Status.CLOSED)
        )
        live_callback = Callback.objects.filter(customer_id=OuterRef("pk")).filter(
            Q(window_start__gte=cutoff) | Q(status=CallbackStatus.BOOKED)
        )
        recent_consent = Consent.objects.filter(customer_id=OuterRef("pk"), given_at__gte=cutoff)
        return (
            Customer.objects.filter(
                _partner_filter(scope, "partner_id"), created_at__lt=cutoff, updated_at__lt=cutoff
            )
            .exclude(Exists(recent_contact))
            .exclude(Exists(live_request))
            .exclude(Exists(live_callback))
            .exclude(Exists(recent_consent))
        )

    def held(self):
        return held_customer_q("pk")

    def apply(self, obj, rule, reason):
        if rule.action == RetentionAction.DELETE:
            return delete_customer(obj, reason=reason)
        anonymise_customer(obj, reason=reason)
        return True


class Notifications(Kind):
    object_type = NOTIFICATION

    def base(self, rule, scope, cutoff):
        return Notification.objects.filter(
            _partner_filter(scope, "service_request__responsible_partner_id"),
            created_at__lt=cutoff,
        ).exclude(status__in=[NotificationStatus.QUEUED, NotificationStatus.RETRYING])

    def held(self):
        return held_request_q("service_request_id", "service_request__customer_id") | (
            held_customer_q("service_request__customer_id")
        )

    def apply(self, obj, rule, reason):
        if rule.action == RetentionAction.DELETE:
            delete_notification(obj, reason=reason)
        else:
            anonymise_notification(obj, reason=reason)
        return True


KINDS: dict[str, Kind] = {
    RecordKind.CONTACTS: Contacts(),
    RecordKind.CLOSED_REQUESTS: ClosedRequests(),
    RecordKind.PHOTOS: Photos(),
    RecordKind.INACTIVE_CUSTOMERS: InactiveCustomers(),
    RecordKind.NOTIFICATIONS: Notifications(),
}
ATTACHMENTS = Attachments()
ORDER = list(RecordKind.values)


def abandoned_uploads(cutoff: dt.datetime) -> list[str]:
    """Files the resident site stored for a report that was never sent, older than the
    cutoff. Sent reports' photos are copied to the request and the upload deleted at once,
    so anything left there is abandoned; a file a request's photo still uses is kept."""
    folder = uploads_dir()
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = []
    for filename in sorted(files):
        name = f"{folder}/{filename}"
        try:
            modified = default_storage.get_modified_time(name)
        except (FileNotFoundError, OSError):
            continue
        if modified < cutoff:
            names.append(name)
    in_use = set(RequestPhoto.objects.filter(file__in=names).values_list("file", flat=True))
    return [name for name in names if name not in in_use]


def _purge_audit_function() -> Callable[[dt.datetime], int] | None:
    """The privacy app's purge (the one way past the audit trail's append-only guard)."""
    try:
        from firstcontact.privacy import services as privacy_services
    except ImportError:  # pragma: no cover
        return None
    return getattr(privacy_services, "purge_audit_events", None)


def plan(
    *,
    partner: Partner | None = None,
    kind: str | None = None,
    now: dt.datetime | None = None,
) -> list[RulePlan]:
    """Each rule that applies (a partner's own rule, else the partnership's default for the
    partners without one), with how many records are due and how many a legal hold keeps."""
    now = now or timezone.now()
    rules = RetentionRule.objects.select_related("partner")
    if kind:
        rules = rules.filter(kind=kind)
    own_rule_partners: dict[str, set[int]] = {}
    for pid, k in RetentionRule.objects.filter(partner__isnull=False).values_list(
        "partner_id", "kind"
    ):
        own_rule_partners.setdefault(k, set()).add(pid)
    all_partners = set(Partner.objects.values_list("pk", flat=True))
    plans = []
    for rule in sorted(rules, key=lambda r: (ORDER.index(r.kind), r.partner_id is not None)):
        if rule.kind in PARTNERSHIP_ONLY_KINDS:
            if rule.partner_id or partner is not None:
                continue
            scope = Scope(partner_ids=None, unowned=True)
            label = f"{rule.get_kind_display()}, partnership"
        elif rule.partner_id:
            if partner is not None and partner.pk != rule.partner_id:
                continue
            scope = Scope(partner_ids={rule.partner_id}, unowned=False)
            label = f"{rule.get_kind_display()}, {rule.partner.name}"
        else:
            covered = all_partners - own_rule_partners.get(rule.kind, set())
            if partner is not None:
                if partner.pk not in covered:
                    continue
                scope = Scope(partner_ids={partner.pk}, unowned=False)
                label = f"{rule.get_kind_display()}, {partner.name} (partnership default)"
            else:
                scope = Scope(partner_ids=covered, unowned=True)
                label = f"{rule.get_kind_display()}, partnership default"
        cutoff = rule.cutoff(now)
        item = RulePlan(rule=rule, scope=scope, label=label, cutoff=cutoff)
        if rule.kind == RecordKind.ABANDONED_UPLOADS:
            item.due = len(abandoned_uploads(cutoff))
        elif rule.kind == RecordKind.AUDIT_EVENTS:
            item.due = AuditEvent.objects.filter(at__lt=cutoff).count()
        else:
            for handler in _handlers(rule.kind):
                due = handler.due(rule, scope, cutoff).count()
                item.due += due
                item.held += handler.candidates(rule, scope, cutoff).count() - due
        plans.append(item)
    return plans


def rule_reason(rule: RetentionRule) -> str:
    return f"Retention rule {rule.pk}: {rule.kind}, kept {rule.period_text}"


def apply_plan(
    item: RulePlan,
    *,
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> RuleResult:
    """Carry out one rule, one record per transaction. A record that fails is left as it
    was (its transaction rolled back), logged and counted, and the run goes on; an
    interruption (Ctrl-C, a stopped process) leaves the records done so far done."""
    rule, result = item.rule, RuleResult(plan=item)
    reason = rule_reason(rule)
    wrap = progress or (lambda iterable, total: iterable)
    if rule.kind == RecordKind.AUDIT_EVENTS:
        purge = _purge_audit_function()
        if purge is None:
            result.failed.append("the privacy app has no purge_audit_events yet; nothing purged")
            return result
        with transaction.atomic():
            result.done = purge(item.cutoff)
            _audit(
                None,
                AuditEvent.Action.DELETE,
                "audit_event",
                f"before {item.cutoff:%Y-%m-%d}",
                f"{reason}: {result.done} audit events",
            )
        return result
    if rule.kind == RecordKind.ABANDONED_UPLOADS:
        names = abandoned_uploads(item.cutoff)
        for name in wrap(names, len(names)):
            try:
                default_storage.delete(name)
                _audit(None, AuditEvent.Action.DELETE, UPLOAD, name.rsplit("/", 1)[-1], reason)
            except Exception as exc:  # noqa: BLE001 - one file must not stop the run
                log.exception("Retention could not delete %s", name)
                result.failed.append(f"{name}: {exc}")
            else:
                result.done += 1
        return result
    for handler in _handlers(rule.kind):
        _apply_kind(handler, item, rule, reason, result, wrap)
    return result


def _handlers(kind: str) -> list[Kind]:
    """The record kinds a rule disposes of: the photos rule takes attached files too."""
    return [KINDS[kind], ATTACHMENTS] if kind == RecordKind.PHOTOS else [KINDS[kind]]


def _apply_kind(handler: Kind, item: RulePlan, rule, reason: str, result: RuleResult, wrap):
    ids = list(
        handler.due(rule, item.scope, item.cutoff).order_by("pk").values_list("pk", flat=True)
    )
    for pk in wrap(ids, len(ids)):
        try:
            with transaction.atomic():
                # Still due? (another run, a new hold or new activity since the list was made)
                obj = (
                    handler.due(rule, item.scope, item.cutoff)
                    .select_for_update(of=("self",))
                    .filter(pk=pk)
                    .first()
                )
                if obj is None:
                    continue
                disposed = handler.apply(obj, rule, reason)
        except Exception as exc:  # noqa: BLE001 - one record must not stop the others
            log.exception("Retention rule %s failed on %s %s", rule.pk, rule.kind, pk)
            result.failed.append(f"{rule.kind} {pk}: {exc}")
            continue
        if disposed:
            result.done += 1
        else:
            result.kept += 1


def apply_retention(
    *,
    partner: Partner | None = None,
    kind: str | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    progress: Callable[[Iterable, int, str], Iterable] | None = None,
) -> Iterator[tuple[RulePlan, RuleResult | None]]:
    """Plan every rule and (unless a dry run) carry it out, yielding each as it is done."""
    for item in plan(partner=partner, kind=kind, now=now):
        if dry_run or item.due == 0:
            yield item, None
            continue
        wrap = None
        if progress is not None:

            def wrap(iterable, total, _label=item.label):
                return progress(iterable, total, _label)

        yield item, apply_plan(item, progress=wrap)


# --- Erasure requests -----------------------------------------------------------------------


def _check_covers(user: AbstractBaseUser, partner_id: int) -> None:
    from firstcontact.retention.selectors import covered_partner_ids

    if partner_id not in covered_partner_ids(user):
        raise PermissionDenied("You are not the data protection officer for that partner.")


def record_erasure_request(
    *,
    user: AbstractBaseUser,
    customer: Customer,
    requester: str,
    received_on: dt.date,
    notes: str = "",
) -> ErasureRequest:
    _check_covers(user, customer.partner_id)
    errors = {}
    requester = requester.strip()
    if not requester:
        errors["requester"] = "Enter who asked and how."
    elif len(requester) > 200:
        errors["requester"] = "Who asked must be 200 characters or fewer."
    today = timezone.localdate()
    if received_on > today:
        errors["received_on"] = "The date received must be today or in the past."
    elif received_on < today - dt.timedelta(days=366):
        errors["received_on"] = "The date received must be within the last year."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        erasure = ErasureRequest.objects.create(
            partner_id=customer.partner_id,
            customer=customer,
            requester=requester,
            received_on=received_on,
            notes=notes.strip(),
            recorded_by=user,
        )
        record_audit_event(
            user=user,
            action=AuditEvent.Action.CREATE,
            object_type="erasure_request",
            object_id=erasure.pk,
            customer_id=customer.pk,
            detail="Erasure request recorded",
        )
    return erasure


@dataclass
class Assessment:
    """What is held with the customer record, and what stops an erasure."""

    contacts: int = 0
    requests_closed: int = 0
    open_requests: list[ServiceRequest] = field(default_factory=list)
    photos: int = 0
    callbacks: int = 0
    notifications: int = 0
    consents: int = 0
    phones: int = 0
    emails: int = 0
    addresses: int = 0
    linked_records: int = 0
    other_partners_requests: int = 0
    other_partners_contacts: int = 0
    holds: list[LegalHold] = field(default_factory=list)

    @property
    def blockers(self) -> list[str]:
        reasons = []
        if self.holds:
            reasons.append(
                f"{len(self.holds)} legal hold{'s' if len(self.holds) != 1 else ''} "
                "on the record or its requests: refuse it (a legal hold applies) or wait for "
                "the hold to be lifted."
            )
        if self.open_requests:
            reasons.append(
                f"{len(self.open_requests)} open request"
                f"{'s' if len(self.open_requests) != 1 else ''}: close "
                f"{'them' if len(self.open_requests) != 1 else 'it'} first (or refuse, if "
                "the work must go on)."
            )
        return reasons


def assess(customer: Customer | None) -> Assessment:
    result = Assessment()
    if customer is None:
        return result
    own = customer.partner_id
    requests = ServiceRequest.objects.filter(customer_id=customer.pk)
    own_requests = requests.filter(responsible_partner_id=own)
    result.contacts = Contact.objects.filter(customer_id=customer.pk, partner_id=own).count()
    result.other_partners_contacts = (
        Contact.objects.filter(customer_id=customer.pk).exclude(partner_id=own).count()
    )
    result.requests_closed = own_requests.filter(status=Status.CLOSED).count()
    result.open_requests = list(
        own_requests.exclude(status=Status.CLOSED).select_related("service").order_by("created_at")
    )
    result.other_partners_requests = requests.exclude(responsible_partner_id=own).count()
    result.photos = RequestPhoto.objects.filter(request__in=own_requests).count()
    result.callbacks = Callback.objects.filter(customer_id=customer.pk).count()
    result.notifications = Notification.objects.filter(service_request__in=own_requests).count()
    result.consents = Consent.objects.filter(customer_id=customer.pk).count()
    result.phones = customer.phones.count()
    result.emails = customer.emails.count()
    result.addresses = customer.addresses.count()
    result.linked_records = CustomerLink.objects.filter(
        Q(from_customer_id=customer.pk) | Q(to_customer_id=customer.pk)
    ).count()
    result.holds = list(
        LegalHold.objects.active()
        .filter(Q(customer_id=customer.pk) | Q(service_request__customer_id=customer.pk))
        .select_related("service_request", "placed_by")
    )
    return result


def _open_erasure(user: AbstractBaseUser, erasure: ErasureRequest) -> ErasureRequest:
    _check_covers(user, erasure.partner_id)
    locked = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    if not locked.is_open:
        raise ValidationError(
            {"status": f"This request has already been {locked.get_status_display().lower()}."}
        )
    return locked


def assess_erasure(
    *, user: AbstractBaseUser, erasure: ErasureRequest, notes: str = ""
) -> ErasureRequest:
    with transaction.atomic():
        erasure = _open_erasure(user, erasure)
        erasure.status = ErasureStatus.ASSESSED
        erasure.assessed_by = user
        erasure.assessed_at = timezone.now()
        if notes.strip():
            erasure.notes = "\n\n".join(p for p in [erasure.notes, notes.strip()] if p)
        erasure.save()
    return erasure


def carry_out_erasure(*, user: AbstractBaseUser, erasure: ErasureRequest) -> ErasureRequest:
    """Anonymise the customer record and what its partner holds with it, now."""
    with transaction.atomic():
        erasure = _open_erasure(user, erasure)
        customer = (
            Customer.objects.select_for_update().filter(pk=erasure.customer_id).first()
            if erasure.customer_id
            else None
        )
        if customer is not None:
            blockers = assess(customer).blockers
            if blockers:
                raise ValidationError({"status": blockers})
            if not _is_marked(CUSTOMER, customer.pk):
                anonymise_customer(customer, reason=f"Erasure request {erasure.pk}", user=user)
        erasure.status = ErasureStatus.CARRIED_OUT
        erasure.decided_by = user
        erasure.decided_at = timezone.now()
        erasure.save()
    return erasure


def refuse_erasure(
    *, user: AbstractBaseUser, erasure: ErasureRequest, reason: str, notes: str
) -> ErasureRequest:
    errors = {}
    if reason not in RefusalReason.values:
        errors["reason"] = "Choose the reason the right to erasure does not apply."
    if not notes.strip():
        errors["notes"] = "Explain the refusal: the person must be told why."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        erasure = _open_erasure(user, erasure)
        erasure.status = ErasureStatus.REFUSED
        erasure.refusal_reason = reason
        erasure.notes = "\n\n".join(p for p in [erasure.notes, notes.strip()] if p)
        erasure.decided_by = user
        erasure.decided_at = timezone.now()
        erasure.save()
        record_audit_event(
            user=user,
            action=AuditEvent.Action.UPDATE,
            object_type="erasure_request",
            object_id=erasure.pk,
            customer_id=erasure.customer_id,
            detail=f"Erasure refused: {reason}",
        )
    return erasure
