"""The messages queue (/messages/): conversations from partners' mailboxes and SMS numbers,
per partner and team; a conversation's page to claim, reply, note, link the customer, raise a
request and resolve. Reads go through inbox.selectors, writes through inbox.services."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from firstcontact.catalogue.models import Service
from firstcontact.customers.selectors import search_customers, visible_customers
from firstcontact.inbox import services
from firstcontact.inbox.models import Channel, ConversationStatus, Direction
from firstcontact.inbox.selectors import (
    first_response_state,
    get_attachment,
    get_conversation,
    visible_conversations,
)
from firstcontact.partners.models import Partner, Team
from firstcontact.partners.selectors import STAFF_ROLES, acting_partner_ids, acts_in_role
from firstcontact.servicerequests.services import clean_location

QUEUE_LIMIT = 200
STATUSES = [
    ("unassigned", "Unassigned"),
    ("mine", "Claimed by me"),
    ("claimed", "Claimed"),
    ("resolved", "Resolved"),
]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        error_messages={
            "required": "Enter your reply",
            "max_length": "Your reply must be 10,000 characters or fewer",
        },
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Internal note (not sent)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        error_messages={
            "required": "Enter the note",
            "max_length": "The note must be 10,000 characters or fewer",
        },
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did it end?",
        choices=[c for c in services.RESOLVE_OUTCOMES if c[0] != "request_raised"],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the conversation ended"},
    )


class RaiseForm(forms.Form):
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.none(), empty_label="Choose a service"
    )
    postcode = forms.CharField(label="Postcode of the place (if it has one)", required=False)
    address = forms.CharField(label="Address or description of the place", required=False)
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(active=True).order_by("name")


class FindCustomerForm(forms.Form):
    q = forms.CharField(
        label="Name, email address, phone number or postcode",
        max_length=200,
        error_messages={"required": "Enter a name, email address, phone number or postcode"},
    )


class NewCustomerForm(forms.Form):
    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the customer's last name"},
    )


def _forbidden(request: HttpRequest, reason: str, back: str = "") -> HttpResponse:
    return render(
        request,
        "desk/forbidden.html",
        {"reason": reason, "back": back, "back_label": "Back to the conversation"},
        status=403,
    )


def _apply(form: forms.Form, exc: ValidationError, default: str) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else default, errors)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    acting = acting_partner_ids(user)
    partners = list(Partner.objects.filter(pk__in=acting).order_by("name"))
    teams = list(Team.objects.filter(partner_id__in=acting).order_by("partner__name", "name"))
    rows = visible_conversations(user).select_related("partner", "team", "assignee", "customer")
    partner_slug = request.GET.get("partner", "")
    team_id = request.GET.get("team", "")
    status = request.GET.get("status", "unassigned")
    channel = request.GET.get("channel", "")
    due = request.GET.get("due", "")
    if partner_slug:
        rows = rows.filter(partner__slug=partner_slug)
    if team_id.isdigit():
        rows = rows.filter(team_id=int(team_id))
    if status == "mine":
        rows = rows.filter(assignee=user).exclude(status=ConversationStatus.RESOLVED)
    elif status in ConversationStatus.values:
        rows = rows.filter(status=status)
    if channel in Channel.values:
        rows = rows.filter(channel=channel)
    now = timezone.now()
    if due == "overdue":
        rows = rows.filter(first_response_due_at__lte=now, first_responded_at__isnull=True)
    rows = list(rows.order_by("first_response_due_at", "created_at")[:QUEUE_LIMIT])
    for row in rows:
        row.due_state = first_response_state(row, now)
    if due == "soon":
        rows = [r for r in rows if r.due_state == "approaching"]
    return render(
        request,
        "inbox/queue.html",
        {
            "rows": rows,
            "partners": partners,
            "teams": teams,
            "statuses": STATUSES,
            "channels": Channel.choices,
            "chosen": {
                "partner": partner_slug,
                "team": team_id,
                "status": status,
                "channel": channel,
                "due": due,
            },
            "limit": QUEUE_LIMIT,
        },
    )


def _page(request: HttpRequest, conversation, **forms_) -> HttpResponse:
    user = request.user
    may_act = conversation.partner_id in acts_in_role(user, STAFF_ROLES)
    thread = list(conversation.messages.select_related("author").prefetch_related("attachments"))
    candidates = []
    if conversation.customer_id is None and may_act:
        candidates = list(
            services.match_customers(
                conversation.partner_id, conversation.channel, conversation.sender
            ).filter(pk__in=visible_customers(user).values("pk"))[:5]
        )
    customer_visible = (
        conversation.customer_id is not None
        and visible_customers(user).filter(pk=conversation.customer_id).exists()
    )
    request_visible = False
    if conversation.service_request_id:
        from firstcontact.servicerequests.selectors import visible_requests

        request_visible = visible_requests(user).filter(pk=conversation.service_request_id).exists()
    status = 400 if any(f.is_bound and f.errors for f in forms_.values()) else 200
    return render(
        request,
        "inbox/conversation.html",
        {
            "conversation": conversation,
            "thread": thread,
            "may_act": may_act,
            "due_state": first_response_state(conversation, timezone.now()),
            "candidates": candidates,
            "customer_visible": customer_visible,
            "request_visible": request_visible,
            "reply_form": forms_.get("reply_form") or ReplyForm(),
            "note_form": forms_.get("note_form") or NoteForm(),
            "resolve_form": forms_.get("resolve_form") or ResolveForm(),
            "Direction": Direction,
        },
        status=status,
    )


@login_required
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_conversation(request.user, pk))


def _act(request: HttpRequest, pk: int):
    conversation = get_conversation(request.user, pk)
    back = reverse("inbox:conversation", args=[conversation.pk])
    if conversation.partner_id not in acts_in_role(request.user, STAFF_ROLES):
        return conversation, _forbidden(
            request,
            "Only advisers, caseworkers, team leaders and managers who work for "
            f"{conversation.partner.name} answer its messages.",
            back,
        )
    return conversation, None


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, refused = _act(request, pk)
    if refused:
        return refused
    try:
        services.claim(user=request.user, conversation=conversation)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    return redirect("inbox:conversation", pk=conversation.pk)


def _submit(
    request: HttpRequest,
    pk: int,
    form: forms.Form,
    page_form: str,
    action: Callable[..., object],
    argument: str,
    done: str,
    then: str = "",
) -> HttpResponse:
    """A one-field form on the conversation page (reply, note, resolve): `action` is given the
    field as `argument`; then `done` is said (with the conversation's {reference}) and the user
    goes to `then` (the conversation by default). On an error, the page again with the form
    (as `page_form`) showing it."""
    conversation, refused = _act(request, pk)
    if refused:
        return refused
    field = next(iter(form.fields))  # the form's only field
    if form.is_valid():
        try:
            action(
                user=request.user,
                conversation=conversation,
                **{argument: form.cleaned_data[field]},
            )
        except ValidationError as exc:
            _apply(form, exc, field)
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        else:
            flash.success(request, done.format(reference=conversation.formatted_reference))
            if then:
                return redirect(then)
            return redirect("inbox:conversation", pk=conversation.pk)
    return _page(request, conversation, **{page_form: form})


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReplyForm(request.POST)
    return _submit(
        request, pk, form, "reply_form", services.reply, "text", "Your reply is on its way."
    )


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    form = NoteForm(request.POST)
    return _submit(request, pk, form, "note_form", services.add_note, "text", "Note added.")


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    form = ResolveForm(request.POST)
    done = "Conversation {reference} resolved."
    return _submit(
        request, pk, form, "resolve_form", services.resolve, "outcome", done, then="inbox:queue"
    )


@login_required
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, refused = _act(request, pk)
    if refused:
        return refused
    customer_id = request.POST.get("customer", "")
    customer = (
        visible_customers(request.user).filter(pk=int(customer_id)).first()
        if customer_id.isdigit()
        else None
    )
    if customer is None:
        flash.error(request, "Choose a customer from the list.")
    else:
        try:
            services.link_customer(user=request.user, conversation=conversation, customer=customer)
        except PermissionDenied as exc:
            flash.error(request, str(exc))
        else:
            flash.success(request, f"Linked to {customer.display_name}.")
    return redirect("inbox:conversation", pk=conversation.pk)


@login_required
def find_customer(request: HttpRequest, pk: int) -> HttpResponse:
    """Search for the sender among the customers both the user and the mailbox's partner may
    read (the desk's search, audited), to link one to the conversation."""
    conversation, refused = _act(request, pk)
    if refused:
        return refused
    results = None
    form = FindCustomerForm(request.GET if "q" in request.GET else None)
    if form.is_bound and form.is_valid():
        found = search_customers(
            request.user,
            form.cleaned_data["q"],
            limit=20,
            purpose=f"sender of conversation {conversation.formatted_reference}",
        )
        readable = set(
            services.readable_customers(conversation.partner_id)
            .filter(pk__in=[m.customer.pk for m in found])
            .values_list("pk", flat=True)
        )
        results = [m.customer for m in found if m.customer.pk in readable]
    elif not form.is_bound:
        form = FindCustomerForm(initial={"q": conversation.sender})
    return render(
        request,
        "inbox/find_customer.html",
        {"conversation": conversation, "form": form, "results": results},
        status=400 if form.is_bound and form.errors else 200,
    )


def _split_name(name: str) -> tuple[str, str]:
    parts = name.strip().split()
    if not parts:
        return "", ""
    return " ".join(parts[:-1]), parts[-1]


@login_required
def new_customer(request: HttpRequest, pk: int) -> HttpResponse:
    """Create a customer of the mailbox's partner from the sender, and link them."""
    conversation, refused = _act(request, pk)
    if refused:
        return refused
    if request.method == "POST":
        form = NewCustomerForm(request.POST)
        if form.is_valid():
            try:
                customer = services.create_customer_for(
                    user=request.user,
                    conversation=conversation,
                    given_name=form.cleaned_data["given_name"],
                    family_name=form.cleaned_data["family_name"],
                )
            except ValidationError as exc:
                _apply(form, exc, "family_name")
            except PermissionDenied as exc:
                return _forbidden(request, str(exc))
            else:
                flash.success(request, f"{customer.display_name} added and linked.")
                return redirect("inbox:conversation", pk=conversation.pk)
    else:
        given, family = _split_name(conversation.sender_name)
        form = NewCustomerForm(initial={"given_name": given, "family_name": family})
    return render(
        request,
        "inbox/new_customer.html",
        {"conversation": conversation, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def raise_request(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, refused = _act(request, pk)
    if refused:
        return refused
    first = conversation.messages.filter(direction=Direction.IN).first()
    if request.method == "POST":
        form = RaiseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                location = None
                if data["postcode"] or data["address"]:
                    location = clean_location(postcode=data["postcode"], address=data["address"])
                sr = services.raise_request_from(
                    user=request.user,
                    conversation=conversation,
                    service=data["service"],
                    description=data["description"],
                    location=location,
                )
            except ValidationError as exc:
                _apply(form, exc, "description")
            except PermissionDenied as exc:
                return _forbidden(request, str(exc))
            else:
                flash.success(
                    request,
                    f"Request {sr.formatted_reference} raised; the conversation is resolved.",
                )
                return redirect("desk:request", reference=sr.reference)
    else:
        form = RaiseForm(initial={"description": first.text[:10_000] if first else ""})
    return render(
        request,
        "inbox/raise.html",
        {"conversation": conversation, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_attachment(request.user, pk)
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
