"""Complaint statistics (issue 18): complaints received in a period, by partner, by the service
complained about, by stage and by outcome: how many were answered, how many on time, how long
the answers took, how many went on to stage 2, and what was decided. Counts and durations
only, never a complaint's text."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from firstcontact.servicerequests.models import Complaint, ComplaintDecision

NOT_RECORDED = "Not recorded"
FIELDS = (
    "request__responsible_partner__name",
    "about_service__name",
    "request__created_at",
    "stage1_due_at",
    "stage1_responded_at",
    "stage1_decision",
    "escalated_at",
    "stage2_due_at",
    "stage2_responded_at",
    "stage2_decision",
)


@dataclass
class Row:
    """One complaint's figures (from FIELDS)."""

    partner: str
    service: str
    received_at: object
    stage1_due: object
    stage1_at: object
    stage1_decision: str
    escalated_at: object
    stage2_due: object
    stage2_at: object
    stage2_decision: str

    @property
    def decision(self) -> str:
        return self.stage2_decision or self.stage1_decision


@dataclass
class Line:
    """Complaints of one group (a partner, a service) added up."""

    label: str
    received: int = 0
    stage1_answered: int = 0
    stage1_on_time: int = 0
    stage1_days: list[float] = field(default_factory=list)
    escalated: int = 0
    stage2_answered: int = 0
    stage2_on_time: int = 0
    stage2_days: list[float] = field(default_factory=list)
    awaiting: int = 0  # no answer yet at the stage it is at
    decisions: dict[str, int] = field(default_factory=dict)  # the latest decision

    def add(self, r: Row) -> None:
        self.received += 1
        if r.stage1_at is not None:
            self.stage1_answered += 1
            self.stage1_on_time += r.stage1_at <= r.stage1_due
            self.stage1_days.append((r.stage1_at - r.received_at).total_seconds() / 86400)
        if r.escalated_at is not None:
            self.escalated += 1
            if r.stage2_at is not None:
                self.stage2_answered += 1
                self.stage2_on_time += r.stage2_at <= r.stage2_due
                self.stage2_days.append((r.stage2_at - r.escalated_at).total_seconds() / 86400)
            else:
                self.awaiting += 1
        elif r.stage1_at is None:
            self.awaiting += 1
        if r.decision:
            self.decisions[r.decision] = self.decisions.get(r.decision, 0) + 1

    def as_row(self) -> dict:
        return {
            "group": self.label,
            "received": self.received,
            "stage1_answered": self.stage1_answered,
            "stage1_on_time": self.stage1_on_time,
            "stage1_rate": _rate(self.stage1_on_time, self.stage1_answered),
            "stage1_days": _median(self.stage1_days),
            "escalated": self.escalated,
            "escalation_rate": _rate(self.escalated, self.received),
            "stage2_answered": self.stage2_answered,
            "stage2_on_time": self.stage2_on_time,
            "stage2_days": _median(self.stage2_days),
            "awaiting": self.awaiting,
            **{d: self.decisions.get(d, 0) for d in ComplaintDecision.values},
        }


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _median(days: list[float]) -> float | None:
    return round(statistics.median(days), 1) if days else None


def complaint_rows(complaints: QuerySet[Complaint]) -> list[Row]:
    return [
        Row(
            partner=partner,
            service=about or NOT_RECORDED,
            received_at=created,
            stage1_due=due1,
            stage1_at=at1,
            stage1_decision=d1,
            escalated_at=escalated,
            stage2_due=due2,
            stage2_at=at2,
            stage2_decision=d2,
        )
        for partner, about, created, due1, at1, d1, escalated, due2, at2, d2 in (
            complaints.values_list(*FIELDS).order_by()
        )
    ]


def lines_by(rows: Iterable[Row], key) -> list[Line]:
    lines: dict[str, Line] = {}
    for r in rows:
        label = key(r)
        lines.setdefault(label, Line(label)).add(r)
    return [lines[k] for k in sorted(lines)]


def total(rows: Iterable[Row], label: str) -> Line:
    line = Line(label)
    for r in rows:
        line.add(r)
    return line
