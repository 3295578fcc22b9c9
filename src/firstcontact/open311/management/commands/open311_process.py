"""Raise every accepted Open311 report that is still waiting.

Each report posted through Open311 is stored and answered at once, and raised as a service
request by a task (`make worker` runs the worker). If that task was lost or failed (a worker
outage, a bug since fixed), the report stays accepted and listed as open: this raises each
one left, oldest first. It is safe to run at any time, also beside the worker: a report is
raised once however often it is asked for.
"""

from django.core.management.base import BaseCommand

from firstcontact.open311.services import pending_submissions, process_report


class Command(BaseCommand):
    help = "Raise the Open311 reports accepted but not yet raised as service requests."

    def handle(self, *args, **options):
        outcomes: dict[str, int] = {}
        failed = 0
        for submission_id in pending_submissions():
            try:
                outcome = process_report(submission_id)
            except Exception as exc:  # noqa: BLE001 - one bad report must not stop the rest
                failed += 1
                self.stderr.write(f"Report {submission_id}: {type(exc).__name__}: {exc}")
                continue
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        done = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())) or "none"
        self.stdout.write(f"Open311 reports processed: {done}; {failed} failed.")
