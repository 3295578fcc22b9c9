"""The back office (/work/): a work queue per team, the request page with its actions, and
messages that failed to send.

Every change names the version of the request the officer was looking at (a hidden field);
a change made from an older copy is refused with a clear error, never silently applied.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from firstcontact.casework.selectors import default_view
from firstcontact.catalogue.answers import display_answer
from firstcontact.catalogue.models import Priority, Service
from firstcontact.customers.models import ConsentPurpose
from firstcontact.customers.selectors import visible_customers
from firstcontact.customers.services import record_consent
from firstcontact.desk.forms import (
    AssignForm,
    AttachForm,
    CloseForm,
    ComplaintEscalationForm,
    ComplaintResponseForm,
    NoteForm,
    PublicUpdateForm,
    QueueFilterForm,
    ReferForm,
    ReferralFeedbackForm,
    ReferralResponseForm,
    StatusForm,
    WithdrawReferralForm,
    apply_errors,
    error_dict,
)
from firstcontact.desk.services import (
    PROBLEM_STATUSES,
    bulk_assign,
    retry_notification,
    visible_notifications,
)
from firstcontact.partners.models import Membership, Partner, Team
from firstcontact.partners.selectors import acting_partner_ids
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.sar import csv_cell
from firstcontact.privacy.services import record_audit_event
from firstcontact.security import personal_data
from firstcontact.servicerequests.attachments import ACCEPT_DOCUMENTS, attach_file, check_file
from firstcontact.servicerequests.complaints import (
    draft_response,
    escalate_complaint,
    respond_to_complaint,
)
from firstcontact.servicerequests.models import (
    TRANSITIONS,
    Complaint,
    ComplaintStage,
    Referral,
    Status,
)
from firstcontact.servicerequests.permissions import (
    Action,
    may_act_on_request,
    may_respond_to_referral,
    require,
    work_partner_ids,
)
from firstcontact.servicerequests.queues import (
    SLA_FILTERS,
    SORTS,
    STATUS_OPEN,
    queue_teams,
    sla_state,
    work_queue,
)
from firstcontact.servicerequests.referrals import (
    REFERRAL_TRANSITIONS,
    awaiting_feedback,
    draft_feedback,
    give_feedback,
    notify_referral_received,
    resident_hears_back,
    respond_to_referral,
    withdraw_referral,
)
from firstcontact.servicerequests.selectors import (
    get_attachment,
    get_photo,
    get_request,
    request_files,
    request_updates,
    shows_internal_updates,
    sla_counts,
)
from firstcontact.servicerequests.services import (
    StaleEdit,
    add_update,
    assign_request,
    change_status,
    refer_request,
)

QUEUE_PAGE = 200


# --- the queue ----------------------------------------------------------------------------


def _default_team(user, teams) -> Team | None:
    membership = Membership.objects.filter(user=user, team__in=teams).select_related("team").first()
    return membership.team if membership else None


def _partner_staff(partner_ids):
    User = get_user_model()
    return (
        User.objects.filter(memberships__partner_id__in=partner_ids, is_active=True)
        .distinct()
        .order_by("first_name", "username")
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not request.GET and (saved := default_view(user)) is not None:
        # The officer's default saved view (casework); `?view=none` is the plain queue.
        return redirect(f"{reverse('desk:work_queue')}?{saved.query}")
    teams = list(queue_teams(user))
    team_by_id = {str(t.pk): t for t in teams}
    default_team = _default_team(user, teams)
    params = request.GET.copy()
    wants_csv = params.pop("format", [""])[-1] == "csv"
    if "team" not in params:
        params["team"] = str(default_team.pk) if default_team else ""
    team = team_by_id.get(params.get("team", ""))
    staff = list(_partner_staff(work_partner_ids(user)))
    form = QueueFilterForm(params)
    form.fields["team"].choices = [("", "All my partners' teams")] + [
        (str(t.pk), f"{t.partner.name} – {t.name}") for t in teams
    ]
    form.fields["service"].choices = [("", "Any service")] + [
        (str(s.pk), s.name)
        for s in Service.objects.filter(deliveries__isnull=False).distinct().order_by("name")
    ]
    form.fields["status"].choices = [
        (STATUS_OPEN, "Not closed"),
        *[(s.value, s.label) for s in Status],
    ]
    form.fields["sla"].choices = [("", "Any"), *SLA_FILTERS.items()]
    form.fields["assignee"].choices = [
        ("", "Anyone"),
        ("me", "Me"),
        ("none", "Nobody"),
        *[(str(u.pk), u.get_full_name() or u.get_username()) for u in staff],
    ]
    form.fields["priority"].choices = [("", "Any"), *Priority.choices]
    form.fields["sort"].choices = list(SORTS.items())
    valid = form.is_valid()
    filters = {
        k: form.cleaned_data.get(k) or ""
        for k in ("service", "status", "sla", "assignee", "priority", "sort")
    }
    now = timezone.now()
    requests = work_queue(
        user,
        team=team,
        service_id=int(filters["service"]) if filters["service"].isdigit() else None,
        status=filters["status"] or STATUS_OPEN,
        sla=filters["sla"],
        assignee=filters["assignee"],
        now=now,
        priority=int(filters["priority"]) if filters["priority"].isdigit() else None,
        sort=filters["sort"] or "due",
    )
    # A bad filter is dropped on the page (with its error shown); an export of "not quite what
    # you asked for" would mislead, so a CSV is only given for filters that all apply.
    if wants_csv and valid:
        return _queue_csv(request, requests, team=team, now=now)
    counts = sla_counts(work_queue(user, team=team, now=now), now=now)
    rows = list(requests[: QUEUE_PAGE + 1])
    context = {
        "form": form,
        "team": team,
        "requests": rows[:QUEUE_PAGE],
        "more": len(rows) > QUEUE_PAGE,
        "counts": counts,
        "staff": staff,
        "now": now,
        "query_string": params.urlencode(),
        "acting_ids": work_partner_ids(user),
        "sorted_by": SORTS.get(filters["sort"], SORTS["due"]).lower(),
    }
    if request.htmx and request.htmx.target == "queue-results":
        return render(request, "work/includes/queue_results.html", context)
    return render(request, "work/queue.html", context)


QUEUE_CSV_HEADER = [
    "Reference",
    "Service",
    "Status",
    "Priority",
    "Partner",
    "Team",
    "Assigned to",
    "Created",
    "SLA due",
    "SLA state",
]


def _csv_line(values) -> str:
    class _Line:
        def write(self, value: str) -> str:
            return value

    return csv.writer(_Line()).writerow([csv_cell(v) for v in values])


def _queue_csv(request: HttpRequest, requests, *, team: Team | None, now) -> StreamingHttpResponse:
    """The filtered queue as CSV, streamed: the page's columns without the address, so the
    file holds no customer personal data."""
    record_audit_event(
        user=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="work_queue",
        object_id=team.pk if team else "-",
        detail=f"CSV of the work queue ({request.GET.urlencode()[:400]})",
    )

    def stamp(value) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def lines():
        yield _csv_line(QUEUE_CSV_HEADER)
        for sr in requests.iterator(chunk_size=500):
            yield _csv_line(
                [
                    sr.formatted_reference,
                    sr.service.name,
                    sr.get_status_display(),
                    sr.get_priority_display(),
                    sr.responsible_partner.name,
                    sr.team.name if sr.team else "",
                    (sr.assignee.get_full_name() or sr.assignee.get_username())
                    if sr.assignee
                    else "",
                    stamp(sr.created_at),
                    stamp(sr.sla_due_at),
                    sla_state(sr, now).label,
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="work-queue-{name}.csv"'
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_POST
def queue_assign(request: HttpRequest) -> HttpResponse:
    back = reverse("desk:work_queue")
    if request.POST.get("query"):
        back = f"{back}?{request.POST['query']}"
    versions = {}
    for raw in request.POST.getlist("requests"):
        pk, _, version = raw.partition(":")
        if pk.isdigit() and version.isdigit():
            versions[int(pk)] = int(version)
    if not versions:
        messages.error(request, "Choose the requests to assign.")
        return redirect(back)
    raw_assignee = request.POST.get("assignee", "")
    assignee = None
    if raw_assignee.isdigit():
        assignee = _partner_staff(work_partner_ids(request.user)).filter(pk=raw_assignee).first()
        if assignee is None:
            messages.error(request, "Choose someone who works with you.")
            return redirect(back)
    elif raw_assignee != "none":
        messages.error(request, "Choose who to assign them to.")
        return redirect(back)
    result = bulk_assign(user=request.user, versions=versions, assignee=assignee)
    if result.assigned:
        messages.success(request, f"Assigned {len(result.assigned)} request(s).")
    if result.stale:
        messages.error(
            request,
            "Not assigned, because someone else changed them after you loaded the queue: "
            f"{', '.join(result.stale)}. Check them and try again.",
        )
    if result.refused:
        messages.error(
            request,
            "Not assigned (closed, not yours to assign, or the person does not work for the "
            f"partner responsible): "
            f"{', '.join(result.refused)}.",
        )
    return redirect(back)


# --- the request page ---------------------------------------------------------------------


def _referral_targets(sr):
    return (
        Partner.objects.exclude(pk=sr.responsible_partner_id)
        .prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))
        .order_by("name")
    )


def _forms_for(sr, user, bound: dict | None = None) -> dict:
    """The action forms on the request page, each at the version shown."""
    initial = {"version": sr.version}
    bound = bound or {}
    responsible_ids = [sr.responsible_partner_id]
    forms = {
        "note": NoteForm(initial=initial, prefix="note"),
        "public": PublicUpdateForm(initial=initial, prefix="public"),
        "assign": AssignForm(
            initial={**initial, "assignee": str(sr.assignee_id or "")},
            users=_partner_staff(responsible_ids),
            teams=Team.objects.filter(partner_id=sr.responsible_partner_id),
            prefix="assign",
        ),
        "hold": StatusForm(initial=initial, prefix="hold"),
        "resume": StatusForm(initial=initial, prefix="resume"),
        "acknowledge": StatusForm(initial=initial, prefix="acknowledge"),
        "start": StatusForm(initial=initial, prefix="start"),
        "close": CloseForm(initial=initial, prefix="close"),
        "refer": ReferForm(initial=initial, partners=_referral_targets(sr), prefix="refer"),
        "attach": AttachForm(initial=initial, prefix="attach"),
    }
    if Complaint.objects.filter(request=sr).exists():
        forms["complaint_respond"] = ComplaintResponseForm(
            initial={**initial, "letter": draft_response(sr)}, prefix="complaint_respond"
        )
        forms["complaint_escalate"] = ComplaintEscalationForm(
            initial=initial, prefix="complaint_escalate"
        )
    forms.update(bound)
    return forms


def _permissions(user, sr, complaint) -> dict[str, bool]:
    """Which action forms the user may use on the request (permissions.ACTION_ROLES)."""
    can = {action.value: may_act_on_request(user, sr, action) for action in Action}
    if complaint is not None and complaint.stage == ComplaintStage.STAGE_2:
        # The final response is the team leaders' and managers'.
        can["complaint_respond"] = can["complaint_final"]
    return can


def _request_context(request: HttpRequest, sr, bound: dict | None = None) -> dict:
    user = request.user
    internal = shows_internal_updates(user, sr)
    referrals = (
        list(sr.referrals.select_related("to_partner", "to_team", "from_partner", "consent"))
        if internal
        else []
    )
    my_referrals = [
        (r, ReferralResponseForm(states=_referral_states(r), prefix=f"referral{r.pk}"))
        for r in referrals
        if may_respond_to_referral(user, r) and REFERRAL_TRANSITIONS.get(r.state)
    ]
    bound_referral = None
    if bound and "referral" in bound:
        bound = dict(bound)
        referral_id, bound_referral = bound.pop("referral")
        my_referrals = [(r, bound_referral if r.pk == referral_id else f) for r, f in my_referrals]
    updates = request_updates(user, sr)
    customer = None
    if sr.customer_id and visible_customers(user).filter(pk=sr.customer_id).exists():
        customer = sr.customer
    complaint = Complaint.objects.filter(request=sr).first()
    allowed = TRANSITIONS[sr.status]
    can = _permissions(user, sr, complaint)
    forms = _forms_for(sr, user, bound)
    photos, attachments = request_files(user, sr)
    feedback, withdrawals = _referral_forms(sr, referrals, can, bound or {})
    failed = [f for f in (bound or {}).values() if getattr(f, "errors", None)]
    if bound_referral is not None and bound_referral.errors:
        failed.append(bound_referral)
    return {
        "form": failed[0] if failed else None,
        "sr": sr,
        "updates": updates,
        "public_updates": [u for u in updates if u.public],
        "internal_shown": internal,
        "referrals": referrals,
        "my_referrals": my_referrals,
        "customer": customer,
        "customer_withheld": sr.customer_id is not None and customer is None,
        "is_responsible": sr.responsible_partner_id in acting_partner_ids(user),
        "can_act": any(can[a] for a in WORK_ACTIONS),
        "can": can,
        "allowed": {s: s in allowed for s in Status.values},
        "forms": forms,
        "complaint": complaint,
        "now": timezone.now(),
        "attributes": _attribute_rows(sr),
        "photos": photos,
        "attachments": attachments,
        "accept_files": ACCEPT_DOCUMENTS,
        "feedback_forms": feedback,
        "withdraw_forms": withdrawals,
        "hears_back": bool(feedback) and resident_hears_back(sr),
    }


def _referral_forms(sr, referrals, can, bound: dict) -> tuple[list, list]:
    """The prompts to tell the resident what a partner did (drafted from its outcome), and a
    withdraw form per open referral, for those who may use them; a bound form (with errors)
    replaces its referral's."""

    def pick(action, referral_pk, fresh):
        form = bound.get(action)
        if form is not None and str(form.data.get(f"{action}-referral")) == str(referral_pk):
            return form
        return fresh

    initial = {"version": sr.version}
    feedback = []
    if can.get(Action.REFERRAL_FEEDBACK):
        for r in awaiting_feedback(sr):
            fresh = ReferralFeedbackForm(
                initial={**initial, "referral": r.pk, "text": draft_feedback(r)},
                prefix="referral_feedback",
            )
            feedback.append((r, pick("referral_feedback", r.pk, fresh)))
    withdrawals = []
    if can.get(Action.WITHDRAW_REFERRAL):
        for r in referrals:
            if r.state in (Referral.State.SENT, Referral.State.ACCEPTED):
                fresh = WithdrawReferralForm(
                    initial={**initial, "referral": r.pk}, prefix="withdraw_referral"
                )
                withdrawals.append((r, pick("withdraw_referral", r.pk, fresh)))
    return feedback, withdrawals


def _forbidden(request: HttpRequest, reason: str, *, back: str = "", label: str = ""):
    """403: the user may see this but not do it (docs/access.md)."""
    return render(
        request,
        "desk/forbidden.html",
        {"reason": reason, "back": back, "back_label": label},
        status=403,
    )


def _referral_states(referral):
    return [
        (state, Referral.State(state).label)
        for state in REFERRAL_TRANSITIONS.get(referral.state, [])
    ]


def _attribute_rows(sr) -> list[tuple[str, str]]:
    specs = {a.code: a for a in sr.service.attributes.all()}
    rows = []
    for code, value in (sr.attributes or {}).items():
        spec = specs.get(code)
        label = spec.description if spec else code
        # Dates as dates ("30 November 2026"), choices by name.
        rows.append((label, display_answer(spec, value)))
    return rows


@login_required
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    sr = get_request(request.user, reference)
    return render(request, "work/request.html", _request_context(request, sr))


ACTIONS = {
    "note",
    "public",
    "assign",
    "acknowledge",
    "start",
    "hold",
    "resume",
    "close",
    "refer",
    "complaint_respond",
    "complaint_escalate",
    "attach",
    "referral_feedback",
    "withdraw_referral",
}


@login_required
@require_POST
def request_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("No such action.")
    sr = get_request(request.user, reference)
    needed = _action_needed(sr, action)
    try:
        require(request.user, sr, needed)
    except PermissionDenied as exc:
        # Seen but not theirs to change: a hub's advisers, referred and sharing partners.
        return _forbidden(
            request,
            str(exc),
            back=reverse("desk:work_request", args=[sr.reference]),
            label=f"Back to request {sr.formatted_reference}",
        )
    handler = _HANDLERS[action]
    form, done = handler(request, sr)
    if done:
        messages.success(request, done)
        return redirect("desk:work_request", reference=sr.reference)
    # Re-read: the page shows the current state (and version) with the form's errors.
    sr = get_request(request.user, reference)
    if getattr(form, "stale", False):
        # A stale form keeps what the officer typed but must not carry the old version again.
        data = form.data.copy()
        data[form.add_prefix("version")] = str(sr.version)
        form.data = data
    return render(request, "work/request.html", _request_context(request, sr, {action: form}))


# The actions that make the request page show its Actions section.
WORK_ACTIONS = [a.value for a in Action if a != Action.RETRY_NOTIFICATION]


def _action_needed(sr, action: str) -> Action:
    """The permission an action of the request page needs: a complaint response at stage 2
    is the final response."""
    if action == "complaint_respond":
        complaint = Complaint.objects.filter(request=sr).first()
        if complaint is not None and complaint.stage == ComplaintStage.STAGE_2:
            return Action.COMPLAINT_FINAL
    return Action(action)


def _run(form, call, mapping=None) -> bool:
    try:
        call()
    except StaleEdit as exc:
        form.add_error(None, error_dict(exc).get("version", exc.messages)[0])
        form.stale = True
        return False
    except ValidationError as exc:
        apply_errors(form, error_dict(exc), mapping)
        return False
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return False
    return True


def _update(form_class, prefix: str, *, public: bool, done: str):
    """A handler adding an internal note or a public update to the timeline."""

    def handle(request, sr):
        form = form_class(request.POST, prefix=prefix)
        if form.is_valid() and _run(
            form,
            lambda: add_update(
                user=request.user,
                request=sr,
                text=form.cleaned_data["text"],
                public=public,
                expected_version=form.cleaned_data["version"],
            ),
        ):
            return form, done
        return form, None

    return handle


def _assign(request, sr):
    form = AssignForm(
        request.POST,
        users=_partner_staff([sr.responsible_partner_id]),
        teams=Team.objects.filter(partner_id=sr.responsible_partner_id),
        prefix="assign",
    )
    if form.is_valid():
        raw = form.cleaned_data["assignee"]
        assignee = (
            _partner_staff([sr.responsible_partner_id]).filter(pk=raw).first() if raw else None
        )
        if _run(
            form,
            lambda: assign_request(
                user=request.user,
                request=sr,
                assignee=assignee,
                team=form.cleaned_data["team"],
                expected_version=form.cleaned_data["version"],
            ),
        ):
            who = (assignee.get_full_name() or assignee.get_username()) if assignee else "nobody"
            return form, f"Assigned to {who}."
    return form, None


def _status(status: str, done: str, *, default_public: bool = False):
    def handler(request, sr):
        form = StatusForm(request.POST, prefix=request.resolver_match.kwargs["action"])
        if form.is_valid() and _run(
            form,
            lambda: change_status(
                user=request.user,
                request=sr,
                status=status,
                expected_version=form.cleaned_data["version"],
                text=form.cleaned_data["text"],
                public=form.cleaned_data["tell_resident"] or default_public,
            ),
        ):
            return form, done
        return form, None

    return handler


def _close(request, sr):
    form = CloseForm(request.POST, prefix="close")
    if form.is_valid() and _run(
        form,
        lambda: change_status(
            user=request.user,
            request=sr,
            status=Status.CLOSED,
            outcome=form.cleaned_data["outcome"],
            text=form.cleaned_data["text"],
            public=True,
            expected_version=form.cleaned_data["version"],
        ),
    ):
        return form, "Request closed. The resident has been sent your message."
    return form, None


def _refer(request, sr):
    form = ReferForm(request.POST, partners=_referral_targets(sr), prefix="refer")
    if not form.is_valid():
        return form, None
    target = form.cleaned_data["to"]
    to_team = None
    if target.startswith("t"):
        to_team = Team.objects.select_related("partner").filter(pk=target[1:]).first()
        to_partner = to_team.partner if to_team else None
    else:
        to_partner = Partner.objects.filter(pk=target[1:]).first()
    if to_partner is None:
        form.add_error("to", "Choose a partner or team.")
        return form, None
    consent = None
    data = form.cleaned_data

    # The consent and the referral it allows are stored together or not at all.
    @transaction.atomic
    def refer():
        nonlocal consent
        if sr.customer_id and data["consent_given"]:
            consent = record_consent(
                user=request.user,
                customer=sr.customer,
                purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
                recipient=to_partner,
                how=data["consent_how"]
                or f"Told {request.user.get_username()} when referring {sr.formatted_reference}",
            )
        referral = refer_request(
            user=request.user,
            request=sr,
            to_partner=to_partner,
            to_team=to_team,
            reason=data["reason"],
            consent=consent,
            expected_version=data["version"],
        )
        notify_referral_received(referral)

    if _run(form, refer, {"to_partner": "to", "to_team": "to", "consent": "consent_given"}):
        return form, f"Referred to {to_team or to_partner}."
    return form, None


def _complaint_respond(request, sr):
    form = ComplaintResponseForm(request.POST, prefix="complaint_respond")
    if form.is_valid() and _run(
        form,
        lambda: respond_to_complaint(
            user=request.user,
            request=sr,
            decision=form.cleaned_data["decision"],
            letter=form.cleaned_data["letter"],
            expected_version=form.cleaned_data["version"],
        ),
    ):
        return form, "Response sent and the complaint closed."
    return form, None


def _complaint_escalate(request, sr):
    form = ComplaintEscalationForm(request.POST, prefix="complaint_escalate")
    if form.is_valid() and _run(
        form,
        lambda: escalate_complaint(
            user=request.user,
            request=sr,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        ),
    ):
        return form, f"Escalated to {ComplaintStage.STAGE_2.label.lower()}."
    return form, None


def _attach(request, sr):
    form = AttachForm(request.POST, request.FILES, prefix="attach")
    if not form.is_valid():
        return form, None
    attached = []

    def attach():
        checked = check_file(form.cleaned_data["file"])
        attached.append(
            attach_file(
                user=request.user,
                request=sr,
                checked=checked,
                description=form.cleaned_data["description"],
                expected_version=form.cleaned_data["version"],
            )
        )

    if _run(form, attach):
        return form, f"Attached {attached[0].name}."
    return form, None


def _referral_feedback(request, sr):
    form = ReferralFeedbackForm(request.POST, prefix="referral_feedback")
    publish = "skip" not in request.POST
    if form.is_valid() and _run(
        form,
        lambda: give_feedback(
            user=request.user,
            request=sr,
            referral_id=form.cleaned_data["referral"],
            text=form.cleaned_data["text"],
            publish=publish,
            expected_version=form.cleaned_data["version"],
        ),
    ):
        if not publish:
            return form, "Noted: no update to the resident."
        if resident_hears_back(sr):
            return form, "Update added: the resident can see it and has been sent it."
        return form, (
            "Update added: the resident sees it when they track their request. It was not "
            "sent, as they have not agreed to hear from us."
        )
    return form, None


def _withdraw_referral(request, sr):
    form = WithdrawReferralForm(request.POST, prefix="withdraw_referral")
    if form.is_valid() and _run(
        form,
        lambda: withdraw_referral(
            user=request.user,
            request=sr,
            referral_id=form.cleaned_data["referral"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        ),
    ):
        return form, "Referral withdrawn: the partner has been told."
    return form, None


_HANDLERS = {
    "note": _update(NoteForm, "note", public=False, done="Internal note added."),
    "public": _update(
        PublicUpdateForm,
        "public",
        public=True,
        done="Update added: the resident can see it and has been sent it.",
    ),
    "assign": _assign,
    "acknowledge": _status(Status.ACKNOWLEDGED, "Acknowledged."),
    "start": _status(Status.IN_PROGRESS, "Marked as in progress."),
    "hold": _status(Status.ON_HOLD, "Put on hold: the service standard clock is paused."),
    "resume": _status(Status.IN_PROGRESS, "Resumed: the clock is running again."),
    "close": _close,
    "refer": _refer,
    "complaint_respond": _complaint_respond,
    "complaint_escalate": _complaint_escalate,
    "attach": _attach,
    "referral_feedback": _referral_feedback,
    "withdraw_referral": _withdraw_referral,
}


@login_required
@require_POST
def referral_respond(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    sr = get_request(request.user, reference)
    referral = get_object_or_404(Referral.objects.filter(request=sr), pk=pk)
    if not may_respond_to_referral(request.user, referral):
        return _forbidden(
            request,
            "Only caseworkers, team leaders and managers of the partner a referral was sent "
            "to can answer it, while it is open.",
            back=reverse("desk:work_request", args=[sr.reference]),
            label=f"Back to request {sr.formatted_reference}",
        )
    form = ReferralResponseForm(
        request.POST, states=_referral_states(referral), prefix=f"referral{referral.pk}"
    )
    if form.is_valid() and _run(
        form,
        lambda: respond_to_referral(
            user=request.user,
            referral=referral,
            state=form.cleaned_data["state"],
            outcome=form.cleaned_data["outcome"],
        ),
    ):
        messages.success(request, "Referral updated: the responsible team can see it.")
        return redirect("desk:work_request", reference=sr.reference)
    sr = get_request(request.user, reference)
    return render(
        request, "work/request.html", _request_context(request, sr, {"referral": (pk, form)})
    )


# --- photos and attachments ----------------------------------------------------------------


def _file_response(stored, content_type: str, download_name: str, *, inline: bool):
    """A stored file for staff: never cached, never sniffed as something else, and anything
    but a photo downloaded rather than opened in the page's origin."""
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The file is no longer kept.") from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=download_name
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
@personal_data
def photo_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident's photo of a request, for staff who read its internal timeline (not the
    public Open311 copy): 404 for anyone else, audited."""
    photo = get_photo(request.user, pk)
    name = f"{photo.request.reference}-photo-{photo.pk}.{photo.extension}"
    return _file_response(photo.file, photo.content_type, name, inline=True)


@login_required
@personal_data
def attachment_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A file kept with a request (staff's or a resident's evidence), as for photos."""
    attachment = get_attachment(request.user, pk)
    return _file_response(
        attachment.file, attachment.content_type, attachment.name, inline=attachment.is_image
    )


# --- notifications ------------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    rows = (
        visible_notifications(request.user)
        .filter(status__in=PROBLEM_STATUSES)
        .select_related("service_request")
        .order_by("-created_at")[:200]
    )
    return render(request, "work/notifications.html", {"notifications": rows})


@login_required
@require_POST
def notification_retry(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(visible_notifications(request.user), pk=pk)
    try:
        retry_notification(user=request.user, notification=notification)
    except PermissionDenied as exc:
        return _forbidden(
            request,
            str(exc),
            back=reverse("desk:work_notifications"),
            label="Back to failed messages",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Message to {notification.recipient} queued to send again.")
    return redirect("desk:work_notifications")
