"""Background work for Open311: raising accepted reports (see services.process_report)."""

from __future__ import annotations

import logging

from django.tasks import task

from firstcontact.open311 import services

logger = logging.getLogger("firstcontact.open311")


@task()
def process_report(submission_id: int) -> str:
    """Raise the service request for an accepted Open311 report. A failure leaves the report
    accepted and listed as open; `firstcontact open311_process` raises any left behind."""
    try:
        return services.process_report(submission_id)
    except Exception:
        logger.exception("Open311: report %s could not be processed", submission_id)
        raise
