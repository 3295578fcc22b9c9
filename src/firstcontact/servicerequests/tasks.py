"""Background tasks for service requests."""

from __future__ import annotations

from django.tasks import task

from firstcontact.servicerequests.escalation import escalate_slas


@task()
def escalate_slas_task() -> dict[str, int]:
    """Mark nearly-due and overdue requests and tell team leaders (see escalation.py)."""
    from firstcontact.inbox.escalation import escalate_first_responses

    report = escalate_slas()
    messages = escalate_first_responses()
    return {
        "approaching": len(report.approaching),
        "breached": len(report.breached),
        "notifications": report.notifications + messages.notifications,
        "first_responses_approaching": len(messages.approaching),
        "first_responses_breached": len(messages.breached),
    }
