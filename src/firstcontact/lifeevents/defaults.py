"""The standard tell-us-once templates: bereavement and moving in.

`install_default_life_events()` builds them on whatever catalogue is loaded (the demo's, or a
real partnership's): each notification is a service of its own (kind "life event", private, so
it is only offered through the life event), delivered by the same partners and teams as the
ordinary service it tells (`like`), or by every partner of a kind (police, NHS). Items whose
ordinary service is missing are left out. Running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from firstcontact.catalogue.models import (
    Datatype,
    Service,
    ServiceAttribute,
    ServiceDelivery,
    ServiceKind,
    Tier,
)
from firstcontact.lifeevents.models import LifeEvent, LifeEventKind, LifeEventService
from firstcontact.partners.models import Partner


@dataclass(frozen=True)
class Question:
    code: str
    description: str
    datatype: str
    required: bool = False
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Notification:
    code: str
    name: str
    what_happens: str
    like: str = ""  # the ordinary service whose deliveries (partners and teams) it copies
    partner_kind: str = ""  # or: delivered by every partner of this kind
    questions: tuple[Question, ...] = ()
    selected_by_default: bool = True


@dataclass(frozen=True)
class Template:
    slug: str
    name: str
    kind: str
    summary: str
    keywords: str
    order: int
    notifications: tuple[Notification, ...] = field(default_factory=tuple)


DECEASED = (
    Question("deceased_name", "Full name of the person who died", Datatype.STRING, True),
    Question("date_of_death", "Date of death", Datatype.DATETIME, True),
    # With the name and the address, it finds the person's records to mark them deceased
    # (lifeevents.deaths): without it, possible records go to the data steward instead.
    Question("deceased_date_of_birth", "Their date of birth, if you know it", Datatype.DATETIME),
)
MOVED = (Question("moving_date", "When did you move in?", Datatype.DATETIME, True),)

TEMPLATES = [
    Template(
        "bereavement",
        "Tell us about a death",
        LifeEventKind.BEREAVEMENT,
        "Tell the councils and other public services about a death once. We pass it on to "
        "Council Tax, benefits, the electoral register, Blue Badges, bus passes, libraries, "
        "parking and the police's firearms licensing.",
        "death, died, bereavement, funeral, tell us once, passed away",
        1,
        (
            Notification(
                "tuo-council-tax-death",
                "Council Tax after a death",
                "The Council Tax account is closed or changed and a final bill sent.",
                like="council-tax",
                questions=DECEASED,
            ),
            Notification(
                "tuo-benefits-death",
                "Housing Benefit and Council Tax Reduction after a death",
                "Any Housing Benefit or Council Tax Reduction is stopped without overpayment.",
                like="housing-benefit",
                questions=DECEASED,
            ),
            Notification(
                "tuo-electoral-death",
                "Electoral register after a death",
                "The person is taken off the electoral register.",
                like="electoral-registration",
                questions=DECEASED,
            ),
            Notification(
                "tuo-blue-badge-death",
                "Blue Badge after a death",
                "The Blue Badge is cancelled; we tell you how to return it.",
                like="blue-badge",
                questions=(
                    *DECEASED,
                    Question("badge_number", "Blue Badge number, if you know it", Datatype.STRING),
                ),
            ),
            Notification(
                "tuo-bus-pass-death",
                "Bus pass after a death",
                "The bus pass is cancelled.",
                like="bus-pass",
                questions=DECEASED,
            ),
            Notification(
                "tuo-library-death",
                "Library membership after a death",
                "The library card is closed and any charges are cancelled.",
                like="library-join",
                questions=DECEASED,
            ),
            Notification(
                "tuo-parking-death",
                "Parking permit after a death",
                "The residents' parking permit is cancelled and any refund paid to the estate.",
                like="parking-permit",
                questions=DECEASED,
            ),
            Notification(
                "tuo-firearms-death",
                "Firearms or shotgun certificate after a death",
                "Firearms licensing makes sure any guns are stored safely or handed in.",
                partner_kind="police",
                selected_by_default=False,
                questions=(
                    *DECEASED,
                    Question(
                        "certificate_number", "Certificate number, if you know it", Datatype.STRING
                    ),
                ),
            ),
        ),
    ),
    Template(
        "moving-in",
        "Tell us you have moved in",
        LifeEventKind.MOVING_IN,
        "Moved into the area? Tell us once to set up Council Tax, bins and the electoral "
        "register, and get school and GP information.",
        "moving, moved, new address, moving in, new home, change of address",
        2,
        (
            Notification(
                "tuo-council-tax-move",
                "Council Tax for a new home",
                "A Council Tax account is opened from the day you moved in.",
                like="council-tax",
                questions=(
                    *MOVED,
                    Question("previous_postcode", "Your previous postcode", Datatype.STRING),
                    Question(
                        "adults", "How many adults live at the address?", Datatype.NUMBER, True
                    ),
                ),
            ),
            Notification(
                "tuo-bins-move",
                "Bins for a new home",
                "Missing bins are delivered and you get your collection days.",
                like="missed-bin",
                questions=MOVED,
            ),
            Notification(
                "tuo-electoral-move",
                "Electoral register for a new home",
                "A voter registration form is sent for everyone at the address.",
                like="electoral-registration",
                questions=(
                    *MOVED,
                    Question(
                        "adults", "How many adults live at the address?", Datatype.NUMBER, True
                    ),
                ),
            ),
            Notification(
                "tuo-schools-move",
                "School places after moving in",
                "The admissions team sends in-year school place information.",
                like="school-places",
                selected_by_default=False,
                questions=(
                    *MOVED,
                    Question("children", "How many children need a school place?", Datatype.NUMBER),
                ),
            ),
            Notification(
                "tuo-gp-move",
                "GP registration information after moving in",
                "The NHS trust sends the list of GP practices taking patients near you.",
                like="gp-registration",
                questions=MOVED,
            ),
        ),
    ),
]


def _deliveries_for(spec: Notification) -> list[tuple[Partner, object]]:
    if spec.like:
        return [
            (d.partner, d.team)
            for d in ServiceDelivery.objects.filter(service__code=spec.like).select_related(
                "partner", "team"
            )
        ]
    return [
        (p, p.teams.order_by("name").first())
        for p in Partner.objects.filter(kind=spec.partner_kind)
    ]


def _ensure_service(spec: Notification) -> Service | None:
    existing = Service.objects.filter(code=spec.code).first()
    if existing is not None:
        return existing
    base = Service.objects.filter(code=spec.like).first() if spec.like else None
    deliveries = _deliveries_for(spec)
    if not deliveries:
        return None
    service = Service.objects.create(
        code=spec.code,
        name=spec.name,
        description=spec.what_happens,
        group="Life events",
        kind=ServiceKind.LIFE_EVENT,
        tier=base.tier if base else Tier.ALL,
        sla_policy=base.sla_policy if base else None,
        private=True,
    )
    for order, question in enumerate(spec.questions, start=1):
        ServiceAttribute.objects.create(
            service=service,
            code=question.code,
            description=question.description,
            datatype=question.datatype,
            required=question.required,
            order=order,
            values=[{"key": k, "name": n} for k, n in question.values],
        )
    ServiceDelivery.objects.bulk_create(
        ServiceDelivery(service=service, partner=partner, team=team) for partner, team in deliveries
    )
    return service


def install_default_life_events() -> list[LifeEvent]:
    """Create the bereavement and moving-in templates (and their notification services)
    that the loaded catalogue can support; existing ones are left as they are."""
    made = []
    with transaction.atomic():
        for template in TEMPLATES:
            if LifeEvent.objects.filter(slug=template.slug).exists():
                continue
            services = [(spec, _ensure_service(spec)) for spec in template.notifications]
            services = [(spec, service) for spec, service in services if service is not None]
            if not services:
                continue
            event = LifeEvent.objects.create(
                slug=template.slug,
                name=template.name,
                kind=template.kind,
                summary=template.summary,
                keywords=template.keywords,
                order=template.order,
            )
            LifeEventService.objects.bulk_create(
                LifeEventService(
                    life_event=event,
                    service=service,
                    order=order,
                    what_happens=spec.what_happens,
                    selected_by_default=spec.selected_by_default,
                )
                for order, (spec, service) in enumerate(services, start=1)
            )
            made.append(event)
    return made
