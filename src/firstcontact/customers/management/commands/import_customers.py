"""`firstcontact import_customers --partner SLUG FILE.csv`: a partner's existing records."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from firstcontact.customers.importing import COLUMNS, ImportProblem, import_customers, parse_map
from firstcontact.partners.models import Partner


class Command(BaseCommand):
    help = (
        "Import a partner's customer records from a CSV extract (a legacy CRM or housing "
        "system), all or nothing: every row is checked first and the errors listed with their "
        "row numbers. Importing the file again adds nobody: rows are known by the source "
        "system's id, and a changed row updates its record (kept in the record's history). "
        "Possible duplicates are queued for the data steward. "
        f"Fields: {', '.join(COLUMNS)}; columns are found by their headers "
        "(e.g. Surname, Forename, DOB, Post Code) or named with --map."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", metavar="FILE.csv")
        parser.add_argument("--partner", required=True, help="The holding partner's slug.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=field",
            help='Name a column, e.g. --map "Cust No=source_id,Known As=given_name".',
        )
        parser.add_argument(
            "--encoding", default="utf-8-sig", help="The file's encoding (default UTF-8)."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--show-errors", type=int, default=50, metavar="N", help="List the first N errors."
        )

    def handle(self, *args, **options) -> None:
        partner = Partner.objects.filter(slug=options["partner"]).first()
        if partner is None:
            slugs = ", ".join(Partner.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No partner {options['partner']!r}. Partners: {slugs}.")
        bar = tqdm(
            total=0,
            desc="rows",
            unit="",
            disable=options["no_progress"] or options["verbosity"] == 0 or None,
            file=self.stderr._out,
        )

        def total(n: int) -> None:
            bar.total = n
            bar.refresh()

        try:
            with bar:
                report = import_customers(
                    options["file"],
                    partner=partner,
                    mapping=parse_map(options["map"]),
                    encoding=options["encoding"],
                    progress=bar.update,
                    total=total,
                )
        except ImportProblem as exc:
            shown = exc.errors[: options["show_errors"]]
            for line in shown:
                self.stderr.write(line)
            more = exc.total_errors - len(shown)
            if more > 0:
                self.stderr.write(f"… and {more} more.")
            raise CommandError(
                f"Nothing imported: {exc.total_errors} problem"
                f"{'s' if exc.total_errors != 1 else ''} to put right first."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.rows} rows for {partner.name}: {report.created} added, "
                f"{report.updated} updated, {report.unchanged} unchanged."
            )
        )
        if report.possible_duplicates:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(report.possible_duplicates)} may already be on record (same email, "
                    "phone, or name and date of birth): queued for the data steward's review."
                )
            )
            for row, ids in report.possible_duplicates[: options["show_errors"]]:
                self.stdout.write(f"  row {row}: customer {', '.join(map(str, ids))}")
