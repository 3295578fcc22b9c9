"""Rebuild the daily rollups the insight dashboards read (run nightly)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Min
from django.utils import timezone

from firstcontact.contacts.models import Contact
from firstcontact.insight.indicators import local_zone
from firstcontact.insight.rollups import build_call_rollups, build_contact_rollups
from firstcontact.telephony.models import CallRecord


class Command(BaseCommand):
    help = (
        "Rebuild daily call and contact rollups: by default the last 7 days to yesterday "
        "(contacts) and today (calls); --all for every day with data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--all", action="store_true", help="every day with data")
        parser.add_argument("--only", choices=["calls", "contacts"])

    def handle(self, *args, days, all, only, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        zone = local_zone()
        today = timezone.localdate()
        yesterday = today - dt.timedelta(days=1)
        if only in (None, "calls"):
            first, last = today - dt.timedelta(days=days), today
            if all:
                span = CallRecord.objects.aggregate(a=Min("entered_at"), b=Max("entered_at"))
                if span["a"] is not None:
                    first = span["a"].astimezone(zone).date()
                    last = max(span["b"].astimezone(zone).date(), today)
            rows = build_call_rollups(first, last)
            self.stdout.write(f"Call rollups {first} to {last}: {rows} rows")
        if only in (None, "contacts"):
            # Contacts change all day, so today is read live, not rolled up.
            first, last = yesterday - dt.timedelta(days=days - 1), yesterday
            if all:
                span = Contact.objects.aggregate(a=Min("started_at"))
                if span["a"] is not None:
                    first = min(span["a"].astimezone(zone).date(), first)
            rows = build_contact_rollups(first, last)
            self.stdout.write(f"Contact rollups {first} to {last}: {rows} rows")
