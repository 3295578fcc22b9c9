"""`firstcontact find_duplicates [--partner SLUG] [--threshold W]`: the duplicate search."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from firstcontact.linkage import engine
from firstcontact.linkage.batch import MIN_TO_TRAIN, find_duplicates
from firstcontact.partners.models import Partner


class Command(BaseCommand):
    help = (
        "Find customer records that may be the same person (Fellegi-Sunter matching over "
        "names with nicknames and typos, date of birth, email, phone, postcode, UPRN), within "
        "a partner and across partners, and queue each pair at or above the threshold for the "
        "data steward. Pairs within one partner at or above --auto-link are linked at once; "
        "across partners never. Decided pairs are never asked about again; running it twice "
        f"changes nothing. With {MIN_TO_TRAIN:,} people or more, m and u are estimated from "
        "the records first (and kept for the desk's warning)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--partner", help="Only pairs with a record this partner holds (its slug)."
        )
        parser.add_argument(
            "--threshold",
            type=float,
            metavar="W",
            help=(
                "Match weight to queue a pair at (default: the weight of a match probability "
                f"of {engine.DEFAULT_PROBABILITY:g}, which grows with the number of records)."
            ),
        )
        parser.add_argument(
            "--auto-link",
            type=float,
            metavar="W",
            help=(
                "Match weight to link a pair within one partner without review (default: "
                f"that of a probability of {engine.AUTO_LINK_PROBABILITY:g}, and at least "
                f"{engine.AUTO_LINK_WEIGHT:g})."
            ),
        )
        parser.add_argument(
            "--no-train", action="store_true", help="Use the stored model; estimate nothing."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options) -> None:
        partner = None
        if options["partner"]:
            partner = Partner.objects.filter(slug=options["partner"]).first()
            if partner is None:
                slugs = ", ".join(Partner.objects.order_by("slug").values_list("slug", flat=True))
                raise CommandError(f"No partner {options['partner']!r}. Partners: {slugs}.")
        threshold, auto_link = options["threshold"], options["auto_link"]
        if threshold is not None and auto_link is not None and auto_link < threshold:
            raise CommandError("--auto-link must not be below --threshold.")
        quiet = options["no_progress"] or options["verbosity"] == 0
        bar = tqdm(total=0, desc="reading customers", disable=quiet or None, file=self.stderr._out)

        def stage(name: str, total: int) -> None:
            bar.reset(total=total)
            bar.set_description(name)

        with bar:
            report = find_duplicates(
                partner_id=partner.pk if partner else None,
                threshold=options["threshold"],
                auto_link=options["auto_link"],
                train=not options["no_train"],
                stage=stage,
                progress=bar.update,
            )
        model = "estimated from these records" if report.trained else "the stored model"
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.customers:,} people, {report.compared:,} pairs compared ({model}); "
                f"{report.above_threshold:,} at or above weight {report.threshold:.1f}: "
                f"{report.queued:,} queued for review, {report.linked:,} linked automatically "
                f"within a partner (weight {report.auto_link:.1f} or more), "
                f"{report.refreshed:,} already waiting (re-scored), "
                f"{report.already_decided:,} already decided."
            )
        )
