"""Import call records: an Asterisk queue_log or a CSV file (or "-" for standard input)."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from firstcontact.telephony.importer import import_csv, import_queue_log, open_binary, open_text


class Command(BaseCommand):
    help = (
        "Import call records from an Asterisk queue_log or a CSV file (see "
        "firstcontact/telephony/importer.py for the CSV columns). Re-importing a file adds "
        "nothing; malformed lines are reported with their line numbers and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE", help='a file, or "-" for stdin')
        parser.add_argument(
            "--format",
            choices=["auto", "queue_log", "csv"],
            default="auto",
            help="auto: .csv files are CSV, everything else queue_log",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--show-errors", type=int, default=20, metavar="N", help="list the first N errors"
        )

    def handle(self, *args, paths, format, no_progress, show_errors, **options):
        for path in paths:
            kind = format
            if kind == "auto":
                kind = "csv" if path.lower().endswith(".csv") else "queue_log"
            try:
                stream = open_text(path) if kind == "csv" else open_binary(path)
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc}") from exc
            total = None
            if path != "-":
                try:
                    total = os.path.getsize(path)
                except OSError:
                    total = None
            bar = tqdm(
                total=total,
                unit="B",
                unit_scale=True,
                desc=os.path.basename(path) if path != "-" else "stdin",
                disable=no_progress or None,
                file=self.stderr._out,
            )
            importer = import_csv if kind == "csv" else import_queue_log
            with stream, bar:
                result = importer(stream, source=path, progress=bar.update)
            self.stdout.write(
                f"{path}: {result.lines} lines, {result.calls_written} call records added or "
                f"completed, {result.agent_events_written} agent events, "
                f"{result.error_count} malformed lines"
            )
            if result.new_queues:
                self.stdout.write(
                    "New queues, not yet mapped to a partner (map them in the admin): "
                    + ", ".join(result.new_queues)
                )
            for line_no, problem in result.errors[:show_errors]:
                self.stderr.write(f"  line {line_no}: {problem}")
            if result.error_count > show_errors:
                self.stderr.write(f"  … and {result.error_count - show_errors} more")
