"""Case work staples on the back office (/work/): canned replies kept by a partner's team
leaders and managers and picked on the request page, each officer's saved views of the
queue, and bulk status changes with a result per request. The writes are
firstcontact.casework.services'; who may do what is docs/access.md's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from firstcontact.casework.forms import BulkForm, CannedReplyForm, SaveViewForm
from firstcontact.casework.selectors import (
    bulk_replies,
    get_manageable_reply,
    get_my_view,
    manageable_replies,
    managed_partner_ids,
    my_views,
    replies_for_request,
)
from firstcontact.casework.services import (
    BULK_ACTIONS,
    bulk_change,
    clean_query,
    delete_view,
    rename_view,
    reply_text_for,
    retire_reply,
    save_reply,
    save_view,
    set_default_view,
)
from firstcontact.catalogue.models import Service
from firstcontact.desk.forms import (
    CloseForm,
    ComplaintResponseForm,
    NoteForm,
    PublicUpdateForm,
    StatusForm,
    apply_errors,
    error_dict,
)
from firstcontact.desk.work_views import _action_needed, _forbidden, _request_context
from firstcontact.partners.models import Partner
from firstcontact.servicerequests.permissions import Action, require, work_partner_ids
from firstcontact.servicerequests.selectors import get_request

# --- canned replies: kept by team leaders and managers -------------------------------------


def _keeper_or_403(request: HttpRequest) -> HttpResponse | None:
    if managed_partner_ids(request.user):
        return None
    return _forbidden(
        request,
        "Only team leaders and managers keep their partner's canned replies.",
        back=reverse("desk:work_queue"),
        label="Back to the work queue",
    )


def _managed_partners(user):
    return Partner.objects.filter(pk__in=managed_partner_ids(user)).order_by("name")


@login_required
def replies(request: HttpRequest) -> HttpResponse:
    if refused := _keeper_or_403(request):
        return refused
    rows = list(manageable_replies(request.user).order_by("partner__name", "title"))
    return render(
        request,
        "casework/replies.html",
        {
            "in_use": [r for r in rows if r.retired_at is None],
            "retired": [r for r in rows if r.retired_at is not None],
        },
    )


def _reply_form_page(request: HttpRequest, reply=None) -> HttpResponse:
    partners = list(_managed_partners(request.user))
    initial = {}
    if reply is not None:
        initial = {
            "partner": str(reply.partner_id),
            "service": str(reply.service_id or ""),
            "title": reply.title,
            "text": reply.text,
        }
    elif len(partners) == 1:
        initial = {"partner": str(partners[0].pk)}
    form = CannedReplyForm(
        request.POST if request.method == "POST" else None, partners=partners, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        partner = next((p for p in partners if str(p.pk) == data["partner"]), None)
        service = Service.objects.filter(pk=data["service"]).first() if data["service"] else None
        try:
            saved = save_reply(
                user=request.user,
                partner=partner,
                service=service,
                title=data["title"],
                text=data["text"],
                reply=reply,
            )
        except ValidationError as exc:
            apply_errors(form, error_dict(exc))
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Saved “{saved.title}”: officers of {partner.name} can pick it."
            )
            return redirect("desk:canned_replies")
    return render(request, "casework/reply_form.html", {"form": form, "reply": reply})


@login_required
def reply_new(request: HttpRequest) -> HttpResponse:
    if refused := _keeper_or_403(request):
        return refused
    return _reply_form_page(request)


@login_required
def reply_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if refused := _keeper_or_403(request):
        return refused
    return _reply_form_page(request, get_manageable_reply(request.user, pk))


@login_required
@require_POST
def reply_retire(request: HttpRequest, pk: int) -> HttpResponse:
    if refused := _keeper_or_403(request):
        return refused
    reply = get_manageable_reply(request.user, pk)
    retire_reply(user=request.user, reply=reply)
    messages.success(request, f"Retired “{reply.title}”: it is no longer offered.")
    return redirect("desk:canned_replies")


# --- canned replies: picked on the request page ---------------------------------------------

# The request page's forms that take words for the resident, and the field the reply fills.
INSERT_INTO = {
    "public": (PublicUpdateForm, "text"),
    "close": (CloseForm, "text"),
    "hold": (StatusForm, "text"),
    "note": (NoteForm, "text"),
    "complaint_respond": (ComplaintResponseForm, "letter"),
}


@login_required
@require_POST
def insert_reply(request: HttpRequest, reference: str) -> HttpResponse:
    """The request page again, with the picked reply filled in and added to what the officer
    had typed in that form (nothing is sent: they read it, edit it and send it). Works
    without JavaScript (the Insert button submits the form here); with it, htmx swaps the
    page's main content in place."""
    sr = get_request(request.user, reference)
    into = request.POST.get("into", "")
    back = reverse("desk:work_request", args=[sr.reference])
    label = f"Back to request {sr.formatted_reference}"
    try:
        require(request.user, sr, Action.PUBLIC_UPDATE)
        if into in INSERT_INTO:
            require(request.user, sr, _action_needed(sr, into))
    except PermissionDenied as exc:
        return _forbidden(request, str(exc), back=back, label=label)
    if into not in INSERT_INTO:
        messages.error(request, "Choose a canned reply in one of the forms, then Insert.")
        return redirect(back)
    form_class, field = INSERT_INTO[into]
    initial = {
        name: request.POST.get(f"{into}-{name}", "")
        for name in form_class.base_fields
        if f"{into}-{name}" in request.POST
    }
    version = str(initial.get("version", ""))
    initial["version"] = int(version) if version.isdigit() else sr.version
    raw = request.POST.get("reply", "")
    reply = replies_for_request(request.user, sr).filter(pk=raw).first() if raw.isdigit() else None
    if reply is None:
        messages.error(request, "Choose one of the canned replies offered, then Insert.")
    else:
        typed = str(initial.get(field, "")).rstrip()
        filled = reply_text_for(request.user, reply, sr)
        initial[field] = f"{typed}\n\n{filled}" if typed else filled
    form = form_class(initial=initial, prefix=into)
    form.opened = True
    if not request.htmx:
        # A fresh page: focus the text. In place (htmx), focus stays on the Insert button
        # (htmx keeps it by its id), and its status line says what was inserted.
        form.fields[field].widget.attrs["autofocus"] = True
    context = _request_context(request, sr, {into: form})
    # Said beside the picker (role="status"), not in a banner: the page stays where it was.
    context["inserted"] = reply
    context["inserted_into"] = into
    return render(request, "work/request.html", context)


# --- saved views of the queue ---------------------------------------------------------------


@login_required
def saved_views(request: HttpRequest) -> HttpResponse:
    """Your saved views: open, rename, delete, choose the default (GET); save the queue's
    current filters and sort under a name (POST, from the queue)."""
    form = SaveViewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        query = clean_query(request.POST.get("query", ""))
        back = f"{reverse('desk:work_queue')}?{query}"
        if not form.is_valid():
            messages.error(request, form.errors["name"][0])
            return redirect(back)
        try:
            view = save_view(user=request.user, name=form.cleaned_data["name"], query=query)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        messages.success(request, f"Saved this view as “{view.name}”.")
        return redirect(back)
    return render(request, "casework/saved_views.html", {"views": my_views(request.user)})


@login_required
@require_POST
def saved_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename, delete, or make (or stop being) the default: the owner's alone (404 else)."""
    view = get_my_view(request.user, pk)
    do = request.POST.get("do", "")
    try:
        if do == "rename":
            old = view.name
            rename_view(user=request.user, view=view, name=request.POST.get("name", ""))
            messages.success(request, f"Renamed “{old}” to “{view.name}”.")
        elif do == "delete":
            delete_view(user=request.user, view=view)
            messages.success(request, f"Deleted “{view.name}”.")
        elif do == "default":
            set_default_view(user=request.user, view=view)
            messages.success(request, f"The work queue now opens with “{view.name}”.")
        elif do == "undefault":
            set_default_view(user=request.user, view=None)
            messages.success(request, "The work queue now opens with your teams' requests.")
        else:
            messages.error(request, "Choose rename, delete or default.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("desk:saved_views")


# --- bulk actions ---------------------------------------------------------------------------


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Change the status of the requests ticked on the queue, each checked on its own: the
    page lists every request with "Done" or why not."""
    user = request.user
    if not work_partner_ids(user):
        return _forbidden(
            request,
            "Only caseworkers, team leaders and managers change requests.",
            back=reverse("desk:work_queue"),
            label="Back to the work queue",
        )
    query = request.POST.get("query", "")
    back = f"{reverse('desk:work_queue')}?{query}" if query else reverse("desk:work_queue")
    versions: dict[int, int] = {}
    for raw in request.POST.getlist("requests"):
        pk, _, version = raw.partition(":")
        if pk.isdigit() and version.isdigit():
            versions[int(pk)] = int(version)
    available = list(bulk_replies(user))
    form = BulkForm(request.POST, replies=available)
    if not versions:
        messages.error(request, "Choose the requests to change.")
        return redirect(back)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    data = form.cleaned_data
    reply = next((r for r in available if str(r.pk) == data["bulk_reply"]), None)
    try:
        results = bulk_change(
            user=user,
            versions=versions,
            action=data["bulk_action"],
            outcome=data["bulk_outcome"],
            text=data["bulk_text"],
            tell_resident=data["bulk_tell"],
            reply=reply,
            until=data["bulk_until"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    done = [r for r in results if r.done]
    return render(
        request,
        "casework/bulk_result.html",
        {
            "results": results,
            "done_count": len(done),
            "not_done_count": len(results) - len(done),
            "choice": BULK_ACTIONS[data["bulk_action"]],
            "back": back,
            "reply": reply,
        },
    )
