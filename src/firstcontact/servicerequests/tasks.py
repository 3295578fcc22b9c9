"""Background tasks for service requests."""

from __future__ import annotations

from django.tasks import task

from firstcontact.servicerequests.escalation import escalate_slas


@task()
def escalate_slas_task() -> dict[str, int]:
    """Mark nearly-due and overdue requests and tell team leaders (see escalation.py)."""
    report = escalate_slas()
    return {
        "approaching": len(report.approaching),
        "breached": len(report.breached),
        "notifications": report.notifications,
    }
