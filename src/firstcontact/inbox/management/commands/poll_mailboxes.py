"""Fetch new messages from every active IMAP mailbox (cron: every minute or two)."""

from django.core.management.base import BaseCommand

from firstcontact.inbox.imap import poll_all


class Command(BaseCommand):
    help = "Fetch unseen messages from the IMAP mailboxes and queue them for processing."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30.0)

    def handle(self, *args, timeout: float, **options):
        failed = 0
        for name, result in poll_all(timeout=timeout).items():
            if result.error:
                failed += 1
                self.stderr.write(f"{name}: {result.error}")
            else:
                self.stdout.write(f"{name}: {result.fetched} fetched, {result.stored} new")
        if failed:
            raise SystemExit(1)
