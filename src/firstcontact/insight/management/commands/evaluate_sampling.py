"""Re-evaluate the satisfaction sampling rules (import_calls does it after each import)."""

from django.core.management.base import BaseCommand

from firstcontact.insight.sampling import evaluate_rules


class Command(BaseCommand):
    help = "Raise or lower each queue's survey sampling rate from its recent abandonment."

    def handle(self, *args, **options):
        for change in evaluate_rules():
            self.stdout.write(
                f"{change.rule}: {change.from_rate:.0%} → {change.to_rate:.0%} "
                f"(abandonment {change.abandonment_rate:.1%} of {change.offered} calls)"
            )
