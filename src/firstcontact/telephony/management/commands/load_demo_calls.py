"""Demo call data for the partners already loaded (see firstcontact.telephony.demo)."""

from django.core.management.base import BaseCommand

from firstcontact.telephony.demo import load_demo_calls


class Command(BaseCommand):
    help = (
        "Map a queue to each partner, import a generated month of queue_log up to now, and "
        "build what the insight pages show. Run after the demo partnership is loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, days, seed, **options):
        load_demo_calls(self.stdout, days=days, seed=seed)
