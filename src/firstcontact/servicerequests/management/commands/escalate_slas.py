"""Mark requests (and messages' first responses) nearly due or past due and tell team leaders;
safe to run at any interval.

django.tasks has no scheduler, so run this every 15 minutes from cron:

    */15 * * * *  cd /srv/firstcontact && .venv/bin/python -m firstcontact escalate_slas

or a systemd timer (OnCalendar=*:0/15) whose service runs the same command. Each request is
reported once per state however often it runs, and two overlapping runs do not double up.
`--enqueue` hands the work to the task worker instead of doing it here.
"""

from django.core.management.base import BaseCommand

from firstcontact.servicerequests.escalation import escalate_slas


class Command(BaseCommand):
    help = "Mark requests due soon or overdue and notify team leaders (run every 15 minutes)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it in the task worker instead."
        )
        parser.add_argument(
            "--no-notify", action="store_true", help="Mark requests but send nothing."
        )

    def handle(self, *args, enqueue: bool = False, no_notify: bool = False, **options):
        if enqueue:
            from firstcontact.servicerequests.tasks import escalate_slas_task

            result = escalate_slas_task.enqueue()
            self.stdout.write(f"Enqueued SLA escalation as task {result.id}.")
            return
        report = escalate_slas(notify=not no_notify)
        self.stdout.write(
            f"{len(report.breached)} newly overdue, {len(report.approaching)} newly due soon, "
            f"{len(report.lowered)} no longer due soon; {report.notifications} notification(s)."
        )
        # Messages (inbox): first responses due soon or overdue, told once to the mailbox's team.
        from firstcontact.inbox.escalation import escalate_first_responses

        messages = escalate_first_responses(notify=not no_notify)
        self.stdout.write(
            f"Messages: {len(messages.breached)} first response(s) newly overdue, "
            f"{len(messages.approaching)} newly due soon; {messages.notifications} notification(s)."
        )
