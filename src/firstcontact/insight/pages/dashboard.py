"""The contact centre dashboard: calls, contacts and their cost, channel shift, first-contact
resolution, SLA compliance and satisfaction for a period, scoped to the user's partners."""

from __future__ import annotations

from collections import defaultdict

from django.http import HttpRequest, HttpResponse

from firstcontact.customers.models import Channel
from firstcontact.insight import indicators, rollups
from firstcontact.insight.forms import PeriodForm
from firstcontact.insight.indicators import CallStats, Thresholds, local_day_bounds, local_zone
from firstcontact.insight.models import IndicatorSettings
from firstcontact.insight.pages.base import insight_staff, render_page
from firstcontact.insight.pages.satisfaction import satisfaction_table
from firstcontact.insight.reports import (
    CALL_COLUMNS,
    INTERVAL_NAMES,
    Chart,
    Report,
    Total,
    bucket_label,
    call_row,
    pct,
)
from firstcontact.insight.scoping import (
    insight_partner_ids,
    scoped_contacts,
    scoped_partners,
    scoped_queues,
    scoped_requests,
)
from firstcontact.insight.tables import Column, Table
from firstcontact.insight.targets import against_target, default_fcr_target, fcr_targets
from firstcontact.partners.models import Partner

CHANNEL_LABELS = dict(Channel.choices)

CALLS_BY_QUEUE = Report(
    name="calls-by-queue",
    caption="Calls by queue",
    columns=(Column("queue", "Queue"), Column("partner", "Partner"), Column("service", "Service"))
    + CALL_COLUMNS,
    note="Service level: answered within {service_level_seconds} seconds. "
    "Callers who hung up within {short_abandon_seconds} seconds are left out.",
)

CALLS_BY_PARTNER = Report(
    name="calls-by-partner",
    caption="Calls by partner",
    columns=(Column("partner", "Partner"),) + CALL_COLUMNS,
)

CALLS_OVER_TIME = Report(
    name="calls-over-time",
    caption="Calls by {interval_name}",
    columns=(Column("period", "Period starting", "date"),) + CALL_COLUMNS[:7],
    charts=(
        Chart(
            "bar",
            title="Calls answered and abandoned",
            description="Stacked bars of calls answered, abandoned and otherwise not answered "
            "for each period from {first:%-d %B %Y} to {last:%-d %B %Y}.",
            category="label",
            series=(
                ("Answered", "answered"),
                ("Abandoned", "abandoned"),
                ("Other not answered", "other"),
            ),
        ),
        Chart(
            "line",
            title="Service level",
            description="Share of calls answered within {service_level_seconds} seconds, each "
            "period, against the target of {target:.0%}.",
            category="label",
            series=(("Service level", "service_level"),),
            percent=True,
            target="target",
        ),
    ),
    charts_when_empty=True,
)

CONTACTS_BY_CHANNEL = Report(
    name="contacts-by-channel",
    caption="Contacts by channel, and what they cost",
    columns=(
        Column("channel", "Channel"),
        Column("contacts", "Contacts", "int"),
        Column("share", "Share", "rate"),
        Column("unit_cost", "Cost each", "money"),
        Column("cost", "Cost", "money"),
    ),
    charts=(
        Chart(
            "bar",
            title="Contacts by channel",
            description="One bar for each channel: the number of contacts from "
            "{first:%-d %B %Y} to {last:%-d %B %Y}.",
            category="channel",
            series=(("Contacts", "contacts"),),
        ),
    ),
    note="Cost each: the partnership's unit costs (admin: Unit costs); the total row's "
    "cost each is the mean cost per contact.",
)

CHANNEL_SHIFT = Report(
    name="channel-shift",
    caption="Channel shift by month",
    columns=(
        Column("month", "Month"),
        Column("contacts", "Contacts", "int"),
        Column("digital", "Digital share", "rate"),
        Column("phone", "Phone", "rate"),
        Column("face_to_face", "Face to face", "rate"),
        Column("cost", "Cost per contact", "money"),
    ),
    charts=(
        Chart(
            "line",
            title="Digital share of contacts",
            description="Share of contacts by web, Open311, email, text, kiosk and social "
            "media, and by phone, each month.",
            category="label",
            series=(("Digital", "digital"), ("Phone", "phone")),
            percent=True,
        ),
    ),
)

FIRST_CONTACT_RESOLUTION = Report(
    name="first-contact-resolution",
    caption="First-contact resolution by partner",
    columns=(
        Column("partner", "Partner"),
        Column("eligible", "Ended contacts", "int"),
        Column("resolved", "Resolved at first contact", "int"),
        Column("fcr", "First-contact resolution", "rate"),
        Column("against_target", "Against target"),
    ),
    footer=Total(
        "All partners", sums=("eligible", "resolved"), ratios={"fcr": ("resolved", "eligible")}
    ),
    note="Resolved includes contacts signposted to a service. Abandoned contacts are left out: "
    "they had no chance of resolution. Each partner's target is the one in its shared-service "
    "agreement where one is in force, else the partnership's.",
)

FCR_BY_OUTCOME = Report(
    name="fcr-by-outcome",
    caption="Ended contacts by outcome",
    columns=(
        Column("outcome", "Outcome"),
        Column("contacts", "Contacts", "int"),
        Column("share", "Share of ended contacts", "rate"),
        Column("counts_as", "In first-contact resolution"),
    ),
    footer=Total("All outcomes", sums=("contacts",)),
    note="Resolved and signposted contacts both count as resolved at first contact.",
)

SLA_COMPLIANCE = Report(
    name="sla-compliance",
    caption="Service requests closed within their SLA, by responsible partner",
    columns=(
        Column("partner", "Partner"),
        Column("closed", "Closed (with an SLA)", "int"),
        Column("on_time", "Closed on time", "int"),
        Column("rate", "SLA compliance", "rate"),
        Column("overdue", "Open and overdue now", "int"),
    ),
    footer=Total(
        "All partners",
        sums=("closed", "on_time", "overdue"),
        ratios={"rate": ("on_time", "closed")},
    ),
)


@insight_staff
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    partners = scoped_partners(user)
    form = PeriodForm(request.GET or None, partners=partners)
    first, last = form.period()
    valid = form.is_bound and form.is_valid()
    interval = form.cleaned_data.get("interval", "day") if valid else "day"
    partner = form.cleaned_data.get("partner") if valid else None
    service = form.cleaned_data.get("service") if valid else None
    settings_ = IndicatorSettings.current()
    thresholds = Thresholds(settings_.service_level_seconds, settings_.short_abandon_seconds)
    start, end = local_day_bounds(first, last)
    partner_ids = insight_partner_ids(user)
    if partner is not None:
        partner_ids = {partner.pk}
    context = {
        "first": first,
        "last": last,
        "service_level_seconds": thresholds.service_level_seconds,
        "short_abandon_seconds": thresholds.short_abandon_seconds,
        "target": settings_.service_level_target,
        "interval_name": INTERVAL_NAMES[interval],
    }

    queues = list(scoped_queues(user))
    if partner is not None:
        queues = [q for q in queues if q.partner_id == partner.pk]
    if service is not None:
        queues = [q for q in queues if q.service_id == service.pk]
    tables: list[Table] = []

    # Calls by queue: the footer is the queues' call figures added up, then its rates.
    by_queue = rollups.daily_call_stats(
        queues, first, last, group_by="queue", thresholds=thresholds
    )
    queue_names = {q.pk: q for q in queues}
    queue_rows = []
    total = CallStats()
    for (qid, _), s in sorted(by_queue.items(), key=lambda kv: str(queue_names[kv[0][0]])):
        q = queue_names[qid]
        total = total + s
        queue_rows.append(
            call_row(
                {
                    "queue": q.display_name,
                    "partner": q.partner.name if q.partner else "Not mapped",
                    "service": q.service.name if q.service else "–",
                },
                s,
            )
        )
    tables.append(
        CALLS_BY_QUEUE.table(
            queue_rows,
            footer=call_row({"queue": "All queues", "partner": "", "service": ""}, total)
            if queue_rows
            else None,
            context=context,
        )
    )

    by_partner = rollups.daily_call_stats(
        queues, first, last, group_by="partner", thresholds=thresholds
    )
    partner_names_all = dict(Partner.objects.values_list("pk", "name"))
    tables.append(
        CALLS_BY_PARTNER.table(
            [
                call_row({"partner": partner_names_all.get(pid, "Not mapped")}, s)
                for (pid, _), s in sorted(
                    by_partner.items(), key=lambda kv: partner_names_all.get(kv[0][0], "~")
                )
            ]
        )
    )

    intraday = interval in indicators.SUB_DAY_INTERVALS
    over_time = rollups.daily_call_stats(
        queues, first, last, interval=interval, thresholds=thresholds, use_rollups=not intraday
    )
    time_rows = []
    for b in indicators.bucket_starts(start, end, interval):
        s = over_time.get((None, b), CallStats())
        row = call_row({"period": b if intraday else b.date()}, s)
        row["label"] = bucket_label(b, interval, several_days=first != last)
        row["other"] = s.offered - s.answered - s.abandoned
        time_rows.append(row)
    tables.append(
        CALLS_OVER_TIME.table(
            time_rows,
            columns=[Column("period", "Period starting", "datetime" if intraday else "date")]
            + list(CALL_COLUMNS[:7]),
            context=context,
        )
    )

    # Contacts by channel, cost and channel shift: one read, by month; the period's totals
    # are the months summed.
    use_contact_rollups = service is None
    if use_contact_rollups:
        contact_rows = rollups.daily_contact_counts(partner_ids, first, last, interval="month")
    else:
        contact_rows = _contact_rows_for_service(user, partner_ids, service, start, end, "month")
    counts = rollups.channel_counts(contact_rows)
    costs = indicators.unit_costs()
    cost = indicators.cost_per_contact(counts, costs)
    total_contacts = sum(counts.values())
    tables.append(
        CONTACTS_BY_CHANNEL.table(
            [
                {
                    "channel": CHANNEL_LABELS[ch],
                    "contacts": n,
                    "share": n / total_contacts if total_contacts else None,
                    "unit_cost": costs.get(ch),
                    "cost": cost.by_channel[ch],
                }
                for ch, n in counts.items()
            ],
            footer={
                "channel": "All channels",
                "contacts": total_contacts,
                "share": 1.0 if total_contacts else None,
                "unit_cost": cost.per_contact,
                "cost": cost.total,
            },
            context=context,
        )
    )
    tables.append(_channel_shift_table(contact_rows, costs))

    partner_names = dict(Partner.objects.values_list("pk", "name"))
    tables.append(_fcr_table(user, partner, service, contact_rows, use_contact_rollups, start, end))
    tables.append(_fcr_by_outcome_table(user, partner_ids, service, start, end))

    requests = scoped_requests(user)
    if partner is not None:
        requests = requests.filter(responsible_partner=partner)
    if service is not None:
        requests = requests.filter(service=service)
    tables.append(
        SLA_COMPLIANCE.table(
            [
                {
                    "partner": partner_names[pid],
                    "closed": result.closed,
                    "on_time": result.on_time,
                    "rate": result.rate,
                    "overdue": result.open_overdue,
                }
                for pid, result in indicators.sla_compliance_by(
                    requests, start=start, end=end
                ).items()
            ]
        )
    )

    tables.append(satisfaction_table(user, partner, service, start, end, partner_names))
    summary = [
        ("Calls offered", f"{total.offered:,}"),
        (
            f"Service level (answered within {thresholds.service_level_seconds} seconds; "
            f"target {settings_.service_level_target:.0%})",
            pct(total.service_level),
        ),
        ("Abandonment rate", pct(total.abandonment_rate)),
        ("Contacts, all channels", f"{total_contacts:,}"),
        ("Mean cost per contact", "–" if cost.per_contact is None else f"£{cost.per_contact:,.2f}"),
    ]
    page = {
        "form": form,
        "first": first,
        "last": last,
        "summary": summary,
        "thresholds": thresholds,
        "target": settings_.service_level_target,
        "contacts_total": total_contacts,
        "cost": cost,
        "rollup_calls": rollups.rolled_days(rollups.CALLS),
        "rollup_contacts": rollups.rolled_days(rollups.CONTACTS),
    }
    return render_page(request, "insight/dashboard.html", page, tables)


def _channel_shift_table(contact_rows: list[dict], costs) -> Table:
    months: dict = defaultdict(lambda: dict.fromkeys(Channel.values, 0))
    for row in contact_rows:
        months[row["bucket"]][row["channel"]] += row["contacts"]
    month_keys = sorted(months)
    rows = []
    for m in month_keys:
        c = months[m]
        n = sum(c.values())
        digital = sum(v for ch, v in c.items() if ch in indicators.DIGITAL_CHANNELS)
        rows.append(
            {
                "month": f"{m:%B %Y}",
                "label": f"{m:%b %Y}",
                "contacts": n,
                "digital": digital / n if n else None,
                "phone": c[Channel.PHONE] / n if n else None,
                "face_to_face": c[Channel.FACE_TO_FACE] / n if n else None,
                "cost": indicators.cost_per_contact(c, costs).per_contact,
            }
        )
    saving = (
        indicators.channel_shift_saving(months[month_keys[0]], months[month_keys[-1]], costs)
        if len(month_keys) > 1
        else None
    )
    return CHANNEL_SHIFT.table(
        rows,
        note=(
            f"Implied saving from channel shift: £{saving:,.2f} — what "
            f"{month_keys[-1]:%B %Y}'s contacts would have cost with "
            f"{month_keys[0]:%B %Y}'s mix of channels, less what they cost."
            if saving is not None
            else "Choose a period spanning two months or more to see the saving from channel shift."
        ),
    )


def _fcr_table(user, partner, service, contact_rows, use_contact_rollups, start, end) -> Table:
    partner_names = dict(Partner.objects.values_list("pk", "name"))
    fcr: dict = defaultdict(lambda: [0, 0])
    if use_contact_rollups:
        for row in contact_rows:
            f = fcr[row["partner_id"]]
            f[0] += row["ended"] - row["abandoned"]
            f[1] += row["resolved"]
    else:
        from firstcontact.contacts.models import Contact

        contacts = scoped_contacts(user).filter(
            pk__in=Contact.objects.filter(reasons=service).values("pk")
        )
        if partner is not None:
            contacts = contacts.filter(partner=partner)
        for pid, result in indicators.first_contact_resolution_by_partner(
            contacts, start=start, end=end
        ).items():
            fcr[pid] = [result.eligible, result.resolved]
    targets = fcr_targets(fcr)
    rows = [
        {
            "partner": partner_names[pid],
            "eligible": e,
            "resolved": r,
            "fcr": r / e if e else None,
            "against_target": against_target(r / e if e else None, targets[pid]),
        }
        for pid, (e, r) in sorted(fcr.items(), key=lambda kv: partner_names[kv[0]])
    ]
    footer = FIRST_CONTACT_RESOLUTION.footer(rows, FIRST_CONTACT_RESOLUTION.columns)
    if footer is not None:
        # The partnership as a whole is held to its own default target.
        footer["against_target"] = against_target(footer["fcr"], default_fcr_target())
    return FIRST_CONTACT_RESOLUTION.table(rows, footer=footer)


def _fcr_by_outcome_table(user, partner_ids, service, start, end) -> Table:
    """Ended contacts by how they ended, and which of them FCR counts as resolved (so a desk
    sees signposting counted, and abandoned or timed-out contacts left out)."""
    from django.db.models import Count

    from firstcontact.contacts.models import FCR_OUTCOMES, NOT_COUNTED_IN_FCR, Contact, Outcome

    contacts = scoped_contacts(user).filter(
        started_at__gte=start, started_at__lt=end, ended_at__isnull=False
    )
    if partner_ids is not None:
        contacts = contacts.filter(partner_id__in=partner_ids)
    if service is not None:
        contacts = contacts.filter(pk__in=Contact.objects.filter(reasons=service).values("pk"))
    counts = dict(
        contacts.values("outcome").annotate(n=Count("pk")).order_by().values_list("outcome", "n")
    )
    total = sum(counts.values())
    rows = []
    for value, label in Outcome.choices:
        n = counts.get(value, 0)
        if value in FCR_OUTCOMES:
            counts_as = "Resolved"
        elif value in NOT_COUNTED_IN_FCR:
            counts_as = "Left out"
        else:
            counts_as = "Not resolved"
        rows.append(
            {
                "outcome": label,
                "contacts": n,
                "share": n / total if total else None,
                "counts_as": counts_as,
            }
        )
    return FCR_BY_OUTCOME.table(rows)


def _contact_rows_for_service(user, partner_ids, service, start, end, interval=None):
    from firstcontact.contacts.models import FCR_OUTCOMES, NOT_COUNTED_IN_FCR, Contact

    contacts = scoped_contacts(user).filter(
        started_at__gte=start,
        started_at__lt=end,
        pk__in=Contact.objects.filter(reasons=service).values("pk"),
    )
    if partner_ids is not None:
        contacts = contacts.filter(partner_id__in=partner_ids)
    zone = local_zone()
    totals: dict = defaultdict(lambda: [0, 0, 0, 0])
    for pid, channel, started_at, ended_at, outcome in contacts.values_list(
        "partner_id", "channel", "started_at", "ended_at", "outcome"
    ):
        bucket = indicators.bucket_of(started_at, interval, zone) if interval else None
        t = totals[(pid, channel, bucket)]
        t[0] += 1
        if ended_at is not None:
            t[1] += 1
            t[2] += outcome in FCR_OUTCOMES
            t[3] += outcome in NOT_COUNTED_IN_FCR
    return [
        {
            "partner_id": pid,
            "channel": ch,
            "bucket": b,
            "contacts": v[0],
            "ended": v[1],
            "resolved": v[2],
            "abandoned": v[3],
        }
        for (pid, ch, b), v in totals.items()
    ]
