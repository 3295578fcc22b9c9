"""Writes for Open311: accept a report at once, raise it in the background.

A POST is answered as soon as the report is stored: `accept_report` keeps it in one INSERT
(an Open311Submission with the reference the client gets back) and enqueues
`tasks.process_report` with it, so a report is never stored without its task nor the task
without its report: on PostgreSQL with django_tasks_db's queue (production) both rows are
written by one statement, elsewhere in one transaction. `process_report` then does what
every other channel does: matches or creates the customer, records an Open311 contact,
raises the service request under the reference already given out (routing, SLA,
acknowledgement, audit) and attaches the photos. A report that nobody in the partnership
can take after all (its place is outside every area now, its service is no longer offered)
is recorded as a request closed at once, which the updates feed reports as
NOT_COUNCILS_RESPONSIBILITY. A retry with the same client id returns the same reference,
whether or not it has been processed yet; a resend under the same id in another category
(FixMyStreet's "change category and resend") re-categorises the report (`recategorise_report`).
A media_url that is not a web address is dropped with an internal note, never the report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, connections, models, router, transaction
from django.db.models.signals import post_save, pre_save
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django.utils.json import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from firstcontact.catalogue import sla
from firstcontact.catalogue.attributes import validate_answers
from firstcontact.catalogue.models import Service
from firstcontact.catalogue.priority import decide as decide_priority
from firstcontact.catalogue.routing import resolve_delivery
from firstcontact.contacts.models import Outcome
from firstcontact.contacts.services import end_contact, start_contact
from firstcontact.customers.front_door import customer_for_submission, verified_customer
from firstcontact.customers.models import Channel, Customer
from firstcontact.open311.models import (
    Open311Client,
    Open311Submission,
    Open311UpdateSubmission,
)
from firstcontact.partners.geography import Location
from firstcontact.partners.models import Partner
from firstcontact.servicerequests.models import (
    ClosureOutcome,
    RequestPhoto,
    RequestUpdate,
    ServiceRequest,
    Status,
    UpdateKind,
)
from firstcontact.servicerequests.references import new_reference
from firstcontact.servicerequests.services import (
    add_customer_update,
    decline_request,
    raise_request,
)

logger = logging.getLogger("firstcontact.open311")


@dataclass
class Report:
    service: Service
    location: Location
    description: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    account_id: str = ""
    device_id: str = ""
    media_urls: list[str] = field(default_factory=list)
    # Why media_urls given were dropped (not web addresses): noted on the request, internally.
    dropped_media: list[str] = field(default_factory=list)
    # (file, content type) pairs already re-encoded by servicerequests.photos.clean_photo
    photos: list[tuple] = field(default_factory=list)
    client_request_id: str = ""


def existing_submission(client: Open311Client, client_request_id: str) -> Open311Submission | None:
    """The report this client already sent under `client_request_id`, if any."""
    if not client_request_id:
        return None
    found = Open311Submission.objects.select_related(
        "service_request__responsible_partner", "responsible_partner", "service__sla_policy"
    ).filter(client=client, client_request_id=client_request_id)[:1]
    return next(iter(found), None)


def pending_due_at(submission: Open311Submission) -> dt.datetime | None:
    """When an accepted report is due: the standard its service's priority rules give its
    attributes (catalogue/priority.py; else the service's own), from when it was accepted, so
    the request raised from it later gets the same due time."""
    service = submission.service
    if service is None:
        return None
    try:
        # As raise_request cleans them (unknown attributes ignored, as process_report does).
        answers = validate_answers(
            service.attributes.all(),
            (submission.report or {}).get("attributes") or {},
            ignore_unknown=True,
        )
    except ValidationError:
        answers = {}  # refused when raised: it will be declined, not due
    policy = decide_priority(service, answers).sla_policy
    return sla.due_at(policy, submission.created_at) if policy else None


def _store_photos(photos: list[tuple]) -> list[dict]:
    stored = []
    for upload, content_type in photos:
        photo = RequestPhoto(content_type=content_type, size=upload.size or 0)
        photo.file.save(f"photo.{photo.extension}", upload, save=False)
        stored.append({"name": photo.file.name, "content_type": content_type, "size": photo.size})
    return stored


def _remove(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def _values(instance: models.Model, fields: list) -> list:
    """The database values of `fields` of a new `instance`, as Model.save inserts them."""
    return [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


# The statements depend only on the models and the database, so each is written once.


@functools.cache
def _submission_insert(alias: str) -> tuple[str, list]:
    """INSERT a submission, unless a service request already has its reference or another
    submission has its reference or its client's id (then no row: nothing stored); RETURNING
    its id. Its parameters: the values of the fields given, then the reference."""
    meta, requests = Open311Submission._meta, ServiceRequest._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connections[alias].ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"SELECT {', '.join(['%s'] * len(fields))} WHERE NOT EXISTS (SELECT 1 FROM "
        f"{quote(requests.db_table)} WHERE {quote(requests.get_field('reference').column)} = %s) "
        f"ON CONFLICT DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    return sql, fields


@functools.cache
def _submission_and_task_insert(alias: str) -> tuple[str, list, list]:
    """The submission's INSERT (as above) and, when it stores a row, its task's (PostgreSQL).
    Parameters: the submission's, then the values of the task's fields given."""
    insert, submission_fields = _submission_insert(alias)
    meta = DBTaskResult._meta
    quote = connections[alias].ops.quote_name
    # The task's argument is the submission's id, known only once it is inserted.
    arguments = "jsonb_build_object('args', jsonb_build_array(report.id), 'kwargs', '{}'::jsonb)"
    task_fields = [f for f in meta.concrete_fields if f.attname != "args_kwargs"]
    columns = [*(f.column for f in task_fields), meta.get_field("args_kwargs").column]
    sql = (
        f"WITH report AS ({insert}), task AS (INSERT INTO {quote(meta.db_table)} "
        f"({', '.join(quote(c) for c in columns)}) "
        f"SELECT {', '.join(['%s'] * len(task_fields))}, {arguments} FROM report) "
        f"SELECT id FROM report"
    )
    return sql, submission_fields, task_fields


def _stored(submission: Open311Submission, row: tuple | None) -> bool:
    if row is None:
        return False
    submission.pk = row[0]
    submission._state.adding = False
    submission._state.db = connection.alias
    return True


def _database_queue() -> DatabaseBackend | None:
    """The process_report task's backend, when it is django_tasks_db's queue in this
    PostgreSQL database: then a report and its task row are stored in one statement."""
    from firstcontact.open311.tasks import process_report as process_task

    backend = process_task.get_backend()
    if (
        connection.vendor == "postgresql"
        and isinstance(backend, DatabaseBackend)
        and router.db_for_write(DBTaskResult) == connection.alias
    ):
        return backend
    return None


def _store_with_queued_task(submission: Open311Submission, backend: DatabaseBackend) -> bool:
    """Store the submission and enqueue its process_report task in one statement (one round
    trip, atomic without a transaction block): the task row that django_tasks_db's enqueue
    would create, with Model.save's signals and the backend's task_enqueued signal."""
    from firstcontact.open311.tasks import process_report as process_task

    backend.validate_task(process_task)
    task_row = DBTaskResult(
        id=backend._get_id(),
        priority=process_task.priority,
        task_path=process_task.module_path,
        queue_name=process_task.queue_name,
        run_after=process_task.run_after,
        backend_name=backend.alias,
    )
    alias = connection.alias
    pre_save.send(DBTaskResult, instance=task_row, raw=False, using=alias, update_fields=None)
    sql, submission_fields, task_fields = _submission_and_task_insert(alias)
    params = [
        *_values(submission, submission_fields),
        submission.reference,
        *_values(task_row, task_fields),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if not _stored(submission, cursor.fetchone()):
            return False
    task_row.args_kwargs = normalize_json({"args": [submission.pk], "kwargs": {}})
    task_row._state.adding, task_row._state.db = False, alias
    post_save.send(
        DBTaskResult, instance=task_row, created=True, update_fields=None, raw=False, using=alias
    )
    task_enqueued.send(type(backend), task_result=task_row.task_result)
    return True


def _store(submission: Open311Submission) -> bool:
    """Store the submission and enqueue its process_report task, both or neither: True, or
    False when nothing was stored (its reference or its client's id is taken)."""
    from firstcontact.open311.tasks import process_report as process_task

    backend = _database_queue()
    if backend is not None:
        return _store_with_queued_task(submission, backend)
    sql, fields = _submission_insert(connection.alias)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [*_values(submission, fields), submission.reference])
            if not _stored(submission, cursor.fetchone()):
                return False
        # In the transaction: the task row commits with the report, or neither.
        process_task.enqueue(submission.pk)
    return True


def accept_report(
    *, client: Open311Client, report: Report, responsible_partner: Partner
) -> tuple[Open311Submission, bool]:
    """Store a checked report and enqueue its processing: (the submission, whether it was
    stored now). A retry under the same client id gets the first submission back and stores
    nothing. `responsible_partner`: who it was routed to, shown until it is processed."""
    location = report.location
    photos = _store_photos(report.photos)
    names = [p["name"] for p in photos]
    try:
        for _attempt in range(5):
            submission = Open311Submission(
                client=client,
                partner=client.partner,
                reference=new_reference(),
                service=report.service,
                responsible_partner=responsible_partner,
                client_request_id=report.client_request_id,
                account_id=report.account_id,
                device_id=report.device_id,
                media_urls=report.media_urls,
                report={
                    "lat": location.latitude,
                    "long": location.longitude,
                    "postcode": location.postcode,
                    "uprn": location.uprn,
                    "address": location.address,
                    "description": report.description,
                    "attributes": report.attributes,
                    "email": report.email,
                    "phone": report.phone,
                    "first_name": report.first_name,
                    "last_name": report.last_name,
                    "photos": photos,
                    "dropped_media": report.dropped_media,
                },
            )
            if _store(submission):
                return submission, True
            # A retry (perhaps racing its first try) gets the first back; otherwise the
            # reference was taken (rarely): draw another.
            existing = existing_submission(client, report.client_request_id)
            if existing is not None:
                _remove(names)
                return existing, False
        raise IntegrityError("Could not store the Open311 report.")
    except BaseException:
        _remove(names)
        raise


def match_or_create_customer(partner: Partner, report: Report) -> Customer | None:
    """The partner's record whose email or phone the resident proved (and whose last name
    fits), else a new record, queued for the data steward where it may be a duplicate
    (customers.front_door). Anonymous (None) without a contact point, or without a name
    when no proven record matches."""
    if not (report.email or report.phone):
        return None
    family = report.last_name or report.first_name
    given = report.first_name if report.last_name else ""
    # Without a name only a proven record will do (a new one needs a name); with one,
    # customer_for_submission makes the same lookup itself.
    if (
        not family
        and verified_customer(partner, email=report.email, phone=report.phone, shared=True) is None
    ):
        return None
    return customer_for_submission(
        partner=partner,
        channel=Channel.OPEN311,
        given_name=given,
        family_name=family,
        email=report.email,
        phone=report.phone,
        preferred_channel=Channel.OPEN311,
    ).customer


def _decline_reason(exc: ValidationError) -> tuple[str, str]:
    """(closure outcome, public reason) for a report that raise_request refused."""
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    for name in ("location", "service_code"):
        if name in messages:
            return ClosureOutcome.NOT_OUR_RESPONSIBILITY, " ".join(messages[name])
    text = " ".join(m for msgs in messages.values() for m in msgs)
    return ClosureOutcome.NO_FURTHER_ACTION, f"We could not take this report: {text}"


def process_report(submission_id: int) -> str:
    """Raise the service request for an accepted report (once: a second run does nothing).

    Everything is read afresh: routing uses the areas and deliveries as they are now, so a
    report whose place turns out to be outside every area is recorded as closed, not ours.
    """
    with transaction.atomic():
        submission = (
            Open311Submission.objects.select_for_update(of=("self",))
            .select_related("client", "partner")
            .filter(pk=submission_id)
            .first()
        )
        if submission is None or submission.service_request_id is not None:
            return "nothing to do"
        data = submission.report
        service = (
            Service.objects.select_related("sla_policy")
            .prefetch_related("attributes")
            .get(pk=submission.service_id)
        )
        location = Location(
            latitude=data.get("lat"),
            longitude=data.get("long"),
            postcode=data.get("postcode", ""),
            uprn=data.get("uprn", ""),
            address=data.get("address", ""),
        )
        report = Report(
            service=service,
            location=location,
            description=data.get("description", ""),
            attributes=data.get("attributes", {}),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
        )
        partner = submission.partner
        try:
            # Refused before anything is written, so no savepoint is needed (nor below).
            customer = match_or_create_customer(partner, report)
        except ValidationError as exc:
            # Checked when accepted, so this is unexpected: keep the report, anonymously.
            logger.warning("Open311 report %s: customer not recorded: %s", submission.pk, exc)
            customer = None
        contact = start_contact(
            user=None, channel=Channel.OPEN311, partner=partner, customer=customer
        )
        raised = dict(
            service=service,
            channel=Channel.OPEN311,
            location=location,
            description=report.description,
            customer=customer,
            contact=contact,
            reference=submission.reference,
            created_at=submission.created_at,
        )
        try:
            request = raise_request(
                user=None,
                attributes=report.attributes,
                ignore_unknown_attributes=True,
                **raised,
            )
        except ValidationError as exc:
            outcome, reason = _decline_reason(exc)
            request = decline_request(
                partner=partner,
                attributes=report.attributes,
                outcome=outcome,
                reason=reason,
                **raised,
            )
        if request.reference != submission.reference:
            logger.error(
                "Open311 report %s: reference %s was taken; raised as %s",
                submission.pk,
                submission.reference,
                request.reference,
            )
        end_contact(contact=contact, outcome=Outcome.REQUEST_RAISED, reasons=[service])
        if data.get("dropped_media"):
            _internal_note(request, _dropped_media_note(data["dropped_media"]))
        RequestPhoto.objects.bulk_create(
            RequestPhoto(
                request=request,
                file=photo["name"],
                content_type=photo["content_type"],
                size=photo["size"],
            )
            for photo in data.get("photos", [])
        )
        submission.service_request = request
        submission.report = {}  # the customer's details are on their record now
        submission.processed_at = timezone.now()
        submission.save(update_fields=["service_request", "report", "processed_at"])
    return "raised" if request.outcome == "" else f"closed: {request.outcome}"


def _dropped_media_note(dropped: list[str]) -> str:
    return "Sent through Open311 with media we could not use, dropped: " + "; ".join(dropped) + "."


def _internal_note(request: ServiceRequest, text: str) -> RequestUpdate:
    """A note for officers on the request's timeline (not shown to the public)."""
    return RequestUpdate.objects.create(
        request=request,
        kind=UpdateKind.NOTE,
        status=request.status,
        public=False,
        text=text,
        author_name="Open311",
    )


def recategorise_report(
    *, submission: Open311Submission, service: Service, attributes: dict[str, list[str]]
) -> Open311Submission:
    """The client resent its report under the same id in another category (FixMyStreet's
    "change category and resend"): move it to `service`, re-routed to whoever delivers that
    at the report's place, with a note on the timeline. ValidationError (with a message the
    client can show its staff) when that cannot be done: the request is closed, or nobody
    delivers the new service there."""
    with transaction.atomic():
        submission = Open311Submission.objects.select_for_update(of=("self",)).get(pk=submission.pk)
        if submission.service_request_id is None:
            # Not raised yet: the report is raised in its new category when its task runs.
            location = Location(
                latitude=submission.report.get("lat"),
                longitude=submission.report.get("long"),
                postcode=submission.report.get("postcode", ""),
                uprn=submission.report.get("uprn", ""),
                address=submission.report.get("address", ""),
            )
            delivery = _route_for_new_category(service, location)
            submission.service = service
            submission.responsible_partner = delivery.partner
            submission.report = {**submission.report, "attributes": attributes}
            submission.save(update_fields=["service", "responsible_partner", "report"])
        else:
            request = _recategorise_request(submission.service_request_id, service, attributes)
            submission.service = service
            submission.responsible_partner = request.responsible_partner
            submission.save(update_fields=["service", "responsible_partner"])
    return existing_submission(submission.client, submission.client_request_id) or submission


def _route_for_new_category(service: Service, location: Location):
    try:
        return resolve_delivery(service, location)
    except ValidationError:
        raise ValidationError(
            {
                "service_code": f"Nobody in the partnership deals with “{service.name}” at "
                "this report's place, so its category was not changed. Send it as a new "
                "report, or ask the council to move it."
            }
        ) from None


def _recategorise_request(
    request_id: int, service: Service, attributes: dict[str, list[str]]
) -> ServiceRequest:
    request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("service", "responsible_partner", "team")
        .get(pk=request_id)
    )
    if request.status == Status.CLOSED:
        raise ValidationError(
            {
                "service_request_id": f"{request.formatted_reference} is closed, so its "
                "category cannot be changed: send it as a new report."
            }
        )
    location = Location(
        latitude=request.latitude,
        longitude=request.longitude,
        postcode=request.postcode,
        uprn=request.uprn,
        address=request.address,
    )
    delivery = _route_for_new_category(service, location)
    try:
        cleaned = validate_answers(service.attributes.all(), attributes, ignore_unknown=True)
    except ValidationError:
        cleaned = {}  # checked when the resend was received; keep the request moving
    old_service, old_partner = request.service, request.responsible_partner
    moved = delivery.partner.pk != old_partner.pk
    now = timezone.now()
    request.service = service
    request.attributes = cleaned
    # The resident's own report stays theirs to publish, if the new service is public.
    request.description_public = service.requests_public and (
        request.description_public or request.channel == Channel.OPEN311
    )
    if moved or request.team_id != (delivery.team.pk if delivery.team else None):
        request.team = delivery.team
        request.assignee = None
    request.responsible_partner = delivery.partner
    # The new service's priority rules decide again (catalogue/priority.py).
    decision = decide_priority(service, cleaned)
    request.priority, request.priority_reason = decision.priority, decision.reason[:200]
    request.sla_policy = decision.sla_policy
    if decision.sla_policy is not None:
        request.sla_due_at = sla.due_at(decision.sla_policy, request.created_at)
        request.sla_alert, request.sla_alert_at = "", None
    request.updated_at = now
    request.version += 1
    request.save()
    where = f"; re-routed from {old_partner.name} to {delivery.partner.name}" if moved else ""
    _internal_note(
        request,
        f"Category changed through Open311 from “{old_service.name}” to “{service.name}” "
        f"(the client resent the report){where}.",
    )
    if moved:
        RequestUpdate.objects.create(
            request=request,
            created_at=now,
            kind=UpdateKind.REFERRAL,
            status=request.status,
            public=True,
            text=f"Your request is now about “{service.name}” and has been passed to "
            f"{delivery.partner.name}.",
        )
    return request


def pending_submissions() -> list[int]:
    """Ids of accepted reports not yet processed, oldest first."""
    return list(
        Open311Submission.objects.filter(service_request__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def submit_update(
    *,
    client: Open311Client,
    request: ServiceRequest,
    client_update_id: str,
    description: str,
    status: str = "",
    author_name: str = "",
    media_urls: list[str] | None = None,
    dropped_media: list[str] | None = None,
) -> tuple[RequestUpdate, bool]:
    """A resident's update on their request, recorded once per client update_id."""

    def existing() -> RequestUpdate | None:
        if not client_update_id:
            return None
        found = (
            Open311UpdateSubmission.objects.select_related("request_update")
            .filter(client=client, client_update_id=client_update_id)
            .first()
        )
        return found.request_update if found else None

    already = existing()
    if already is not None:
        return already, False
    parts = [description.strip()]
    if status:
        parts.append(f"Status given by the resident: {status}.")
    parts += [f"Media: {url}" for url in media_urls or []]
    if dropped_media:
        parts.append(_dropped_media_note(dropped_media))
    text = "\n\n".join(p for p in parts if p)
    try:
        with transaction.atomic():
            update = add_customer_update(
                request=request, text=text, author_name=author_name, public=False
            )
            Open311UpdateSubmission.objects.create(
                client=client,
                request_update=update,
                client_update_id=client_update_id,
                media_urls=media_urls or [],
            )
    except IntegrityError:
        already = existing()
        if already is not None:
            return already, False
        raise
    return update, True
