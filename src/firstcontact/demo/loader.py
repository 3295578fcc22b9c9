"""Load the demo partnership in one transaction: all of it, or (if it fails) none of it."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from firstcontact.catalogue.models import Service
from firstcontact.demo.activity import (
    Clock,
    Router,
    create_contacts,
    create_requests,
    plan_self_service_requests,
)
from firstcontact.demo.case_work import create_case_work_examples
from firstcontact.demo.casework import create_casework_demo
from firstcontact.demo.catalogue import create_catalogue
from firstcontact.demo.community_safety import create_community_safety_demo
from firstcontact.demo.customer_history import create_customer_history_demo
from firstcontact.demo.directory import create_directory
from firstcontact.demo.duplicates import create_duplicate_pairs_demo
from firstcontact.demo.examples import create_demo_callbacks, create_hint_examples
from firstcontact.demo.front_door import create_front_door_demo
from firstcontact.demo.geography import build_gazetteer
from firstcontact.demo.inbox import create_inbox_demo
from firstcontact.demo.partnership import COUNTY, DEMO_SLUGS, create_partnership
from firstcontact.demo.people import create_people
from firstcontact.demo.reported_nearby import create_reported_nearby_demo
from firstcontact.demo.subject_access import create_subject_access_demo
from firstcontact.demo.translations import create_translations
from firstcontact.lifeevents.defaults import install_default_life_events
from firstcontact.partners.models import Partner
from firstcontact.retention.demo import create_retention_demo

SEED = 20_261_123
DEFAULT_PEOPLE = 3000


@dataclass(frozen=True)
class Sizes:
    people: int
    contacts: int
    requests: int

    @classmethod
    def for_people(cls, people: int) -> Sizes:
        """~3,000 people: ~5,000 contacts and ~1,500 requests over 90 days."""
        return cls(people=people, contacts=round(people * 5 / 3), requests=round(people / 2))


def is_loaded() -> bool:
    return Partner.objects.filter(slug__in=DEMO_SLUGS).exists()


def _progress_factory(enabled: bool):
    def progress(iterable: Iterable, desc: str, total: int) -> Iterable:
        if not enabled:
            return iterable
        from tqdm import tqdm

        return tqdm(
            iterable,
            desc=f"{desc:<9}",
            total=total,
            file=sys.stderr,
            unit="",
            leave=True,
            dynamic_ncols=True,
        )

    return progress


def load(*, people: int = DEFAULT_PEOPLE, seed: int = SEED, progress: bool = False) -> dict:
    """Create the demo partnership and its activity; a dict of what was made.

    The caller checks is_loaded() first; loading twice fails on the unique partner slugs
    rather than adding a second population.
    """
    rng = random.Random(seed)
    sizes = Sizes.for_people(max(10, people))
    bar = _progress_factory(progress)
    now = timezone.now()
    with transaction.atomic():
        if Partner.objects.filter(slug=COUNTY).exists():
            raise RuntimeError("The demo partnership is already loaded.")
        partnership = create_partnership()
        services = create_catalogue(partnership)
        # Reload so every service carries its SLA policy for the clocks.
        services = {
            s.code: s
            for s in Service.objects.filter(code__in=services).select_related("sla_policy")
        }
        gazetteer = build_gazetteer(rng)
        population = create_people(rng, partnership, gazetteer, sizes.people, progress=bar)
        router = Router()
        clock = Clock(rng, now)
        activity = create_contacts(
            rng,
            partnership,
            services,
            population,
            sizes.contacts,
            router=router,
            clock=clock,
            progress=bar,
        )
        self_service = max(0, sizes.requests - len(activity.plans))
        plans = activity.plans + plan_self_service_requests(
            rng, services, population, self_service, clock=clock
        )
        made = create_requests(
            rng,
            partnership,
            gazetteer,
            population,
            plans,
            router=router,
            now=now,
            progress=bar,
        )
        # A person two partners hold, and a subject access request for the DPO pages.
        create_subject_access_demo(partnership)
        create_retention_demo(partnership)
        create_community_safety_demo(rng, partnership, services, now, sizes.people)
        # The people the staff pages' hints name (the desk search's "Harriet Ambleside").
        # Her details changed since, and a consent in the adviser's words (issue 15).
        harriet = create_hint_examples(partnership)
        create_customer_history_demo(partnership, harriet)
        # Proven emails and phones (Harriet's, one in four others): the front door joins them.
        create_front_door_demo(harriet)
        create_demo_callbacks(partnership, now)
        # A photo on a request, urgent and 24-hour reports, evidence, complaints by service.
        create_case_work_examples(partnership)
        # A pothole reported by two people, and a street light fixed three days ago that the
        # resident can say is not fixed on /track/ (issue 18).
        create_reported_nearby_demo(partnership)
        # Canned replies per partner and a saved view of the queue (/work/replies/, /work/).
        create_casework_demo(partnership)
        create_inbox_demo(partnership, now)  # mailboxes, SMS numbers, conversations
        # Possible duplicates for the data steward's queue (/steward/).
        create_duplicate_pairs_demo()
        # Tell us once's templates (load_life_events does the same for another catalogue),
        # then the Polish of what residents read (service names, questions, life events).
        install_default_life_events()
        create_translations()
        # The directory of services (Open Referral UK) and the demo postcodes' centroids.
        directory = create_directory(partnership, services, gazetteer, seed + 14)
    return {
        "partnership": partnership,
        "services": len(services),
        "customers": len(population.customers),
        "contacts": len(activity.contacts),
        **directory,
        **made,
    }
