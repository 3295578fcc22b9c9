"""Anonymise or delete what the retention rules say is due; safe to run at any interval.

Run it daily from cron (see the README):

    30 2 * * *  cd /srv/firstcontact && .venv/bin/firstcontact apply_retention

Each record is done in its own transaction, so a run stopped half way leaves each record done
or untouched and the next run carries on; a second run finds nothing to do. `--dry-run`
prints what each rule would do and changes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from firstcontact.partners.models import Partner
from firstcontact.retention.models import RecordKind, RetentionAction
from firstcontact.retention.services import apply_retention

VERBS = {
    RetentionAction.ANONYMISE: ("would anonymise", "anonymised"),
    RetentionAction.DELETE: ("would delete", "deleted"),
}


class Command(BaseCommand):
    help = "Anonymise or delete records past their retention period (run daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what is due; change nothing."
        )
        parser.add_argument("--partner", metavar="SLUG", help="Only this partner's records.")
        parser.add_argument("--kind", choices=RecordKind.values, help="Only this kind of record.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args, dry_run=False, partner=None, kind=None, no_progress=False, **opts):
        selected = None
        if partner:
            selected = Partner.objects.filter(slug=partner).first()
            if selected is None:
                raise CommandError(f"No partner with the slug {partner!r}.")
        show = not no_progress and opts.get("verbosity", 1) > 0

        def progress(iterable, total, label):
            # tqdm turns itself off when stderr is not a terminal (cron).
            return tqdm(iterable, total=total, desc=label, disable=None if show else True)

        failures = 0
        planned = 0
        for item, result in apply_retention(
            partner=selected, kind=kind, dry_run=dry_run, progress=progress
        ):
            planned += 1
            rule = item.rule
            would, did = VERBS[rule.action]
            line = (
                f"{item.label} (keep {rule.period_text}, then {rule.get_action_display().lower()}"
                f"; before {item.cutoff:%Y-%m-%d %H:%M}): "
            )
            if result is None:
                line += f"{would} {item.due}" if dry_run else "nothing due"
            else:
                line += f"{did} {result.done}"
                if result.kept:
                    line += f", {result.kept} kept (still referenced)"
                if result.failed:
                    failures += len(result.failed)
                    line += f", {len(result.failed)} failed"
            if item.held:
                line += f"; {item.held} kept by a legal hold"
            self.stdout.write(line)
            if result is not None:
                for failure in result.failed[:20]:
                    self.stderr.write(f"  failed: {failure}")
        if not planned:
            self.stdout.write("No retention rules apply.")
        if failures:
            raise CommandError(
                f"{failures} record(s) could not be done and were left as they were; "
                "the next run tries them again."
            )
