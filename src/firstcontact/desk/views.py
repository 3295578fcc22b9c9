"""The adviser desktop (/desk/): start a contact, find the customer, the single view, answer
from the knowledge base, raise a request on the customer's behalf, book a callback, and end
the contact with an outcome.

Every read goes through the scoped selectors (visible_customers, visible_requests,
visible_contacts, visible_callbacks): another partner's records are 404 or absent.
"""

from __future__ import annotations

import datetime as dt
from itertools import chain

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from firstcontact.catalogue.models import Service, ServiceKind
from firstcontact.contacts.models import Contact, Outcome
from firstcontact.contacts.selectors import (
    callbacks_due,
    first_contact_resolution,
    visible_callbacks,
    visible_contacts,
)
from firstcontact.contacts.services import (
    attach_customer,
    book_callback,
    cancel_callback,
    complete_callback,
    end_contact,
    start_contact,
)
from firstcontact.customers.models import Consent, Customer, CustomerKind, CustomerLink
from firstcontact.customers.prompts import prompts_for
from firstcontact.customers.selectors import (
    can_edit_customer,
    customer_changes,
    get_customer,
    merged_survivor,
    visible_customers,
)
from firstcontact.customers.services import create_customer, withdraw_consent
from firstcontact.desk import session
from firstcontact.desk.forms import (
    CallbackForm,
    CallbackResultForm,
    EndContactForm,
    NewCustomerForm,
    RaiseRequestForm,
    StartContactForm,
    apply_errors,
    error_dict,
)
from firstcontact.desk.nearby import nearby_step
from firstcontact.desk.services import raised_confirmation
from firstcontact.desk.tell_us_once import life_event_for_service
from firstcontact.insight.targets import against_target, fcr_target_for
from firstcontact.linkage.lookup import likely_matches
from firstcontact.partners.models import Membership, Partner
from firstcontact.partners.selectors import (
    STAFF_ROLES,
    acting_partner_ids,
    acts_in_role,
    member_partner_ids,
)
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from firstcontact.servicerequests.models import ServiceRequest, Status
from firstcontact.servicerequests.nearby import nearby_metres, nearby_requests
from firstcontact.servicerequests.references import ReferenceError, parse_reference
from firstcontact.servicerequests.selectors import find_customers, get_request, visible_requests
from firstcontact.servicerequests.services import clean_location, raise_request

TIMELINE_LENGTH = 30
REQUEST_LIST_FIELDS = (
    "reference", "status", "outcome", "sla_due_at", "created_at", "closed_at", "customer_id",
    "on_hold_since", "service__name", "responsible_partner__name",
)  # fmt: skip
CONTACT_LIST_FIELDS = (
    "channel", "started_at", "ended_at", "outcome", "customer_id", "partner__name",
)  # fmt: skip
RECENT_CLOSED = 10
RECENT_CONTACTS = 20
RECENT_CHANGES = 5  # on the customer page; the history page has them all


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _acting_partners(user) -> list[Partner]:
    """Partners the user may take contacts for (as adviser or officer), their own first."""
    own = member_partner_ids(user)
    partners = _partner_queryset(user)
    return sorted(partners, key=lambda p: (p.pk not in own, p.name))


def _partner_queryset(user):
    return Partner.objects.filter(pk__in=acts_in_role(user, STAFF_ROLES))


def _forbidden(request: HttpRequest, reason: str, *, back: str = "", label: str = ""):
    """403: the user may see this but not do it (docs/access.md)."""
    return render(
        request,
        "desk/forbidden.html",
        {**desk_context(request), "reason": reason, "back": back, "back_label": label},
        status=403,
    )


def _start_of_today() -> dt.datetime:
    local = timezone.localtime()
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def desk_context(request: HttpRequest) -> dict:
    """What every desk page shows: the contact in progress."""
    return {"contact": session.current_contact(request)}


# --- home: contact and search -------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = find_customers(request.user, query) if query else []
    context = {"query": query, "results": results, "searched": bool(query)}
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "desk/includes/search_results.html", context)
    user = request.user
    memberships = Membership.objects.filter(user=user).select_related("partner", "team")
    partners = _acting_partners(user)
    start_form = StartContactForm(
        partners=_partner_queryset(user), initial={"partner": partners[0].pk if partners else None}
    )
    today = _start_of_today()
    own = member_partner_ids(user)
    contacts = visible_contacts(user)
    fcr_mine = first_contact_resolution(contacts.filter(adviser=user), start=today)
    fcr_partner = first_contact_resolution(
        contacts.filter(Q(partner_id__in=own) | Q(handled_by_id__in=own)), start=today
    )
    # Advisers are held to their own partner's FCR target (issue 18), said in words.
    target = fcr_target_for(own)
    # The adviser's team(s): contacts ended today by anyone in them.
    team_rows = [m for m in memberships if m.team_id is not None]
    fcr_team = None
    if team_rows:
        team_members = Membership.objects.filter(team_id__in={m.team_id for m in team_rows}).values(
            "user_id"
        )
        fcr_team = first_contact_resolution(
            contacts.filter(adviser_id__in=team_members), start=today
        )
        team_target = fcr_target_for({m.partner_id for m in team_rows})
    context.update(
        desk_context(request),
        memberships=memberships,
        start_form=start_form,
        fcr_mine=fcr_mine,
        fcr_mine_target=against_target(fcr_mine.rate, target),
        fcr_partner=fcr_partner,
        fcr_partner_target=against_target(fcr_partner.rate, target),
        fcr_team=fcr_team,
        fcr_team_names=", ".join(sorted({m.team.name for m in team_rows})),
        fcr_team_target=against_target(fcr_team.rate, team_target) if fcr_team else "",
        own_partners=Partner.objects.filter(pk__in=own),
        callbacks_due_count=callbacks_due(user, scope="mine").count(),
    )
    return render(request, "desk/home.html", context)


def _name_initial(query: str, partners: list[Partner]) -> dict:
    initial = {"partner": partners[0].pk if partners else None}
    words = query.split()
    if words and not any(ch.isdigit() or ch == "@" for ch in query):
        initial.update(family_name=words[-1], given_name=" ".join(words[:-1]))
    return initial


@login_required
@require_POST
def contact_start(request: HttpRequest) -> HttpResponse:
    form = StartContactForm(request.POST, partners=_partner_queryset(request.user))
    if session.current_contact(request) is not None:
        messages.error(request, "End the contact in progress before starting another.")
        return redirect(_safe_next(request, reverse("desk:home")))
    if not form.is_valid():
        messages.error(request, "Choose the channel and the partner the contact is for.")
        return redirect(_safe_next(request, reverse("desk:home")))
    customer = None
    if request.POST.get("customer"):
        try:
            customer = visible_customers(request.user).get(pk=int(request.POST["customer"]))
        except (ValueError, Customer.DoesNotExist):
            raise Http404("No such customer that you may see.") from None
    contact = start_contact(
        user=request.user,
        channel=form.cleaned_data["channel"],
        partner=form.cleaned_data["partner"],
        customer=customer,
    )
    session.remember_contact(request, contact)
    return redirect(_safe_next(request, reverse("desk:home")))


@login_required
def contact_end(request: HttpRequest) -> HttpResponse:
    contact = session.current_contact(request)
    if contact is None:
        messages.info(request, "There is no contact in progress.")
        return redirect("desk:home")
    services = Service.objects.filter(
        Q(pk__in=session.contact_reasons(request)) | Q(contacts=contact)
    ).distinct()
    default = Outcome.RESOLVED
    if session.raised_in_contact(request):
        default = Outcome.REQUEST_RAISED
    elif request.session.get("desk_contact_callback"):
        default = Outcome.CALLBACK_BOOKED
    if request.method == "POST":
        form = EndContactForm(request.POST, services=services)
        if form.is_valid():
            try:
                end_contact(
                    contact=contact,
                    outcome=form.cleaned_data["outcome"],
                    reasons=form.cleaned_data.get("reasons") or [],
                    notes=form.cleaned_data["notes"],
                )
            except ValidationError as exc:
                apply_errors(form, error_dict(exc))
            else:
                return _contact_ended(request, contact)
    else:
        form = EndContactForm(
            services=services, initial={"outcome": default, "reasons": list(services)}
        )
    return render(request, "desk/contact_end.html", {"form": form, "contact": contact})


def _contact_ended(request: HttpRequest, contact: Contact) -> HttpResponse:
    session.forget_contact(request)
    request.session.pop("desk_contact_callback", None)
    messages.success(request, f"Contact ended: {contact.get_outcome_display().lower()}.")
    return redirect("desk:home")


@login_required
@require_POST
def contact_attach(request: HttpRequest, pk: int) -> HttpResponse:
    contact = session.current_contact(request)
    customer = visible_customers(request.user).filter(pk=pk).first()
    if customer is None:
        raise Http404("No such customer that you may see.")
    if contact is not None:
        attach_customer(user=request.user, contact=contact, customer=customer)
        messages.success(request, f"This contact is now with {customer.display_name}.")
    return redirect("desk:customer", pk=customer.pk)


# --- customers ----------------------------------------------------------------------------


@login_required
def customer_new(request: HttpRequest) -> HttpResponse:
    partners = _acting_partners(request.user)
    duplicates = []
    if request.method == "POST":
        form = NewCustomerForm(request.POST, partners=_partner_queryset(request.user))
        if form.is_valid():
            data = form.cleaned_data
            postcode = data["postcode"]
            if not data["confirm_new"]:
                duplicates = likely_matches(
                    request.user,
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    date_of_birth=data["date_of_birth"],
                    email=data["email"],
                    phone=data["phone"],
                    postcode=postcode,
                    uprn=data["uprn"],
                    town=data["town"],
                )
            if duplicates:
                form.add_error(
                    "confirm_new",
                    "This person may already be on record: open one of the records below, or "
                    "confirm that none of them is the customer.",
                )
            else:
                try:
                    customer = create_customer(
                        user=request.user,
                        partner=data["partner"],
                        kind=CustomerKind.PERSON,
                        given_name=data["given_name"],
                        family_name=data["family_name"],
                        date_of_birth=data["date_of_birth"],
                        phones=[data["phone"]] if data["phone"] else [],
                        emails=[data["email"]] if data["email"] else [],
                        addresses=[
                            {
                                "line1": data["line1"],
                                "town": data["town"],
                                "postcode": postcode,
                                "uprn": data["uprn"],
                            }
                        ]
                        if data["line1"]
                        else [],
                        share_with=data["share_with"],
                        consent_how="Told the adviser" if data["share_with"] else "",
                    )
                except PermissionDenied as exc:
                    return _forbidden(request, str(exc), back=reverse("desk:home"))
                except ValidationError as exc:
                    apply_errors(
                        form,
                        error_dict(exc),
                        {
                            "consents": "share_with",
                            "phones[0]": "phone",
                            "emails[0]": "email",
                            "addresses[0].line1": "line1",
                            "addresses[0].postcode": "postcode",
                            "addresses[0].uprn": "uprn",
                        },
                    )
                else:
                    contact = session.current_contact(request)
                    if contact is not None:
                        attach_customer(user=request.user, contact=contact, customer=customer)
                    messages.success(request, f"{customer.display_name} added.")
                    return redirect("desk:customer", pk=customer.pk)
    else:
        form = NewCustomerForm(
            partners=_partner_queryset(request.user),
            initial=_name_initial(request.GET.get("name", ""), partners),
        )
    return render(
        request,
        "desk/customer_new.html",
        {**desk_context(request), "form": form, "duplicates": duplicates},
    )


def _timeline(contacts, requests, callbacks) -> list[dict]:
    entries = chain(
        ({"at": c.started_at, "kind": "contact", "contact": c} for c in contacts),
        ({"at": r.created_at, "kind": "request", "sr": r} for r in requests),
        (
            {"at": r.closed_at, "kind": "closed", "sr": r}
            for r in requests
            if r.closed_at is not None
        ),
        ({"at": cb.window_start, "kind": "callback", "callback": cb} for cb in callbacks),
    )
    return sorted(entries, key=lambda e: e["at"], reverse=True)


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if (survivor := merged_survivor(user, pk)) is not None:
        messages.info(request, f"Customer {pk} was merged into this record.")
        return redirect("desk:customer", pk=survivor.pk)
    customer = get_customer(user, pk, purpose="single view")
    show_all = request.GET.get("timeline") == "all"
    # Lists show a few fields of many rows: leave the rest (attribute answers, descriptions)
    # in the database.
    requests = (
        visible_requests(user)
        .filter(customer=customer)
        .select_related("service", "responsible_partner")
        .only(*REQUEST_LIST_FIELDS)
    )
    open_requests = list(requests.exclude(status=Status.CLOSED).order_by("sla_due_at", "pk"))
    closed_requests = list(requests.filter(status=Status.CLOSED)[:RECENT_CLOSED])
    contacts_qs = (
        visible_contacts(user)
        .filter(customer=customer)
        .select_related("partner")
        .only(*CONTACT_LIST_FIELDS)
    )
    callbacks = list(
        visible_callbacks(user)
        .filter(customer=customer)
        .select_related("partner", "assigned_to")
        .order_by("-window_start")[:TIMELINE_LENGTH]
    )
    limit = None if show_all else TIMELINE_LENGTH
    timeline_contacts = list(
        contacts_qs.prefetch_related(
            Prefetch("reasons", queryset=Service.objects.only("pk", "name"))
        )[:limit]
    )
    timeline_requests = list(requests.order_by("-created_at")[:limit])
    timeline = _timeline(timeline_contacts, timeline_requests, callbacks)
    counts = {
        "requests": requests.count(),
        "contacts": contacts_qs.count(),
    }
    withheld = {
        "requests": ServiceRequest.objects.filter(customer=customer).count() - counts["requests"],
        "contacts": Contact.objects.filter(customer=customer).count() - counts["contacts"],
    }
    linked_ids = set(
        CustomerLink.objects.filter(from_customer=customer).values_list("to_customer", flat=True)
    ) | set(
        CustomerLink.objects.filter(to_customer=customer).values_list("from_customer", flat=True)
    )
    linked = list(visible_customers(user).filter(pk__in=linked_ids).select_related("partner"))
    withheld["linked"] = len(linked_ids) - len(linked)
    withheld["total"] = sum(withheld.values())
    contact = session.current_contact(request)
    return render(
        request,
        "desk/customer.html",
        {
            "customer": customer,
            "contact": contact,
            "open_requests": open_requests,
            "closed_requests": closed_requests,
            "recent_contacts": timeline_contacts[:RECENT_CONTACTS],
            "open_callbacks": [c for c in callbacks if c.is_open],
            "timeline": timeline if show_all else timeline[:TIMELINE_LENGTH],
            "timeline_truncated": not show_all
            and (
                len(timeline) > TIMELINE_LENGTH
                or counts["contacts"] > TIMELINE_LENGTH
                or counts["requests"] > TIMELINE_LENGTH
            ),
            "counts": counts,
            "withheld": withheld,
            "linked": linked,
            "prompts": prompts_for(user, customer),
            "consents": [c for c in customer.consents.all() if c.withdrawn_at is None],
            "can_edit": can_edit_customer(user, customer),
            "changes": customer_changes(customer, limit=RECENT_CHANGES),
            "start_form": StartContactForm(
                partners=_partner_queryset(user),
                initial={
                    "partner": customer.partner_id
                    if customer.partner_id in acting_partner_ids(user)
                    else None
                },
            ),
        },
    )


# --- consents -----------------------------------------------------------------------------


@login_required
def consent_withdraw(request: HttpRequest, pk: int, consent: int) -> HttpResponse:
    """Withdraw one of the customer's consents, after a confirmation page. It takes effect at
    once: a partner it let see the record no longer finds or opens it."""
    customer = get_customer(request.user, pk, purpose="withdraw a consent")
    chosen = (
        Consent.objects.current()
        .select_related("recipient")
        .filter(customer=customer, pk=consent)
        .first()
    )
    if chosen is None:
        raise Http404("No current consent with that number for this customer.")
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error = "Confirm that the customer wants to withdraw this consent."
        else:
            try:
                withdraw_consent(user=request.user, consent=chosen)
            except PermissionDenied as exc:
                return _forbidden(
                    request, str(exc), back=reverse("desk:customer", args=[customer.pk])
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, f"Consent withdrawn: {chosen.get_purpose_display()}.")
                return redirect("desk:customer", pk=customer.pk)
    return render(
        request,
        "desk/consent_withdraw.html",
        {**desk_context(request), "customer": customer, "consent": chosen, "error": error},
        status=400 if error else 200,
    )


# --- callbacks ----------------------------------------------------------------------------


def _user_team(user):
    memberships = Membership.objects.filter(user=user, team__isnull=False).select_related("team")
    membership = memberships.first()
    return membership.team if membership else None


@login_required
def callback_book(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    customer = get_customer(user, pk, purpose="book a callback")
    contact = session.current_contact(request)
    team = _user_team(user)
    phones = list(customer.phones.all())
    if contact is not None:
        partner = contact.partner
    elif customer.partner_id in acts_in_role(user, STAFF_ROLES):
        partner = customer.partner
    else:
        partners = _acting_partners(user)
        if not partners:
            return _forbidden(
                request,
                "Only advisers and officers book callbacks.",
                back=reverse("desk:customer", args=[customer.pk]),
            )
        partner = partners[0]
    if request.method == "POST":
        form = CallbackForm(request.POST, phones=phones)
        if form.is_valid():
            data = form.cleaned_data
            try:
                callback = book_callback(
                    user=user,
                    partner=partner,
                    customer=customer,
                    contact=contact,
                    phone=data["number"],
                    reason=data["reason"],
                    window_start=data["window_start"],
                    window_end=data["window_end"],
                    assigned_to=user if data["who"] == "me" or team is None else None,
                    team=team if data["who"] == "team" else None,
                )
            except PermissionDenied as exc:
                return _forbidden(
                    request, str(exc), back=reverse("desk:customer", args=[customer.pk])
                )
            except ValidationError as exc:
                apply_errors(
                    form,
                    error_dict(exc),
                    {"phone": "other_phone", "window_start": "start", "window_end": "end"},
                )
            else:
                if contact is not None:
                    request.session["desk_contact_callback"] = callback.pk
                local = timezone.localtime(callback.window_start)
                messages.success(
                    request,
                    f"Callback booked for {local:%-d %B} between {local:%H:%M} and "
                    f"{timezone.localtime(callback.window_end):%H:%M}.",
                )
                return redirect("desk:customer", pk=customer.pk)
    else:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        form = CallbackForm(
            phones=phones,
            initial={"day": tomorrow, "start": dt.time(10, 0), "end": dt.time(12, 0)},
        )
    if team is None:
        form.fields["who"].choices = [("me", "Me")]
    return render(
        request,
        "desk/callback_book.html",
        {"form": form, "customer": customer, "partner": partner, "contact": contact},
    )


@login_required
def callbacks(request: HttpRequest) -> HttpResponse:
    scope = request.GET.get("scope", "mine")
    if scope not in {"mine", "team", "all"}:
        scope = "mine"
    due = list(callbacks_due(request.user, scope=scope))
    end_of_day = _start_of_today() + dt.timedelta(days=1)
    later = visible_callbacks(request.user).filter(status="booked", window_start__gte=end_of_day)
    if scope == "mine":
        later = later.filter(assigned_to=request.user)
    elif scope == "team":
        team = _user_team(request.user)
        later = later.filter(team=team) if team else later.none()
    return render(
        request,
        "desk/callbacks.html",
        {
            **desk_context(request),
            "scope": scope,
            "scopes": [("mine", "Mine"), ("team", "My team"), ("all", "All I may see")],
            "due": due,
            "later": list(later.select_related("customer", "partner", "assigned_to")[:100]),
            "now": timezone.now(),
        },
    )


@login_required
def callback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    callback = get_object_or_404(
        visible_callbacks(request.user).select_related("customer", "partner", "assigned_to"),
        pk=pk,
    )
    # A callback shows the customer's name, number and why they called: a view of their record.
    record_audit_event(
        user=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="callback",
        object_id=callback.pk,
        customer_id=callback.customer_id,
    )
    form = CallbackResultForm()
    if request.method == "POST" and callback.is_open:
        if request.POST.get("action") == "cancel":
            try:
                cancel_callback(
                    user=request.user, callback=callback, notes=request.POST.get("notes", "")
                )
            except PermissionDenied as exc:
                return _forbidden(request, str(exc), back=reverse("desk:callbacks"))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, "Callback cancelled.")
            return redirect("desk:callbacks")
        form = CallbackResultForm(request.POST)
        if form.is_valid():
            try:
                complete_callback(
                    user=request.user,
                    callback=callback,
                    result=form.cleaned_data["result"],
                    notes=form.cleaned_data["notes"],
                )
            except PermissionDenied as exc:
                return _forbidden(request, str(exc), back=reverse("desk:callbacks"))
            except ValidationError as exc:
                apply_errors(form, error_dict(exc))
            else:
                messages.success(request, "Callback recorded.")
                return redirect("desk:callbacks")
    customer_visible = (
        callback.customer_id is not None
        and visible_customers(request.user).filter(pk=callback.customer_id).exists()
    )
    return render(
        request,
        "desk/callback_detail.html",
        {
            **desk_context(request),
            "callback": callback,
            "form": form,
            "customer_visible": customer_visible,
        },
    )


# --- knowledge ----------------------------------------------------------------------------


def search_services(query: str, *, with_script: bool = False):
    services = Service.objects.active()
    if with_script:
        services = services.exclude(adviser_script="")
    for word in query.split()[:8]:
        services = services.filter(
            Q(name__icontains=word)
            | Q(keywords__icontains=word)
            | Q(group__icontains=word)
            | Q(description__icontains=word)
            | Q(adviser_script__icontains=word)
        )
    return services.order_by("group", "name")


@login_required
def knowledge(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    services = search_services(query, with_script=True)[:100]
    context = {"query": query, "services": services}
    if request.htmx and request.htmx.target == "knowledge-results":
        return render(request, "desk/includes/knowledge_results.html", context)
    return render(request, "desk/knowledge.html", {**desk_context(request), **context})


@login_required
def knowledge_article(request: HttpRequest, code: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.active(), code=code)
    contact = session.current_contact(request)
    if request.method == "POST":
        if contact is None:
            messages.error(request, "Start a contact first: there is no contact in progress.")
            return redirect("desk:knowledge_article", code=service.code)
        reasons = Service.objects.filter(
            Q(pk__in=session.contact_reasons(request)) | Q(pk=service.pk)
        )
        end_contact(contact=contact, outcome=Outcome.RESOLVED, reasons=list(reasons))
        return _contact_ended(request, contact)
    if contact is not None:
        session.note_reason(request, service.pk)
    return render(
        request,
        "desk/knowledge_article.html",
        {"service": service, "contact": contact, "can_raise": service.deliveries.exists()},
    )


# --- raising a request --------------------------------------------------------------------


def _customer_param(request: HttpRequest) -> Customer | None:
    raw = request.POST.get("customer") or request.GET.get("customer") or ""
    if not raw:
        return None
    try:
        pk = int(raw)
    except ValueError:
        raise Http404("No such customer.") from None
    return get_customer(request.user, pk, purpose="raise a request")


@login_required
def raise_pick(request: HttpRequest) -> HttpResponse:
    customer = _customer_param(request)
    query = request.GET.get("q", "").strip()[:200]
    services = search_services(query).filter(deliveries__isnull=False).distinct()
    groups: dict[str, list[Service]] = {}
    for service in services:
        groups.setdefault(service.group or "Other", []).append(service)
    context = {"customer": customer, "query": query, "groups": groups}
    if request.htmx and request.htmx.target == "service-results":
        return render(request, "desk/includes/service_results.html", context)
    return render(request, "desk/raise_pick.html", {**desk_context(request), **context})


@login_required
def raise_form(request: HttpRequest, code: str) -> HttpResponse:
    service = get_object_or_404(
        Service.objects.active().prefetch_related("attributes", "eligibility_questions"), code=code
    )
    customer = _customer_param(request)
    contact = session.current_contact(request)
    nearby_found = []
    if service.kind == ServiceKind.LIFE_EVENT:
        # A death or a move is told once to everyone, as on the resident site.
        event = life_event_for_service(service)
        if event is not None:
            url = reverse("desk:tuo_form", args=[event.slug])
            return redirect(f"{url}?customer={customer.pk}" if customer else url)
    if request.method == "POST":
        form = RaiseRequestForm(request.POST, service=service)
        if form.is_valid():
            data = form.cleaned_data
            try:
                location = clean_location(
                    latitude=data["latitude"].strip(),
                    longitude=data["longitude"].strip(),
                    postcode=data["postcode"].strip(),
                    uprn=data["uprn"].strip(),
                    address=data["address"].strip(),
                )
                about_service, about_request = _complaint_about(request.user, data)
                # Already reported nearby (desk/nearby.py): offered once, or added to one.
                nearby = nearby_step(
                    request,
                    service,
                    location,
                    customer=customer,
                    contact=contact,
                    channel=data["channel"],
                )
                if isinstance(nearby, HttpResponse):
                    return nearby
                if nearby:
                    raise NearbyFound(nearby)
                service_request = raise_request(
                    user=request.user,
                    service=service,
                    channel=data["channel"],
                    location=location,
                    description=data["description"],
                    description_public=data.get("description_public", False),
                    attributes=form.attribute_answers(),
                    customer=customer,
                    contact=contact,
                    about_service=about_service,
                    about_request=about_request,
                )
            except NearbyFound as found:
                nearby_found = found.nearby
            except ValidationError as exc:
                apply_errors(form, error_dict(exc), form.error_mapping())
                if "nearby" in error_dict(exc):
                    nearby_found = nearby_requests(
                        service, location, readable=visible_requests(request.user)
                    )
            except PermissionDenied as exc:
                # The customer was found readable above: what is refused is raising requests.
                return _forbidden(request, str(exc), back=reverse("desk:home"))
            else:
                session.note_reason(request, service.pk, raised=True)
                session.remember_raised(request, service_request.reference)
                return redirect("desk:raise_done", reference=service_request.reference)
    else:
        initial = {"channel": contact.channel if contact else "phone"}
        address = customer.addresses.filter(is_current=True).first() if customer else None
        if address is not None:
            initial.update(
                postcode=address.postcode,
                uprn=address.uprn,
                address=", ".join(p for p in [address.line1, address.line2, address.town] if p),
            )
        form = RaiseRequestForm(service=service, initial=initial)
    if contact is not None:
        session.note_reason(request, service.pk)
    return render(
        request,
        "desk/raise_form.html",
        {
            "form": form,
            "service": service,
            "customer": customer,
            "contact": contact,
            "eligibility_fields": [f for f in form if f.name.startswith("elig_")],
            "attribute_fields": [f for f in form if f.name.startswith("attr_")],
            "nearby": nearby_found,
            "nearby_metres": nearby_metres(),
        },
    )


class NearbyFound(Exception):
    """Requests nearby to offer before raising a new one (desk/nearby.py)."""

    def __init__(self, nearby):
        super().__init__("already reported nearby")
        self.nearby = nearby


def _complaint_about(user, data: dict) -> tuple[Service | None, ServiceRequest | None]:
    """(service, request) a complaint raised at the desk is about: the request only if the
    adviser may read it, else a clear error on the reference field."""
    code = data.get("about_service") or ""
    about_service = Service.objects.active().filter(code=code).first() if code else None
    about_request = None
    reference = (data.get("about_reference") or "").strip()
    if reference:
        try:
            stored = parse_reference(reference)
        except ReferenceError as exc:
            raise ValidationError({"about_request": str(exc)}) from None
        about_request = (
            visible_requests(user)
            .select_related("service", "responsible_partner", "team")
            .filter(reference=stored)
            .first()
        )
        if about_request is None:
            raise ValidationError(
                {"about_request": "No request with that reference that you may see."}
            )
    return about_service, about_request


@login_required
def raise_done(request: HttpRequest, reference: str) -> HttpResponse:
    """The reference to read out. A request the raiser may read is shown in full; one that went
    to a partner they may not read (a police officer's graffiti report goes to the district) is
    confirmed with its reference, service and partner alone, and only to the user who raised
    it, in the session that raised it (docs/access.md, "Pages"). Anything else is 404."""
    try:
        service_request = get_request(request.user, reference)
    except Http404:
        confirmation = (
            raised_confirmation(request.user, reference)
            if session.raised_here(request, reference)
            else None
        )
        if confirmation is None:
            raise
        customer = None
        if confirmation.customer_id:
            customer = visible_customers(request.user).filter(pk=confirmation.customer_id).first()
        return render(
            request,
            "desk/raise_done.html",
            {**desk_context(request), "sr": confirmation, "readable": False, "back": customer},
        )
    return render(
        request,
        "desk/raise_done.html",
        {
            **desk_context(request),
            "sr": service_request,
            "readable": True,
            "back": service_request.customer,
        },
    )
