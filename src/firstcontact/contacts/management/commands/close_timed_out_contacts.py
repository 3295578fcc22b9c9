"""Close desk contacts left "in progress" longer than CONTACT_TIMEOUT_MINUTES (240) as timed
out; safe to run at any interval (each contact is closed once).

django.tasks has no scheduler, so run it from cron, e.g. every 15 minutes:

    */15 * * * *  cd /srv/firstcontact && .venv/bin/firstcontact close_timed_out_contacts

An adviser's own open contacts are also closed when they next sign in.
`--enqueue` hands the work to the task worker instead.
"""

from django.core.management.base import BaseCommand

from firstcontact.contacts.services import close_timed_out_contacts, contact_timeout


class Command(BaseCommand):
    help = "Close desk contacts left in progress past the timeout as timed out."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it in the task worker instead."
        )

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            from firstcontact.contacts.tasks import close_timed_out_contacts_task

            result = close_timed_out_contacts_task.enqueue()
            self.stdout.write(f"Enqueued closing timed-out contacts as task {result.id}.")
            return
        closed = close_timed_out_contacts()
        minutes = int(contact_timeout().total_seconds() // 60)
        self.stdout.write(
            f"{closed} contact(s) left in progress over {minutes} minutes closed as timed out."
        )
