"""The leak matrix: every page (docs/access.md's "Pages") × every demo login × objects held by
every partner, each answer compared with what the oracle allows."""

from __future__ import annotations

import html
import itertools
import logging
import random
import re
import time
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from firstcontact.customers.contact_points import format_phone
from firstcontact.customers.models import Customer
from firstcontact.desk.customer_forms import CustomerEditForm
from firstcontact.lifeevents.models import BundleItem
from firstcontact.open311.models import Open311Submission
from firstcontact.partners.models import Membership, Partner
from firstcontact.servicerequests.models import (
    Complaint,
    Referral,
    ServiceRequest,
    Status,
)
from tests.access.oracle import REQUEST_ACTIONS, Oracle
from tests.access.pages import Page, Rule
from tests.access.world import World

NO_TOKEN = "no-such-token"
WORK_ACTIONS = [a for a in REQUEST_ACTIONS if a != "bulk_assign"]


@dataclass
class Finding:
    page: str
    method: str
    url: str
    user: str
    obj: str
    expected: str
    got: str
    shown: str = ""

    def __str__(self) -> str:
        extra = f" showing {self.shown}" if self.shown else ""
        return (
            f"{self.method} {self.url} as {self.user} ({self.obj}): "
            f"expected {self.expected}, got {self.got}{extra}"
        )


@dataclass
class Result:
    cases: int = 0
    leaks: list[Finding] = field(default_factory=list)
    over_denied: list[Finding] = field(default_factory=list)
    wrong: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    actions_done: dict[str, int] = field(default_factory=dict)
    actions_allowed: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


# --- the objects a parameter can name ------------------------------------------------------


def _label(obj) -> str:
    name = type(obj).__name__
    if isinstance(obj, ServiceRequest):
        return f"request {obj.reference} of {obj.responsible_partner.slug}"
    if isinstance(obj, Customer):
        return f"customer {obj.pk} of {obj.partner.slug}"
    if isinstance(obj, Referral):
        return (
            f"referral {obj.pk} ({obj.state}) of {obj.request.reference} "
            f"from {obj.from_partner.slug} to {obj.to_partner.slug}"
        )
    partner = getattr(obj, "partner", None)
    if partner is not None:
        return f"{name.lower()} {obj.pk} of {partner.slug}"
    if hasattr(obj, "service_request") and obj.service_request:
        return f"{name.lower()} {obj.pk} of {obj.service_request.responsible_partner.slug}"
    if hasattr(obj, "request"):
        return f"{name.lower()} {obj.pk} of {obj.request.responsible_partner.slug}"
    if hasattr(obj, "bundle"):
        return f"bundle {obj.bundle.reference}"
    return f"{name.lower()} {getattr(obj, 'pk', obj)}"


def objects_of(kind: str, world: World) -> list:
    return {
        "customer": world.customers,
        "request": world.requests,
        "callback": world.callbacks,
        "notification": world.notifications,
        "photo": world.photos,
        "referral": world.referrals,
        "bundle": world.bundles,
        "service": world.services,
        "token": [*world.tokens, NO_TOKEN],
        "conversation": world.conversations,
        "attachment": world.attachments,
        "file": world.files,
        "pair": world.pairs,
        "merge": world.merges,
    }[kind]


# Kinds whose pages name the object by its id alone.
BY_PK = {"callback", "notification", "conversation", "attachment", "file", "pair", "merge"}


def object_kwargs(kind: str, obj, params: tuple[str, ...]) -> dict:
    """The URL's object parameters for `obj`."""
    values: dict[str, object] = {}
    if kind == "customer":
        consent = obj.consents.order_by("pk").first()
        values = {"pk": obj.pk, "consent": consent.pk if consent else 999999}
    elif kind == "request":
        values = {"reference": obj.reference, "service_request_id": obj.reference}
        values["token"] = obj.reference
    elif kind in BY_PK:
        values = {"pk": obj.pk}
    elif kind == "photo":
        values = {"pk": obj.pk, "ext": obj.extension}
    elif kind == "referral":
        values = {"pk": obj.pk, "reference": obj.request.reference}
    elif kind == "bundle":
        values = {"reference": obj.bundle.reference}
    elif kind == "service":
        values = {"code": obj.code}
    elif kind == "token":
        values = {"token": obj}
    return {k: v for k, v in values.items() if k in params}


def other_params(page: Page, world: World, bound: set[str]) -> list[dict]:
    """Values for the parameters that do not name an object (each combination tried)."""
    choices: dict[str, list] = {}
    for param in page.params:
        if param in bound:
            continue
        if param == "fmt":
            choices[param] = ["json"]
        elif param == "action":
            choices[param] = WORK_ACTIONS
        elif param == "code":
            choices[param] = [world.services[0].code]
        elif param in {"step", "slug"}:
            choices[param] = ["start"]
        elif param == "app_label":
            match = re.search(r"\(\?P<app_label>([^)|]+)", page.route)
            choices[param] = [match.group(1) if match else "partners"]
        elif param in {"object_id", "id"}:
            choices[param] = [_admin_object_id(page.route)]
        elif param in {"content_type_id", "token", "reference", "pk", "url", "rest", "place"}:
            # Not an object in the table: something that names nothing.
            choices[param] = {"pk": [999999]}.get(param, ["nothing-here"])
        else:
            raise AssertionError(
                f"The leak matrix does not know how to fill the parameter {param!r} of "
                f"{page.key} ({page.route}): give the page an object kind in docs/access.md's "
                "Pages table, or teach tests/access/matrix.py's other_params about it."
            )
    keys = list(choices)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*choices.values())]


def _admin_object_id(route: str) -> str:
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    if match:
        try:
            model = apps.get_model(match.group(1), match.group(2))
        except LookupError:
            return "1"
        # The latest: the world's own records (made after the demo's) where it makes any.
        latest = model._default_manager.order_by("-pk").first()
        if latest is not None:
            return str(latest.pk)
    return "1"


def build_url(page: Page, kwargs: dict) -> str:
    if page.name:
        return reverse(page.name, kwargs=kwargs)
    path = page.route
    for name, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
        path = re.sub(rf"\(\?P<{name}>[^()]*\)", str(value), path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\.", ".")


# --- what may be shown to whom -------------------------------------------------------------


def _phones(customer) -> set[str]:
    out = set()
    for phone in customer.phones.all():
        out |= {phone.number, format_phone(phone.number)}
        if phone.number.startswith("+44"):
            out.add("0" + phone.number[3:])
    return out


def _customer_strings(customer) -> set[str]:
    strings = set()
    if customer.kind == "person" and customer.given_name and customer.family_name:
        strings.add(f"{customer.given_name} {customer.family_name}")
    elif customer.organisation_name:
        strings.add(customer.organisation_name)
    strings |= _phones(customer)
    strings |= {e.address for e in customer.emails.all()}
    return strings


def is_public_request(sr) -> bool:
    """A request of a service whose requests are public, not raised in a tell-us-once bundle
    (docs/access.md, "Public")."""
    if not (getattr(sr.service, "requests_public", False) and sr.service.active):
        return False
    if sr.pk not in _BUNDLED:
        _BUNDLED[sr.pk] = BundleItem.objects.filter(request_id=sr.pk).exists()
    return not _BUNDLED[sr.pk]


_BUNDLED: dict[int, bool] = {}  # emptied at the start of each run


class Scanner:
    """Per user, the strings of records they may not read (and no record they may)."""

    def __init__(self, world: World, oracle: Oracle) -> None:
        self.world = world
        self.oracle = oracle
        self.all_customers = list(Customer.objects.prefetch_related("phones", "emails"))
        User = get_user_model()
        self.public = {
            f"{u.first_name} {u.last_name}" for u in User.objects.all() if u.last_name
        } | set(Partner.objects.values_list("name", flat=True))
        self._cache: dict[object, re.Pattern | None] = {}
        # Open311 clients' own ids for reports: (client, its id, the request).
        self.client_ids = [
            (s.client_id, s.client_request_id, s.service_request)
            for s in Open311Submission.objects.filter(
                client_request_id__startswith="leak-"
            ).select_related("service_request")
        ]

    def pattern(self, user, client_pk: int | None = None) -> re.Pattern | None:
        key = (user.pk if user.is_authenticated else None, client_pk)
        if key in self._cache:
            return self._cache[key]
        world, oracle = self.world, self.oracle
        hidden: dict[str, str] = {}
        shown: set[str] = set(self.public)
        for customer in self.all_customers:
            strings = _customer_strings(customer)
            if user.is_authenticated and oracle.can_read_customer(user, customer):
                shown |= strings
            elif customer in world.customers:
                hidden.update(
                    {s: f"customer {customer.pk} of {customer.partner.slug}" for s in strings}
                )
        for sr in world.requests:
            refs = {sr.reference, sr.formatted_reference}
            readable = oracle.can_read_request(user, sr) if user.is_authenticated else False
            if readable or is_public_request(sr):
                shown |= refs
            else:
                hidden.update({r: _label(sr) for r in refs})
        for callback in world.callbacks:
            if not (user.is_authenticated and oracle.can_read_callback(user, callback)):
                hidden[callback.reason] = _label(callback)
                hidden[callback.phone] = _label(callback)
        for notification in world.notifications:
            if not (user.is_authenticated and oracle.can_read_notification(user, notification)):
                hidden[notification.subject] = _label(notification)
                hidden[notification.recipient] = _label(notification)
        for referral in world.referrals:
            if not (user.is_authenticated and oracle.can_read_referral(user, referral)):
                hidden[referral.reason] = _label(referral)
        for conversation in world.conversations:
            if not (user.is_authenticated and oracle.can_read_conversation(user, conversation)):
                hidden[conversation.subject] = _label(conversation)
                hidden[conversation.sender] = _label(conversation)
        for sr in world.requests:
            # Internal notes: own, hub and referred readers only (not `shared` ones).
            note = world.internal_notes.get(sr.pk)
            if note and not (user.is_authenticated and oracle.can_read_internal(user, sr)):
                hidden[note] = f"internal note on {_label(sr)}"
            public = world.public_updates.get(sr.pk)
            readable = user.is_authenticated and oracle.can_read_request(user, sr)
            if public and not (readable or is_public_request(sr)):
                hidden[public] = f"public update on {_label(sr)}"
        for client_id, text, sr in self.client_ids:
            # A client sees its own ids; staff who read the request may see them too.
            mine = client_pk is not None and client_id == client_pk
            readable = (
                user.is_authenticated and sr is not None and oracle.can_read_request(user, sr)
            )
            if not (mine or readable):
                hidden[text] = f"Open311 client {client_id}'s id"
        for text in shown:
            hidden.pop(text, None)
        self._labels = getattr(self, "_labels", {})
        self._labels[key] = hidden
        if not hidden:
            self._cache[key] = None
            return None
        alternatives = set()
        for text in hidden:
            for variant in {text, html.escape(text)}:
                alternatives.add(r"\s+".join(re.escape(w) for w in variant.split()))
        compiled = re.compile(
            r"(?<![\w@+])(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + r")(?!\w)"
        )
        self._cache[key] = compiled
        return compiled

    def find(
        self, user, body: str, exclude: set[str] = frozenset(), client_pk: int | None = None
    ) -> str:
        pattern = self.pattern(user, client_pk)
        if pattern is None or not body:
            return ""
        for match in pattern.finditer(body):
            text = " ".join(html.unescape(match.group(0)).split())
            if text not in exclude:
                break
        else:
            return ""
        label = self._labels[(user.pk if user.is_authenticated else None, client_pk)].get(text, "")
        return f"{text!r} ({label})" if label else repr(text)


# --- what changed --------------------------------------------------------------------------


def snapshot(kind: str, obj) -> tuple:
    if kind in {"request", "referral"}:
        sr = obj.request if kind == "referral" else obj
        row = ServiceRequest.objects.filter(pk=sr.pk).values_list(
            "status", "version", "assignee_id", "team_id", "responsible_partner_id"
        )
        return (
            tuple(row),
            sr.updates.count(),
            tuple(Referral.objects.filter(request=sr).values_list("pk", "state").order_by("pk")),
            tuple(Complaint.objects.filter(request=sr).values_list("stage", "stage1_decision")),
        )
    model = type(obj)
    if kind == "conversation":
        fields = ["status", "assignee_id", "customer_id", "service_request_id", "resolved_at"]
        return (
            tuple(type(obj).objects.filter(pk=obj.pk).values_list(*fields)),
            obj.messages.count(),
        )
    if kind == "customer":
        return (
            obj.callbacks.count(),
            obj.consents.count(),
            obj.changes.count(),
            obj.contacts.count() if hasattr(obj, "contacts") else 0,
        )
    fields = [f.attname for f in model._meta.concrete_fields]
    return tuple(model.objects.filter(pk=obj.pk).values_list(*fields))


def _staff_of(partner_id: int):
    membership = (
        Membership.objects.filter(partner_id=partner_id, role="caseworker")
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def prepare_and_payload(page: Page, kind: str | None, obj, kwargs: dict) -> dict | None:
    """Put the object in a state where the POST would be accepted from someone allowed, and
    the data it takes; None when the page takes no data the test knows (it is POSTed empty)."""
    key = page.key
    if key == "desk:work_action":
        sr = ServiceRequest.objects.get(pk=obj.pk)
        action = kwargs["action"]
        if action == "resume":
            ServiceRequest.objects.filter(pk=sr.pk).update(
                status=Status.ON_HOLD, on_hold_since=timezone.now()
            )
        elif action in {"acknowledge", "start", "hold", "close", "assign", "refer"}:
            ServiceRequest.objects.filter(pk=sr.pk).update(status=Status.OPEN, on_hold_since=None)
        if action.startswith("complaint") and not Complaint.objects.filter(request=sr).exists():
            return None
        if action in {"withdraw_referral", "referral_feedback"}:
            # One of the request's referrals, open (to withdraw) or answered and not yet passed
            # on to the resident (to tell them); rolled back with the rest of the case.
            referral = Referral.objects.filter(request=sr).order_by("pk").first()
            if referral is None:
                return None
            if action == "withdraw_referral":
                Referral.objects.filter(pk=referral.pk).update(state="sent", answered_at=None)
            else:
                Referral.objects.filter(pk=referral.pk).update(
                    state="completed", answered_at=timezone.now(), feedback_at=None
                )
        sr.refresh_from_db()
        version = sr.version
        prefix = action
        data = {f"{prefix}-version": str(version)}
        if action in {"note", "public"}:
            data[f"{prefix}-text"] = "Leak matrix text"
        elif action == "assign":
            staff = _staff_of(sr.responsible_partner_id)
            data["assign-assignee"] = str(staff.pk) if staff else ""
        elif action in {"acknowledge", "start", "hold", "resume"}:
            data[f"{prefix}-text"] = "Leak matrix"
        elif action == "close":
            data.update({"close-outcome": "fixed", "close-text": "Leak matrix closed"})
        elif action == "refer":
            # A partner the request has no open referral to (a second one is refused).
            target = (
                Partner.objects.exclude(pk=sr.responsible_partner_id)
                .exclude(
                    pk__in=Referral.objects.filter(
                        request=sr, state__in=["sent", "accepted"]
                    ).values("to_partner")
                )
                .order_by("pk")
                .first()
            )
            data.update(
                {
                    "refer-to": f"p{target.pk}",
                    "refer-reason": "Leak matrix referral",
                    "refer-consent_given": "on",
                }
            )
        elif action == "complaint_respond":
            data.update(
                {
                    "complaint_respond-decision": "upheld",
                    "complaint_respond-letter": "Dear resident, leak matrix.",
                }
            )
        elif action == "complaint_escalate":
            data["complaint_escalate-reason"] = "Leak matrix: not satisfied"
        elif action == "withdraw_referral":
            data.update({f"{prefix}-referral": str(referral.pk), f"{prefix}-reason": "Leak matrix"})
        elif action == "referral_feedback":
            data.update({f"{prefix}-referral": str(referral.pk), f"{prefix}-text": "Leak matrix"})
        elif action == "attach":
            data["attach-file"] = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%leak matrix")
        return data
    if key == "desk:work_assign":
        sr = ServiceRequest.objects.get(pk=obj.pk)
        staff = _staff_of(sr.responsible_partner_id)
        ServiceRequest.objects.filter(pk=sr.pk).update(
            status=Status.OPEN, assignee=staff, on_hold_since=None
        )
        sr.refresh_from_db()
        return {"requests": f"{sr.pk}:{sr.version}", "assignee": "none"}
    if key == "desk:work_referral":
        # An open referral is sent (accepting it is allowed); a declined one can take nothing.
        return {f"referral{obj.pk}-state": "accepted", f"referral{obj.pk}-outcome": "Leak"}
    if key == "desk:work_notification_retry":
        return {}
    if key == "desk:callback":
        return {"result": "spoke", "notes": "Leak matrix"}
    if key == "desk:customer_edit":
        data = CustomerEditForm.post_data_for(Customer.objects.get(pk=obj.pk))
        return {**data, "accessibility_needs": "Leak matrix: large print"}
    if key == "steward:decide":
        type(obj).objects.filter(pk=obj.pk).update(status="pending", decided_at=None)
        return {"decision": "not_same"}
    if key == "steward:undo":
        type(obj).objects.filter(pk=obj.pk).update(undone_at=None, merged_at=timezone.now())
        return {}
    if key == "desk:consent_new":
        return {"purpose": "surveys", "channel": "phone", "step": "confirm", "agreed": "on"}
    if key.startswith("inbox:") and kind == "conversation":
        type(obj).objects.filter(pk=obj.pk).update(
            status="unassigned", assignee=None, resolved_at=None, customer=None
        )
        customer = Customer.objects.filter(partner_id=obj.partner_id).order_by("pk").first()
        return {
            "inbox:claim": {},
            "inbox:reply": {"text": "Leak matrix reply"},
            "inbox:note": {"note": "Leak matrix note"},
            "inbox:resolve": {"outcome": "resolved"},
            "inbox:link": {"customer": str(customer.pk) if customer else ""},
        }.get(key)
    return None


# --- the run -------------------------------------------------------------------------------


@dataclass
class Subject:
    name: str
    user: object
    client: Client
    # An Open311 client holding a key (an anonymous visitor otherwise): tried on Open311
    # pages only, with its api_key added to the query.
    api_key: str = ""
    open311_client: int | None = None


OPEN311_CLIENTS = 3


def make_subjects(world: World) -> list[Subject]:
    subjects = [Subject("anonymous", AnonymousUser(), Client(raise_request_exception=False))]
    for name, user in world.users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        subjects.append(Subject(name, user, client))
    for open311_client, key in world.open311_clients[:OPEN311_CLIENTS]:
        subjects.append(
            Subject(
                f"Open311 client of {open311_client.partner.slug}",
                AnonymousUser(),
                Client(raise_request_exception=False),
                api_key=key,
                open311_client=open311_client.pk,
            )
        )
    return subjects


def _expand_query(query: str, kind: str | None, obj, world: World) -> list[str]:
    if not query:
        return [""]
    if "{partner}" in query:
        holder = _holder_slug(kind, obj)
        slugs = [holder] if holder else [p.slug for p in world.partners]
        return [query.replace("{partner}", s) for s in slugs]
    if "{customer}" in query:
        return [
            query.replace("{customer}", c.family_name or c.organisation_name)
            for c in world.customers
        ]
    if "{request}" in query:
        return [query.replace("{request}", r.reference) for r in world.requests]
    return [query]


def _holder_slug(kind, obj) -> str | None:
    if obj is None:
        return None
    if kind == "request":
        return obj.responsible_partner.slug
    if kind in {"photo", "file"}:
        return obj.request.responsible_partner.slug
    return None


def expected(rule: Rule, subject: Subject, kind, obj, kwargs, oracle: Oracle) -> tuple[bool, str]:
    """(allowed, what the policy answers)."""
    user = subject.user
    if rule.who != "anyone" and not user.is_authenticated:
        return False, "sign-in"
    if rule.who == "staff" and not oracle.roles(user):
        return False, "403"
    if rule.roles is not None and not (oracle.roles(user) & rule.roles):
        return False, "403"
    if kind == "token" and obj == NO_TOKEN:
        return False, rule.otherwise or "404"
    if rule.needs is None or obj is None:
        return True, "shown"
    otherwise = rule.otherwise or "404"
    if rule.needs == "public":
        sr = obj.request if kind == "photo" else obj
        return (True, "shown") if is_public_request(sr) else (False, otherwise)
    if rule.needs == "browser":
        return False, otherwise
    if not user.is_authenticated:
        return False, otherwise
    if rule.needs == "dpo":
        holder = _holder_id(kind, obj)
        return (True, "shown") if oracle.is_dpo_for(user, holder) else (False, otherwise)
    readable = _readable(kind, obj, user, oracle)
    if rule.needs == "read":
        return (True, "shown") if readable else (False, "404")
    # act
    if not readable:
        return False, "404"
    if kind == "referral":
        ok = oracle.can_respond_to_referral(user, obj)
    elif kind == "conversation":
        ok = oracle.can_act_on_conversation(user, obj)
    elif kind == "customer":
        ok = oracle.can_edit_customer(user, obj)
    elif kind in {"pair", "merge"}:
        ok = True  # the stewards who may see it may decide it or undo it
    else:
        action = kwargs.get("action") or ("bulk_assign" if rule.page.endswith("assign") else "")
        ok = oracle.can_act_on_request(user, obj, action)
    return (True, "done") if ok else (False, otherwise)


def _holder_id(kind, obj) -> int | None:
    if kind == "customer":
        return obj.partner_id
    if kind == "request":
        return obj.responsible_partner_id
    if kind in {"photo", "file"}:
        return obj.request.responsible_partner_id
    if kind in {"callback"}:
        return obj.partner_id
    return None


def _readable(kind, obj, user, oracle: Oracle) -> bool:
    if kind == "customer":
        return oracle.can_read_customer(user, obj)
    if kind == "request":
        return oracle.can_read_request(user, obj)
    if kind == "callback":
        return oracle.can_read_callback(user, obj)
    if kind == "notification":
        return oracle.can_read_notification(user, obj)
    if kind in {"photo", "file"}:
        return oracle.can_read_photo(user, obj)
    if kind == "referral":
        return oracle.can_read_referral(user, obj)
    if kind == "bundle":
        return oracle.can_read_bundle(user, obj.requests)
    if kind == "conversation":
        return oracle.can_read_conversation(user, obj)
    if kind == "attachment":
        return oracle.can_read_conversation(user, obj.message.conversation)
    if kind == "pair":
        return oracle.can_review_pair(user, obj)
    if kind == "merge":
        return oracle.can_see_merge(user, obj)
    return True


def _answer(response) -> str:
    code = response.status_code
    if 200 <= code < 300:
        return "shown"
    if code in {301, 302, 303, 307, 308}:
        location = response.get("Location", "")
        if "/login/" in location:
            return "sign-in"
        return "redirect"
    return str(code)


def run_matrix(pages: list[tuple[Page, Rule]], world: World, result: Result) -> Result:
    # Thousands of 403s and 404s would each log a warning.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        return _run(pages, world, result)
    finally:
        logger.setLevel(level)


def _run(pages: list[tuple[Page, Rule]], world: World, result: Result) -> Result:
    _BUNDLED.clear()
    oracle = Oracle()
    scanner = Scanner(world, oracle)
    subjects = make_subjects(world)
    for turn, (page, rule) in enumerate(pages):
        started = time.monotonic()
        _page_cases(page, rule, world, subjects, oracle, scanner, result, turn)
        result.seconds[page.key] = result.seconds.get(page.key, 0) + time.monotonic() - started
    return result


@dataclass(frozen=True)
class Target:
    kind: str | None
    obj: object
    kwargs: dict
    url: str
    # A search for each customer's name: tried by every other subject, taking turns (each
    # name is still searched by logins of every role and partner).
    turn: int | None = None


def _targets(page, rule, world) -> list[Target]:
    objects = objects_of(rule.kind, world) if rule.kind else [None]
    if rule.kind == "request" and rule.methods == ("POST",):
        # Actions: the requests with referrals (one per partner and a complaint each).
        objects = list({r.request_id: r.request for r in world.referrals}.values())
    targets = []
    for obj in objects:
        kind = rule.kind if obj is not None else None
        bound = object_kwargs(kind, obj, page.params) if kind else {}
        for extra in other_params(page, world, set(bound)):
            kwargs = {**extra, **bound}
            url = build_url(page, kwargs)
            searches = "{customer}" in rule.query
            for n, query in enumerate(_expand_query(rule.query, kind, obj, world)):
                full = f"{url}?{query}" if query else url
                targets.append(Target(kind, obj, kwargs, full, n if searches else None))
    return targets


def _refused_by_role(rule: Rule, subject: Subject, oracle: Oracle) -> bool:
    if rule.who == "anyone":
        return False
    roles = oracle.roles(subject.user) if subject.user.is_authenticated else set()
    if rule.who == "staff":
        return not roles
    return not roles & rule.roles


def _relation(kind, obj, user, oracle: Oracle) -> str:
    """The user's relation to the object's holder (own, hub, referred, shared, none)."""
    if obj is None or not user.is_authenticated:
        return "none"
    if kind == "referral":
        kind, obj = "request", obj.request
    if kind in {"photo", "file"}:
        kind, obj = "request", obj.request
    if kind == "request":
        return oracle.relation(
            user, obj.responsible_partner_id, "service_requests", obj.customer_id, obj.pk
        )
    if kind == "customer":
        return oracle.relation(user, obj.partner_id, "identity", obj.pk)
    if kind in {"callback", "conversation"}:
        return oracle.relation(user, obj.partner_id, "contacts", None)
    return ""


SAMPLED = {
    "customer",
    "request",
    "callback",
    "notification",
    "photo",
    "file",
    "referral",
    "bundle",
    "conversation",
    "attachment",
    "pair",
    "merge",
}


def _holder_of(kind, obj):
    """The partner(s) holding the object: part of a GET's class."""
    if kind in {"photo", "file"}:
        obj, kind = obj.request, "request"
    if kind == "referral":
        return (obj.request.responsible_partner_id, obj.to_partner_id, obj.state)
    if kind == "request":
        return (obj.responsible_partner_id, obj.customer_id is not None)
    if kind == "notification":
        return obj.service_request.responsible_partner_id if obj.service_request else None
    if kind == "bundle":
        return tuple(sorted(r.responsible_partner_id for r in obj.requests))
    if kind == "attachment":
        return obj.message.conversation.partner_id
    if kind == "callback":
        return (obj.partner_id, obj.customer.partner_id if obj.customer else None)
    if kind == "pair":
        return (obj.left.partner_id, obj.right.partner_id)
    if kind == "merge":
        return (obj.survivor.partner_id, obj.merged.partner_id)
    return getattr(obj, "partner_id", None)


def _page_cases(page, rule, world, subjects, oracle, scanner, result, turn: int) -> None:
    """Each subject the row lets in, on one object per class: a GET per holder partner and
    relation (own, hub, referred, shared, none) and what the policy answers; a POST per
    relation, answer and action. Objects of the same class take turns (a fixed shuffle per
    page and group), so each is tried on some page. A subject refused by role stands for the
    others with the same roles, also taking turns."""
    targets = _targets(page, rule, world)
    open311 = page.key.startswith("open311:")
    chosen = [s for s in subjects if s.api_key == "" or open311]
    groups: dict[tuple, list[Subject]] = {}
    for subject in chosen:
        if rule.who == "anyone" and subject.user.is_authenticated:
            # A public page (the resident site, Open311) shows a signed-in member of staff
            # what it shows anyone: they take turns.
            groups.setdefault(("signed in",), []).append(subject)
        elif subject.api_key or not _refused_by_role(rule, subject, oracle):
            groups[("self", subject.name)] = [subject]
        elif not subject.user.is_authenticated:
            groups[("anonymous",)] = [subject]
        else:
            # Without an object the page refuses by role alone: one signed-in stand-in.
            roles = frozenset(oracle.roles(subject.user)) if rule.kind else frozenset()
            groups.setdefault(("refused", roles), []).append(subject)
    for method in rule.methods:
        for g, members in enumerate(groups.values()):
            order = list(enumerate(targets))
            if rule.kind in SAMPLED:
                random.Random(f"{page.key} {g} {method}").shuffle(order)
            seen: set[tuple] = set()
            for n, target in order:
                subject = members[(n + turn + g) % len(members)]
                if target.turn is not None and (target.turn + g) % 2:
                    continue
                if target.kind in SAMPLED:
                    _, answer = expected(
                        rule, subject, target.kind, target.obj, target.kwargs, oracle
                    )
                    cls = (
                        answer,
                        subject.user.is_authenticated
                        and _readable(target.kind, target.obj, subject.user, oracle),
                        _relation(target.kind, target.obj, subject.user, oracle),
                        target.kwargs.get("action"),
                        target.kwargs.get("fmt"),
                        target.url.partition("?")[2],
                        _holder_of(target.kind, target.obj) if method == "GET" else None,
                    )
                    if cls in seen:
                        continue
                    seen.add(cls)
                _one_case(
                    page,
                    rule,
                    method,
                    target.url,
                    target.kind,
                    target.obj,
                    target.kwargs,
                    subject,
                    oracle,
                    scanner,
                    result,
                )


# Actions whose preparation reopens or answers a referral, and so changes who reads the request.
REFERRAL_ACTIONS = {"withdraw_referral", "referral_feedback"}


def _one_case(page, rule, method, url, kind, obj, kwargs, subject, oracle, scanner, result):
    sent = url
    if subject.api_key:  # (left out of the findings' URLs)
        sent = f"{url}{'&' if '?' in url else '?'}api_key={subject.api_key}"
    label = _label(obj) if obj is not None else "-"
    result.cases += 1
    result.counts[page.key] = result.counts.get(page.key, 0) + 1
    changed = False
    payload = None
    if method == "GET":
        allowed, answer = expected(rule, subject, kind, obj, kwargs, oracle)
        # In a savepoint too: on PostgreSQL one failed query would abort the whole transaction,
        # and what a page writes (audit events) is not kept for the next case.
        with transaction.atomic():
            response = subject.client.get(sent)
            transaction.set_rollback(True)
    else:
        # Each POST in a savepoint rolled back afterwards: the next case sees the same world.
        with transaction.atomic():
            payload = prepare_and_payload(page, kind, obj, kwargs)
            # Expected of the world as prepared (a referral reopened to withdraw it lets the
            # partner it went to read the request again).
            moves_referrals = kwargs.get("action") in REFERRAL_ACTIONS and payload is not None
            if moves_referrals:
                oracle.load_referrals()
            allowed, answer = expected(rule, subject, kind, obj, kwargs, oracle)
            before = snapshot(kind, obj) if kind and obj is not None else None
            response = subject.client.post(sent, payload or {})
            if before is not None:
                changed = snapshot(kind, obj) != before
            transaction.set_rollback(True)
        if moves_referrals:
            oracle.load_referrals()  # as rolled back
        if subject.user.is_authenticated and SESSION_KEY not in subject.client.session:
            # The POST signed them out (the sign-out page does): sign in again.
            subject.client.force_login(subject.user)
        # Oracle caches keyed on users hold nothing the POST changed (it was rolled back).
        if payload is not None and answer == "done":
            action = kwargs.get("action", page.key)
            result.actions_allowed[action] = result.actions_allowed.get(action, 0) + 1
            if changed:
                result.actions_done[action] = result.actions_done.get(action, 0) + 1
    got = _answer(response)
    if response.status_code >= 500:
        result.errors.append(Finding(page.key, method, url, subject.name, label, answer, got))
        return
    shown = ""
    if got == "shown" and response.get("Content-Type", "").split(";")[0] in {
        "text/html",
        "application/json",
        "text/xml",
        "application/xml",
        "text/csv",
        "text/plain",
    }:
        body = response.content.decode("utf-8", "replace")
        own: set[str] = set()
        if rule.needs == "dpo" and allowed:
            # A data protection officer's page about a person shows that person (the
            # partnership's DPO: anyone's records, its linked ones too).
            own = _customer_strings(obj) if kind == "customer" else set()
            if "partnership_dpo" in oracle.roles(subject.user):
                body = ""
        shown = scanner.find(subject.user, body, exclude=own, client_pk=subject.open311_client)
    finding = Finding(page.key, method, url, subject.name, label, answer, got, shown)
    if shown:
        result.leaks.append(finding)
        return
    if not allowed:
        if changed:
            finding.got = f"{got} and the {kind} changed"
            result.leaks.append(finding)
        elif (
            got == "shown"
            and method == "GET"
            or (
                got == "shown"
                and method == "POST"
                and kind
                and not _readable(kind, obj, subject.user, oracle)
                and subject.user.is_authenticated
            )
        ):
            result.leaks.append(finding)
        elif answer == "404" and got == "403":
            # Refused, but a 403 says the record exists.
            result.wrong.append(finding)
        return
    # Denied where allowed: a record the user may read or change; a page for named roles
    # (not the admin site, whose own permissions refuse adding or deleting read-only things).
    placeholder = any(v in {999999, "nothing-here"} for v in kwargs.values())
    checked = not placeholder and (
        kind is not None or (rule.roles and not page.key.startswith("admin:"))
    )
    if checked and (
        got in {"403", "404", "sign-in"}
        or (answer == "done" and payload is not None and not changed)
    ):
        result.over_denied.append(finding)
