"""`firstcontact import_postcodes FILE`: postcode centroids for proximity search."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from firstcontact.directory.postcodes import PostcodeFileError, load_postcodes


class Command(BaseCommand):
    help = (
        "Load postcode centroids from an ONS Postcode Directory CSV (header: pcds, ..., lat, "
        "long) or an OS Code-Point Open CSV (no header; eastings and northings). Loading a "
        "newer file updates the postcodes it has."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options) -> None:
        progress = None
        if options["verbosity"] > 0 and not options["no_progress"]:
            from tqdm import tqdm

            def progress(total):
                return tqdm(total=total, desc="postcodes", unit="", file=sys.stderr)

        try:
            report = load_postcodes(options["file"], progress=progress)
        except PostcodeFileError as exc:
            raise CommandError(str(exc)) from exc
        layout = {"onspd": "ONS Postcode Directory", "codepoint": "OS Code-Point Open"}
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {report.loaded} postcodes ({layout[report.layout]}); "
                f"skipped {report.skipped}."
            )
        )
        for example in report.examples:
            self.stdout.write(f"  skipped {example}")
