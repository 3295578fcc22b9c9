"""Open311 GeoReport v2 endpoints in the mySociety (FixMyStreet) dialect.

Every answer is a GeoReport document in XML or JSON. Errors are errors/error{code,
description}, one per bad field: 404 for an unknown resource or jurisdiction, 403 for a
missing or bad api_key, 429 over the key's rate limit, 400 for anything else. Whatever the
input, the answer is never a 500: bad input is refused field by field, and anything
unexpected is logged and answered with an error document.

POST requests answers as soon as the report is checked (against cached keys, catalogue
and areas) and stored: the task worker raises it as a service request (services.py).
Until then GET requests lists it as open under the service_request_id given out.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import logging
import re

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import InterfaceError, OperationalError
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters

from firstcontact.catalogue.attributes import validate_answers
from firstcontact.catalogue.models import Datatype, Service
from firstcontact.catalogue.routing import resolve_delivery
from firstcontact.customers.contact_points import clean_email, clean_phone
from firstcontact.open311 import caches, selectors
from firstcontact.open311.auth import RateLimited, check_rate_limit
from firstcontact.open311.formats import Items, render, render_errors
from firstcontact.open311.models import Open311Client, Open311Submission
from firstcontact.open311.places import public_place
from firstcontact.open311.services import (
    Report,
    accept_report,
    pending_due_at,
    process_report,
    recategorise_report,
    submit_update,
)
from firstcontact.partners.models import Partner
from firstcontact.servicerequests.models import ClosureOutcome, RequestPhoto, ServiceRequest, Status
from firstcontact.servicerequests.photos import MAX_PHOTOS, clean_photo
from firstcontact.servicerequests.references import (
    ReferenceError,
    format_reference,
    parse_reference,
)
from firstcontact.servicerequests.services import DESCRIPTION_MAX, clean_location

logger = logging.getLogger("firstcontact.open311")

MAX_BODY_BYTES = MAX_PHOTOS * 10 * 1024 * 1024 + 5 * 1024 * 1024
MAX_MEDIA_URLS = 10
MAX_LIST_ITEMS = 200
MAX_DAYS = 90
MAX_RESULTS = 1000
DESCRIPTION_OUT_MAX = 4000  # GeoReport's request schema caps description at 4,000
NAME_MAX = 100
EMAIL_MAX = 254
ID_MAX = 100

_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,100})\](\[\])?$")
_NUMBER = re.compile(r"^[+-]?(\d{1,15}(\.\d{0,10})?|\.\d{1,10})$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.I)
_UPRN = re.compile(r"^\d{1,12}$")
_validate_url = URLValidator(schemes=["http", "https"])


class Open311Error(Exception):
    def __init__(self, status: int, messages: list[str] | str, headers: dict | None = None):
        super().__init__(status, messages)
        self.status = status
        self.messages = [messages] if isinstance(messages, str) else messages
        self.headers = headers or {}


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def _field_errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
    return list(exc.messages)


def api(*methods: str):
    """Wrap a view: method check, input sanity (size, NUL characters), errors as documents."""

    def decorate(view):
        @csrf_exempt
        @sensitive_post_parameters("api_key")
        @functools.wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            try:
                if request.method not in methods:
                    response = render_errors(
                        fmt, 405, [f"Method {_short(request.method or '', 10)} not allowed."]
                    )
                    response["Allow"] = ", ".join(methods)
                    return response
                _decode_form(request)
                _check_input(request)
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                response = render_errors(fmt, exc.status, exc.messages)
                for name, value in exc.headers.items():
                    response[name] = value
                return response
            except RateLimited as exc:
                response = render_errors(
                    fmt, 429, ["Too many requests with this api_key: slow down and try again."]
                )
                response["Retry-After"] = str(exc.retry_after)
                return response
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
                return render_errors(fmt, 400, ["The request has too many or too large fields."])
            except (MultiPartParserError, UnreadablePostError, SuspiciousOperation, BadRequest):
                return render_errors(fmt, 400, ["The request body could not be read."])
            except (OperationalError, InterfaceError):
                logger.exception("Open311: database unavailable")
                response = render_errors(fmt, 503, ["Busy: try again in a moment."])
                response["Retry-After"] = "5"
                return response
            except Exception:
                # A bug, not the client's fault: logged in full, answered with an error
                # document rather than a bare 500 page.
                logger.exception("Open311: unexpected error on %s", request.path)
                return render_errors(fmt, 400, ["The request could not be processed."])

        return wrapper

    return decorate


def _decode_form(request: HttpRequest) -> None:
    """A form posted with a charset other than UTF-8 (`application/x-www-form-urlencoded;
    charset=latin-1`, as some clients send): decoded in that charset, which Django refuses
    to do; an unknown charset is a clear error, not an unexpected one."""
    if request.method != "POST" or request.content_type != "application/x-www-form-urlencoded":
        return
    charset = (request.content_params.get("charset") or "").strip().strip('"')
    if not charset:
        return
    try:
        encoding = codecs.lookup(charset).name
        "".encode(encoding)  # a text encoding, not a transform such as rot13 or base64
        form = QueryDict(request.body, encoding=encoding)
    except (LookupError, ValueError, TypeError):
        raise Open311Error(
            400,
            f"Content-Type: The charset {_short(charset, 40)!r} is not one we know: "
            "send the form in UTF-8.",
        ) from None
    request._post, request._files = form, MultiValueDict()


def _check_input(request: HttpRequest) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise Open311Error(400, f"The request is larger than {MAX_BODY_BYTES // 2**20} MB.")
    bad = set()
    sources = [request.GET]
    if request.method == "POST":
        sources.append(request.POST)
    for source in sources:
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                bad.add(_short(key.replace("\x00", ""), 40))
    if bad:
        raise Open311Error(
            400, [f"{name}: Remove the NUL character from this field." for name in sorted(bad)]
        )


def _param(request: HttpRequest, name: str) -> str:
    """A single-valued parameter (the last given), from the body first, then the query."""
    value = None
    if request.method == "POST":
        value = request.POST.get(name)
    if value is None:
        value = request.GET.get(name)
    return (value or "").strip()


def _jurisdiction(request: HttpRequest, *, required: bool = True) -> Partner | None:
    slug = _param(request, "jurisdiction_id")
    if not slug:
        if required:
            raise Open311Error(400, "jurisdiction_id: Give the jurisdiction_id.")
        return None
    partner = Partner.objects.filter(slug=slug).first() if _SLUG.match(slug) else None
    if partner is None:
        raise Open311Error(404, f"jurisdiction_id: No jurisdiction {_short(slug, 50)!r}.")
    return partner


def _authenticate(request: HttpRequest) -> tuple[Open311Client, Partner]:
    """The client behind api_key and the jurisdiction it acts for (404 before 403)."""
    slug = _param(request, "jurisdiction_id")
    key = _param(request, "api_key")
    client = caches.client_for_key(key) if key else None
    if slug and (client is None or client.partner.slug != slug):
        _jurisdiction(request)  # an unknown jurisdiction is a 404 whatever the key
    if client is None:
        raise Open311Error(
            403, f"api_key: {'This api_key is not valid' if key else 'Give your api_key'}."
        )
    if slug and client.partner.slug != slug:
        raise Open311Error(403, "api_key: This api_key is not for that jurisdiction.")
    check_rate_limit(client)
    return client, client.partner


def _optional_client(request: HttpRequest) -> Open311Client | None:
    """For public GETs: the client behind an api_key, when one is given (it sees its own
    requests' ids as well); a key that is not valid is refused rather than ignored."""
    key = _param(request, "api_key")
    if not key:
        return None
    client = caches.client_for_key(key)
    if client is None:
        raise Open311Error(403, "api_key: This api_key is not valid.")
    check_rate_limit(client)
    return client


# ---------------------------------------------------------------------------------------
# Discovery and services


@api("GET", "HEAD")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:root"))
    changeset = "2026-11-23T00:00:00+00:00"
    document = {
        "changeset": changeset,
        "contact": "The partnership's integration team, through your partner's IT service desk.",
        "key_service": "Ask your partner's administrator for an api_key (one per client).",
        "endpoints": Items(
            "endpoint",
            [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base.rstrip("/"),
                    "changeset": changeset,
                    "type": "production",
                    "formats": Items("format", ["text/xml", "application/json"]),
                }
            ],
        ),
    }
    return render(fmt, "discovery", document)


def _keywords(service: Service) -> str | None:
    words = [w.strip() for w in service.keywords.split(",") if w.strip()]
    return ",".join(words) or None


def _service_dict(service: Service, has_attributes: bool) -> dict:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description or service.name,
        "metadata": has_attributes,
        "type": "realtime",
        "keywords": _keywords(service),
        "group": service.group or None,
        "groups": Items("group", [service.group] if service.group else []),
    }


@api("GET", "HEAD")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    partner = _jurisdiction(request)
    found = selectors.jurisdiction_services(partner).prefetch_related("attributes")
    items = [_service_dict(s, bool(s.attributes.all())) for s in found]
    return render(fmt, "services", Items("service", items))


def _attribute_dict(attribute) -> dict:
    data = {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": attribute.order,
        "description": attribute.description,
    }
    if attribute.automated:
        data["automated"] = attribute.automated
    data["values"] = Items(
        "value",
        [{"key": str(v.get("key", "")), "name": str(v.get("name", ""))} for v in attribute.values]
        if attribute.is_list
        else [],
    )
    return data


@api("GET", "HEAD")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    partner = _jurisdiction(request)
    service = selectors.jurisdiction_services(partner).filter(code=code).first()
    if service is None:
        raise Open311Error(404, f"service_code: No service {_short(code, 60)!r} here.")
    attributes = Items("attribute", [_attribute_dict(a) for a in service.attributes.all()])
    return render(
        fmt, "service_definition", {"service_code": service.code, "attributes": attributes}
    )


# ---------------------------------------------------------------------------------------
# Requests


def _notice(partner: Partner, due: dt.datetime | None) -> str:
    notice = f"Passed to {partner.name}."
    if due:
        notice += f" We aim to deal with it by {timezone.localtime(due):%-d %B %Y}."
    return notice


def _service_notice(sr: ServiceRequest) -> str:
    return _notice(sr.responsible_partner, sr.sla_due_at if sr.status != Status.CLOSED else None)


def _submission_answer(submission: Open311Submission) -> tuple[str, str]:
    """(service_request_id, service_notice) for an accepted report, processed or not."""
    sr = submission.service_request
    if sr is not None:
        return sr.formatted_reference, _service_notice(sr)
    assert submission.responsible_partner is not None
    notice = _notice(submission.responsible_partner, pending_due_at(submission))
    return format_reference(submission.reference), notice


def _photo_url(request: HttpRequest, photo: RequestPhoto) -> str:
    return request.build_absolute_uri(
        reverse("open311:photo", kwargs={"pk": photo.pk, "ext": photo.file.name.rsplit(".")[-1]})
    )


def _media_url(request: HttpRequest, sr: ServiceRequest) -> str | None:
    submissions = list(sr.open311_submissions.all())
    for submission in submissions:
        if submission.media_urls:
            return submission.media_urls[0]
    # Photos are published only for reports that came in through Open311 (FixMyStreet
    # shows them publicly anyway); photos sent through other channels stay private.
    photos = list(sr.photos.all()) if submissions else []
    return _photo_url(request, photos[0]) if photos else None


def _public_description(service: Service, description: str, public: bool) -> str:
    """The description where it was given for publication, else the service's name."""
    return (description if public else "")[:DESCRIPTION_OUT_MAX] or service.name


def _request_dict(
    request: HttpRequest, sr: ServiceRequest, client: Open311Client | None = None
) -> dict:
    """A public request as the public sees it (docs/access.md, "Public"): no name, email,
    phone, UPRN or house number; the place as precisely as its service allows."""
    notes = getattr(sr, "status_notes", None) or ""
    if sr.status == Status.CLOSED and sr.outcome:
        outcome = ClosureOutcome(sr.outcome).label
        notes = f"{outcome}. {notes}".strip() if notes else f"{outcome}."
    place = public_place(
        sr.service,
        address=sr.address,
        postcode=sr.postcode,
        latitude=sr.latitude,
        longitude=sr.longitude,
    )
    data = {
        "service_request_id": sr.formatted_reference,
        "status": selectors.open311_status(sr.status),
        "status_notes": notes or None,
        "service_name": sr.service.name,
        "service_code": sr.service.code,
        "description": _public_description(sr.service, sr.description, sr.description_public),
        "agency_responsible": sr.responsible_partner.name,
        "service_notice": _service_notice(sr),
        "requested_datetime": sr.created_at,
        "updated_datetime": sr.updated_at,
        "expected_datetime": sr.sla_due_at,
        "address": place.address,
        "address_id": None,  # a UPRN names one property
        "zipcode": place.zipcode,
        "lat": place.lat,
        "long": place.long,
        "media_url": _media_url(request, sr),
    }
    if client is not None:
        data["client_request_id"] = getattr(sr, "client_request_id", None)
    return data


def _pending_dict(submission: Open311Submission, client: Open311Client | None = None) -> dict:
    """An accepted report not yet raised, as a request: open, with what the public may see
    of what the client sent (a resident's own report: its description is public)."""
    data = submission.report
    service, partner = submission.service, submission.responsible_partner
    assert service is not None and partner is not None
    due = pending_due_at(submission)
    place = public_place(
        service,
        address=data.get("address") or "",
        postcode=data.get("postcode") or "",
        latitude=data.get("lat"),
        longitude=data.get("long"),
    )
    item = {
        "service_request_id": format_reference(submission.reference),
        "status": "open",
        "status_notes": None,
        "service_name": service.name,
        "service_code": service.code,
        "description": _public_description(
            service, data.get("description") or "", service.requests_public
        ),
        "agency_responsible": partner.name,
        "service_notice": _notice(partner, due),
        "requested_datetime": submission.created_at,
        "updated_datetime": submission.created_at,
        "expected_datetime": due,
        "address": place.address,
        "address_id": None,
        "zipcode": place.zipcode,
        "lat": place.lat,
        "long": place.long,
        "media_url": submission.media_urls[0] if submission.media_urls else None,
    }
    if client is not None:
        mine = submission.client_id == client.pk and submission.client_request_id
        item["client_request_id"] = submission.client_request_id if mine else None
    return item


def _parse_when(value: str, name: str, errors: list[str]) -> dt.datetime | None:
    value = value.strip()
    parsed = None
    if len(value) <= 40:
        try:
            parsed = parse_datetime(value)
        except (ValueError, OverflowError):
            parsed = None
        if parsed is None:
            try:
                day = parse_date(value)
            except (ValueError, OverflowError):
                day = None
            if day is not None:
                parsed = dt.datetime.combine(day, dt.time())
    if parsed is None:
        errors.append(f"{name}: Give a W3C date and time, e.g. 2026-11-23T14:30:00Z.")
        return None
    try:
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        errors.append(f"{name}: That date is out of range.")
        return None
    return parsed


def _date_window(request: HttpRequest, errors: list[str]) -> tuple[dt.datetime, dt.datetime]:
    """start_date and end_date: no more than 90 days apart; the last 90 days by default."""
    start_text, end_text = _param(request, "start_date"), _param(request, "end_date")
    start = _parse_when(start_text, "start_date", errors) if start_text else None
    end = _parse_when(end_text, "end_date", errors) if end_text else None
    span = dt.timedelta(days=MAX_DAYS)
    try:
        if start is None and end is None:
            end = timezone.now()
            start = end - span
        elif end is None:
            end = start + span
        elif start is None:
            start = end - span
    except OverflowError:
        errors.append("start_date: That date is out of range.")
        now = timezone.now()
        return now - span, now
    if end < start:
        errors.append("end_date: end_date must not be before start_date.")
    elif end - start > span:
        errors.append(f"end_date: start_date and end_date may be at most {MAX_DAYS} days apart.")
    return start, end


def _split(value: str, name: str, errors: list[str]) -> list[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    if len(items) > MAX_LIST_ITEMS:
        errors.append(f"{name}: Give at most {MAX_LIST_ITEMS} values.")
        return []
    return items


def _references(values: list[str]) -> list[str]:
    found = []
    for value in values:
        try:
            found.append(parse_reference(value[:30]))
        except ReferenceError:
            continue
    return found


@api("GET", "HEAD", "POST")
def requests_collection(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    partner = _jurisdiction(request)
    client = _optional_client(request)
    errors: list[str] = []
    found = selectors.requests_for_listing(partner, client)
    # Reports accepted but not yet raised are listed too (all open).
    pending = selectors.public_pending_reports(partner)
    ids = _param(request, "service_request_id")
    if ids:
        references = _references(_split(ids, "service_request_id", errors))
        found = found.filter(reference__in=references)
        pending = pending.filter(reference__in=references)
    else:
        codes = _split(_param(request, "service_code"), "service_code", errors)
        if codes:
            found = found.filter(service__code__in=codes)
            pending = pending.filter(service__code__in=codes)
        start, end = _date_window(request, errors)
        found = found.filter(created_at__gte=start, created_at__lte=end)
        pending = pending.filter(created_at__gte=start, created_at__lte=end)
        statuses = _split(_param(request, "status").lower(), "status", errors)
        if any(s not in {"open", "closed"} for s in statuses):
            errors.append("status: Give open, closed or both (comma-separated).")
        elif set(statuses) == {"open"}:
            found = found.exclude(status=Status.CLOSED)
        elif set(statuses) == {"closed"}:
            found = found.filter(status=Status.CLOSED)
            pending = pending.none()
    if errors:
        raise Open311Error(400, errors)
    # Pending first: one raised between the two reads is then listed (once) as raised.
    waiting = list(pending.order_by("-created_at", "-pk")[:MAX_RESULTS])
    raised = list(found.order_by("-created_at", "-pk")[:MAX_RESULTS])
    references = {sr.reference for sr in raised}
    rows = [(sr.created_at, _request_dict(request, sr, client)) for sr in raised]
    rows += [
        (s.created_at, _pending_dict(s, client)) for s in waiting if s.reference not in references
    ]
    rows.sort(key=lambda row: row[0], reverse=True)
    return render(fmt, "service_requests", Items("request", [row for _, row in rows[:MAX_RESULTS]]))


@api("GET", "HEAD")
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    partner = _jurisdiction(request)
    client = _optional_client(request)
    references = _references([service_request_id])
    if references:
        found = selectors.requests_for_listing(partner, client)
        sr = found.filter(reference=references[0]).first()
        if sr is not None:
            item = _request_dict(request, sr, client)
            return render(fmt, "service_requests", Items("request", [item]))
        waiting = selectors.public_pending_reports(partner).filter(reference=references[0])
        if (submission := waiting.first()) is not None:
            item = _pending_dict(submission, client)
            return render(fmt, "service_requests", Items("request", [item]))
    raise Open311Error(404, f"service_request_id: No request {_short(service_request_id)!r}.")


@api("GET", "HEAD")
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """A report gets its service_request_id when it is accepted, so a token is simply the
    service_request_id."""
    partner = _jurisdiction(request)
    references = _references([token])
    found = references and (
        selectors.public_requests(partner).filter(reference=references[0]).exists()
        or selectors.public_pending_reports(partner).filter(reference=references[0]).exists()
    )
    if not found:
        raise Open311Error(404, f"token: No request for token {_short(token)!r}.")
    item = {"service_request_id": format_reference(references[0]), "token": token}
    return render(fmt, "service_requests", Items("request", [item]))


def _attribute_answers(request: HttpRequest) -> tuple[dict[str, list[str]], list[str]]:
    """attribute[code]=v, repeated, and attribute[code][]=v: a list of values per code."""
    answers: dict[str, list[str]] = {}
    errors: list[str] = []
    for key, values in request.POST.lists():
        match = _ATTRIBUTE.match(key)
        if not match:
            continue
        answers.setdefault(match.group(1), []).extend(values)
    for code, values in answers.items():
        if len(values) > 100 or any(len(v) > 10_000 for v in values):
            errors.append(f"attribute[{_short(code, 60)}]: Too many or too long values.")
    return answers, errors


def _photos(request: HttpRequest, errors: list[str]) -> list[tuple]:
    """photo1..n (multipart), each a JPEG, PNG, GIF or WebP by its content, 10 MB at most:
    re-encoded without metadata (servicerequests.photos)."""
    keys = sorted(
        (k for k in request.FILES if re.fullmatch(r"photo\d{0,3}", k)),
        key=lambda k: (len(k), k),
    )
    files = [(k, f) for k in keys for f in request.FILES.getlist(k)]
    if len(files) > MAX_PHOTOS:
        errors.append(f"photo: Send at most {MAX_PHOTOS} photos.")
        return []
    checked = []
    for key, upload in files:
        try:
            checked.append(clean_photo(upload, field=key))
        except ValidationError as exc:
            errors.extend(_field_errors(exc))
    return checked


def _media_urls(values: list[str]) -> tuple[list[str], list[str]]:
    """(the web addresses kept, notes on those dropped). A bad media_url never costs the
    report (a client would resend it for ever): it is dropped, with a note for the officer."""
    kept: list[str] = []
    dropped: list[str] = []
    for url in (v.strip() for v in values):
        if not url:
            continue
        try:
            if len(url) > 2000:
                raise ValidationError("too long")
            _validate_url(url)
        except ValidationError:
            dropped.append(f"media_url {_short(url, 200)!r} is not a web address")
            continue
        if len(kept) == MAX_MEDIA_URLS:
            dropped.append(f"media_url {_short(url, 200)!r}: more than {MAX_MEDIA_URLS} given")
            continue
        kept.append(url)
    return kept, dropped


def _clean_answers(
    service: Service, answers: dict[str, list[str]], errors: list[str]
) -> dict[str, list[str]]:
    """Answers to the service's own attributes (others are ignored), checked by datatype."""
    attributes = list(service.attributes.all())
    declared = {a.code: a for a in attributes}
    kept = {code: values for code, values in answers.items() if code in declared}
    for code, values in kept.items():
        if declared[code].datatype == Datatype.NUMBER:
            numbers = [v.strip() for v in values if v.strip()]
            if any(not _NUMBER.match(v) for v in numbers):
                errors.append(f"attribute[{code}]: Enter a number.")
                kept[code] = []
    try:
        validate_answers(attributes, kept, ignore_unknown=True)
    except ValidationError as exc:
        errors.extend(_field_errors(exc))
    return kept


def _first(values: list[str] | None) -> str:
    return next((v.strip() for v in values or [] if v.strip()), "")


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    client, partner = _authenticate(request)
    errors: list[str] = []
    text = {
        name: _param(request, name)
        for name in (
            "service_code",
            "lat",
            "long",
            "address_string",
            "address_id",
            "email",
            "device_id",
            "account_id",
            "first_name",
            "last_name",
            "phone",
            "client_request_id",
        )
    }
    description = (request.POST.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors.append(f"description: Keep the description to {DESCRIPTION_MAX:,} characters.")

    service = None
    if not text["service_code"]:
        errors.append("service_code: Give the service_code.")
    else:
        service = caches.public_service(text["service_code"])
        if service is None:
            errors.append(f"service_code: No service {_short(text['service_code'])!r}.")
        elif not (service.open311_reportable and service.requests_public):
            # Applications, care, benefits and the like are asked for on the resident site
            # or by phone, never published as reports.
            errors.append(
                f"service_code: {service.name!r} cannot be reported through Open311; "
                "see services.xml for what can."
            )
            service = None

    answers, attribute_errors = _attribute_answers(request)
    errors += attribute_errors
    client_request_id = _first(answers.get("fixmystreet_id")) or text["client_request_id"]
    if not client_request_id:
        client_request_id = (request.headers.get("Idempotency-Key") or "").strip()
    if len(client_request_id) > ID_MAX:
        errors.append(f"attribute[fixmystreet_id]: Keep ids to {ID_MAX} characters.")
    cleaned_answers = _clean_answers(service, answers, errors) if service else {}

    # Location: lat+long, address_string or address_id (a UPRN); attributes a service
    # declares (uprn, closest_address) fill the gaps.
    address = text["address_string"] or _first(cleaned_answers.get("closest_address"))
    uprn = text["address_id"] or _first(cleaned_answers.get("uprn"))
    if not (text["lat"] or text["long"] or text["address_string"] or text["address_id"]):
        errors.append("lat: Give lat and long, address_string or address_id.")
    elif bool(text["lat"]) != bool(text["long"]):
        errors.append("lat: Give both lat and long.")
    elif len(text["lat"]) > 40 or len(text["long"]) > 40:
        errors.append("lat: Give lat and long as decimal degrees.")
        text["lat"] = text["long"] = ""
    if uprn and not _UPRN.match(uprn):
        if text["address_id"]:
            errors.append("address_id: Give the address's UPRN (up to 12 digits).")
        uprn = ""
    postcode_match = _POSTCODE_IN_TEXT.search(address[:300]) if address else None
    location = None
    try:
        location = clean_location(
            latitude=text["lat"] or None,
            longitude=text["long"] or None,
            postcode=" ".join(postcode_match.groups()) if postcode_match else "",
            uprn=uprn,
            address=address,
        )
    except ValidationError as exc:
        errors.extend(
            f"{'address_string' if f == 'address' else 'address_id' if f == 'uprn' else f}: "
            + " ".join(m)
            for f, m in exc.message_dict.items()
        )

    email = phone = ""
    if text["email"]:
        try:
            if len(text["email"]) > EMAIL_MAX:
                raise ValueError
            email = clean_email(text["email"])
        except ValueError:
            errors.append("email: Give a valid email address.")
    if text["phone"] and len(text["phone"]) <= 40:
        try:
            phone = clean_phone(text["phone"])
        except ValueError:
            phone = ""  # free text from a form: kept out of the record rather than refused
    for name in ("first_name", "last_name"):
        if len(text[name]) > NAME_MAX:
            errors.append(f"{name}: Keep names to {NAME_MAX} characters.")
    for name in ("account_id", "device_id"):
        if len(text[name]) > 200:
            errors.append(f"{name}: Keep it to 200 characters.")
    media_urls, dropped_media = _media_urls(request.POST.getlist("media_url"))
    photos = _photos(request, errors)
    delivery = None
    if not errors:
        assert service is not None and location is not None
        # Routed now against the cached areas, so a place outside them is refused at once;
        # the task routes it again when it raises the request.
        try:
            delivery = resolve_delivery(service, location)
        except ValidationError as exc:
            errors.extend(_field_errors(exc))
    if errors:
        raise Open311Error(400, errors)
    assert service is not None and location is not None and delivery is not None

    report = Report(
        service=service,
        location=location,
        description=description,
        attributes=cleaned_answers,
        email=email,
        phone=phone,
        first_name=text["first_name"],
        last_name=text["last_name"],
        account_id=text["account_id"],
        device_id=text["device_id"],
        media_urls=media_urls,
        dropped_media=dropped_media,
        photos=photos,
        client_request_id=client_request_id,
    )
    submission, created = accept_report(
        client=client, report=report, responsible_partner=delivery.partner
    )
    if not created and submission.service_id != service.pk:
        # FixMyStreet's "change category and resend": the same report in another category.
        try:
            submission = recategorise_report(
                submission=submission, service=service, attributes=cleaned_answers
            )
        except ValidationError as exc:
            raise Open311Error(400, _field_errors(exc)) from exc
    reference, notice = _submission_answer(submission)
    item = {
        "service_request_id": reference,
        "service_notice": notice,
        "account_id": text["account_id"] or None,
    }
    return render(fmt, "service_requests", Items("request", [item]))


# ---------------------------------------------------------------------------------------
# Updates


@api("GET", "HEAD", "POST")
def service_request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    client, partner = _authenticate(request)
    if request.method == "POST":
        return _post_update(request, fmt, client, partner)
    errors: list[str] = []
    start, end = _date_window(request, errors)
    if errors:
        raise Open311Error(400, errors)
    updates = selectors.public_updates(partner, client).filter(
        created_at__gte=start, created_at__lte=end
    )
    items = [
        {
            "update_id": str(u.pk),
            "service_request_id": u.request.formatted_reference,
            "status": selectors.extended_status(u, partner),
            "updated_datetime": u.created_at,
            "description": u.text,
            "media_url": None,
            "external_status_code": selectors.external_status_code(u),
            "fixmystreet_id": u.client_request_id,
        }
        for u in updates[:MAX_RESULTS]
    ]
    return render(fmt, "service_request_updates", Items("request_update", items))


def _post_update(
    request: HttpRequest, fmt: str, client: Open311Client, partner: Partner
) -> HttpResponse:
    errors: list[str] = []
    text = {
        name: _param(request, name)
        for name in (
            "service_request_id",
            "update_id",
            "status",
            "updated_datetime",
            "email",
            "first_name",
            "last_name",
        )
    }
    description = (request.POST.get("description") or "").strip()
    if not text["service_request_id"]:
        errors.append("service_request_id: Give the service_request_id.")
    if len(text["update_id"]) > ID_MAX:
        errors.append(f"update_id: Keep ids to {ID_MAX} characters.")
    status = text["status"].upper()
    if len(status) > 40 or not re.fullmatch(r"[A-Z_ ]*", status):
        errors.append("status: Give a status such as OPEN or CLOSED.")
        status = ""
    if text["updated_datetime"]:
        _parse_when(text["updated_datetime"], "updated_datetime", errors)
    if text["email"]:
        try:
            if len(text["email"]) > EMAIL_MAX:
                raise ValueError
            clean_email(text["email"])
        except ValueError:
            errors.append("email: Give a valid email address.")
    for name in ("first_name", "last_name"):
        if len(text[name]) > NAME_MAX:
            errors.append(f"{name}: Keep names to {NAME_MAX} characters.")
    if len(description) > DESCRIPTION_MAX - 500:
        errors.append(f"description: Keep the update to {DESCRIPTION_MAX - 500:,} characters.")
    media_urls, dropped_media = _media_urls(request.POST.getlist("media_url"))
    if not (description or status or media_urls):
        errors.append("description: Give the update's description.")
    if errors:
        raise Open311Error(400, errors)
    references = _references([text["service_request_id"]])
    sr = None
    if references:
        waiting = selectors.pending_reports(partner).filter(reference=references[0]).first()
        if waiting is not None:
            # Accepted but not yet raised: raise it now, so the update has a request.
            process_report(waiting.pk)
        sr = selectors.requests_in_scope(partner).filter(reference=references[0]).first()
    if sr is None:
        raise Open311Error(
            404, f"service_request_id: No request {_short(text['service_request_id'])!r}."
        )
    author = " ".join(p for p in (text["first_name"], text["last_name"]) if p)
    if text["email"]:
        author = f"{author} <{text['email']}>".strip()
    try:
        update, _created = submit_update(
            client=client,
            request=sr,
            client_update_id=text["update_id"],
            description=description,
            status=status,
            author_name=author,
            media_urls=media_urls,
            dropped_media=dropped_media,
        )
    except ValidationError as exc:
        raise Open311Error(400, _field_errors(exc)) from exc
    item = {"update_id": str(update.pk)}
    return render(fmt, "service_request_updates", Items("request_update", [item]))


# ---------------------------------------------------------------------------------------
# Photos and anything else


def photo(request: HttpRequest, pk: int, ext: str) -> HttpResponse:
    """A photo sent with an Open311 report (the media_url given for it)."""
    record = (
        RequestPhoto.objects.filter(
            pk=pk,
            request__open311_submissions__isnull=False,
            request__service__requests_public=True,
        )
        .distinct()
        .first()
    )
    if record is None or not record.file.name.endswith(f".{ext}"):
        return render_errors("xml", 404, ["No such photo."])
    try:
        handle = default_storage.open(record.file.name, "rb")
    except OSError:
        return render_errors("xml", 404, ["No such photo."])
    response = FileResponse(handle, content_type=record.content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = "json" if request.path.endswith(".json") else "xml"
    return render_errors(fmt, 404, ["No such resource. See discovery.xml."])
