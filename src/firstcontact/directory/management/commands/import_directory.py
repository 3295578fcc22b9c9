"""`firstcontact import_directory URL`: import another publisher's Open Referral UK 3.0 feed."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from firstcontact.directory.importer import FeedError, import_feed


class Command(BaseCommand):
    help = (
        "Import the services of an Open Referral UK 3.0 API (URL: its root, where /services "
        "is). Later runs of the same URL fetch only what changed since the last; records "
        "that break the standard's schema are listed with their ids and skipped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("url", help="The feed's root, e.g. https://example.org/openreferral/v3")
        parser.add_argument(
            "--ndjson", action="store_true", help="Stream /services?format=ndjson, not pages."
        )
        parser.add_argument(
            "--all",
            dest="everything",
            action="store_true",
            help="Fetch every service, not only those changed since the last run.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options) -> None:
        progress = None
        if options["verbosity"] > 0 and not options["no_progress"]:
            from tqdm import tqdm

            def progress(total):
                return tqdm(total=total, desc="services", unit="", file=sys.stderr)

        try:
            report = import_feed(
                options["url"],
                ndjson=options["ndjson"],
                everything=options["everything"],
                progress=progress,
            )
        except FeedError as exc:
            raise CommandError(str(exc)) from exc
        since = (
            f" changed since {report.modified_after:%Y-%m-%d %H:%M}"
            if report.modified_after
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.seen} services{since}: {report.created} new, {report.updated} "
                f"updated, {report.unchanged} unchanged, {len(report.skipped)} skipped."
            )
        )
        for record_id, why in report.skipped:
            self.stdout.write(self.style.WARNING(f"  skipped {record_id}: {why}"))
        if report.statistics_refreshed:
            self.stdout.write("The database's statistics for searching were brought up to date.")
