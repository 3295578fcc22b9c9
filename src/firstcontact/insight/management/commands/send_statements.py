"""Email each client partner its monthly statement (issue 17, item 5): run monthly, on the
first working day, for the month before (README: Scheduling)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from firstcontact.insight.models import StatementSent
from firstcontact.insight.pages.statements import statement_csv, statement_text
from firstcontact.insight.pdf import PDFUnavailable, pdf_filename, statement_pdf
from firstcontact.insight.statements import previous_month, statement, statement_partners


def parse_month(value: str) -> dt.date:
    try:
        month = dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        raise CommandError(
            f"--month must be a month as YYYY-MM, for example 2026-11: {value!r}"
        ) from None
    if month >= timezone.localdate().replace(day=1):
        raise CommandError(f"{month:%B %Y} has not ended yet: choose a month before this one.")
    return month


class Command(BaseCommand):
    help = (
        "Email each client partner with a hub agreement its statement for a month (by default "
        "last month), with the figures as CSV and PDF. A partner's statement for a month is "
        "sent once: running it again sends only those not sent yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM; by default the month before this one")

    def handle(self, *args, month=None, **options):
        month = parse_month(month) if month else previous_month(timezone.localdate())
        sent = skipped = 0
        for client in statement_partners(month, None):
            if not client.email:
                self.stderr.write(f"{client.name}: no email address (admin: Partners); not sent.")
                skipped += 1
                continue
            if StatementSent.objects.filter(partner=client, month=month).exists():
                continue
            s = statement(client, month)
            try:
                pdf = statement_pdf(s)
            except PDFUnavailable as error:
                # The CSV still goes: the figures matter more than their layout.
                self.stderr.write(f"{client.name}: {error} Sent with the CSV only.")
                pdf = None
            try:
                # The record first, in the same transaction as the sending: a second run (even
                # a concurrent one) finds it, and a failed send leaves no record behind.
                with transaction.atomic():
                    StatementSent.objects.create(partner=client, month=month, sent_to=client.email)
                    message = EmailMessage(
                        subject=f"Shared-service statement for {month:%B %Y}: {client.name}",
                        body=statement_text(s),
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        to=[client.email],
                    )
                    message.attach(
                        f"statement-{client.slug}-{month:%Y-%m}.csv", statement_csv(s), "text/csv"
                    )
                    if pdf is not None:
                        message.attach(pdf_filename(s), pdf, "application/pdf")
                    message.send()
            except IntegrityError:
                continue  # sent by another run meanwhile
            sent += 1
        self.stdout.write(
            f"{month:%B %Y}: {sent} statement(s) sent"
            + (f", {skipped} partner(s) without an email address" if skipped else "")
            + "."
        )
