"""`firstcontact directory_reminders`: tell each partner's directory editors which of their
entries are past review, never checked, or fall due within a month (run it daily or weekly
from cron; an editor with nothing due gets nothing)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from firstcontact.directory.editing import REMIND_AHEAD_DAYS, reminders, review_due
from firstcontact.directory.welcome import public_url
from firstcontact.notify.models import NotificationChannel
from firstcontact.notify.services import queue_notification


class Command(BaseCommand):
    help = "Email directory editors the entries that are stale or fall due for review soon."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=REMIND_AHEAD_DAYS,
            help=f"Name entries due within this many days (default {REMIND_AHEAD_DAYS}).",
        )

    def handle(self, *args, **options) -> None:
        days = max(0, min(options["days"], 366))
        sent = 0
        link = public_url("directory_editor:stale")
        for user, services in reminders(days=days).items():
            lines = [
                f"{len(services)} of your directory entries need checking "
                f"(past review, never checked, or due within {days} days):",
                "",
            ]
            for service in services[:100]:
                due = review_due(service)
                when = f"review by {due:%d %B %Y}" if due else "never checked"
                lines.append(f"- {service.display_name}: {when}")
            if len(services) > 100:
                lines.append(f"- and {len(services) - 100} more")
            lines += ["", f"Open each one, correct it and mark it as checked: {link}"]
            queue_notification(
                channel=NotificationChannel.EMAIL,
                recipient=user.email,
                subject="Directory entries due for review",
                body="\n".join(lines),
            )
            sent += 1
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
