"""`firstcontact load_life_events`: the standard tell-us-once templates (bereavement, moving
in) on the loaded catalogue. Running it again changes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from firstcontact.lifeevents.defaults import install_default_life_events
from firstcontact.lifeevents.models import LifeEvent


class Command(BaseCommand):
    help = (
        "Create the bereavement and moving-in tell-us-once templates from the services in "
        "the catalogue. Does nothing for templates that already exist."
    )

    def handle(self, *args, **options) -> None:
        made = install_default_life_events()
        for event in made:
            self.stdout.write(f"Created “{event.name}” with {event.items.count()} services.")
        if not made:
            count = LifeEvent.objects.count()
            self.stdout.write(f"Nothing to do: {count} life event(s) already set up.")
