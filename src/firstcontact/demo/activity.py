"""Ninety days of activity: contacts handled by the hub and the one-stop shop, and service
requests raised from them or by residents online, each routed by the real two-tier routing,
with its SLA clock, a timeline of updates, and now and then a referral to another partner."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from firstcontact.catalogue import sla
from firstcontact.catalogue.attributes import validate_answers
from firstcontact.catalogue.models import (
    Automated,
    Datatype,
    Priority,
    PriorityRule,
    Service,
    ServiceAttribute,
    ServiceDelivery,
    ServiceKind,
    SLAUnit,
)
from firstcontact.catalogue.priority import matches
from firstcontact.catalogue.routing import resolve_delivery
from firstcontact.contacts.models import Contact, Direction, Outcome
from firstcontact.customers.models import Channel, Customer
from firstcontact.demo import names
from firstcontact.demo.catalogue import SERVICES, ServiceSpec
from firstcontact.demo.geography import POSTCODE_DISTRICTS, PostcodeUnit
from firstcontact.demo.partnership import (
    COUNCIL_HOURS,
    HOUSING,
    HUB_HOURS,
    NHS,
    POLICE,
    Partnership,
)
from firstcontact.demo.people import Household, Population
from firstcontact.partners.geography import Location
from firstcontact.partners.models import Membership, Role
from firstcontact.servicerequests.models import (
    ClosureOutcome,
    Complaint,
    ComplaintDecision,
    Referral,
    RequestUpdate,
    ServiceRequest,
    Status,
    UpdateKind,
)
from firstcontact.servicerequests.references import new_reference

LONDON = sla.LONDON
DAYS = 90
Progress = Callable[[Iterable, str, int], Iterable]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


class Router:
    """The delivery for a service in a postcode district, worked out by the project's own
    routing (resolve_delivery) at a point in the middle of the postcode district, once for
    each service in each district council's area (every partner's area is a whole district
    or the whole county, so the answer is the same anywhere in a district)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str], ServiceDelivery] = {}

    def delivery(self, service: Service, outward: str) -> ServiceDelivery:
        key = (service.pk, POSTCODE_DISTRICTS[outward].district)
        if key not in self._cache:
            latitude, longitude = POSTCODE_DISTRICTS[outward].box.centre
            location = Location(latitude=latitude, longitude=longitude, postcode=f"{outward} 1AA")
            self._cache[key] = resolve_delivery(service, location)
        return self._cache[key]


class Clock:
    """Moments in the last 90 days: in opening hours (for staff) or at any waking hour."""

    # Mondays are busiest, Fridays and Saturdays quieter.
    BUSY = {0: 1.0, 1: 0.85, 2: 0.8, 3: 0.8, 4: 0.7, 5: 0.35, 6: 0.3}

    def __init__(self, rng: random.Random, now: dt.datetime) -> None:
        self.rng = rng
        self.now = now
        self.today = now.astimezone(LONDON).date()
        self._open_days: dict[int, tuple[list, list]] = {}

    def _day(self) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randrange(0, DAYS + 1))

    def _days_open(self, spans: list[tuple[int, dt.time, dt.time]]) -> tuple[list, list]:
        """(day, opens, closes) for every opening in the window, and how busy each is."""
        key = id(spans)
        if key not in self._open_days:
            calendar = sla.WorkingCalendar()
            openings, weights = [], []
            for back in range(DAYS + 1):
                day = self.today - dt.timedelta(days=back)
                if day.weekday() < 5 and not calendar.is_working_day(day):
                    continue  # a bank holiday: the offices are closed
                for weekday, opens, closes in spans:
                    if weekday == day.weekday():
                        openings.append((day, opens, closes))
                        weights.append(self.BUSY[weekday])
            self._open_days[key] = (openings, weights)
        return self._open_days[key]

    def in_hours(self, spans: list[tuple[int, dt.time, dt.time]]) -> dt.datetime:
        openings, weights = self._days_open(spans)
        while True:
            day, opens, closes = self.rng.choices(openings, weights=weights)[0]
            start = dt.datetime.combine(day, opens, tzinfo=LONDON)
            end = dt.datetime.combine(day, closes, tzinfo=LONDON)
            seconds = (end - start).total_seconds()
            # Busiest in the morning.
            offset = self.rng.triangular(0, seconds, seconds * 0.25)
            moment = start + dt.timedelta(seconds=offset)
            if moment < self.now - dt.timedelta(minutes=30):
                return moment

    def any_time(self) -> dt.datetime:
        while True:
            day = self._day()
            hour = self.rng.triangular(6.0, 23.9, 12.0)
            moment = dt.datetime.combine(day, dt.time(0), tzinfo=LONDON) + dt.timedelta(hours=hour)
            if moment < self.now - dt.timedelta(minutes=10):
                return moment


# ----------------------------------------------------------------------------- answers


def _answer(rng: random.Random, attribute: ServiceAttribute, when: dt.datetime, family_name: str):
    code, datatype = attribute.code, attribute.datatype
    keys = [str(v["key"]) for v in attribute.values]
    if datatype == Datatype.SINGLEVALUELIST:
        return rng.choice(keys)
    if datatype == Datatype.MULTIVALUELIST:
        return rng.sample(keys, k=rng.randint(1, min(3, len(keys))))
    if datatype == Datatype.NUMBER:
        low, high = {
            "width_cm": (10, 90),
            "days_there": (3, 40),
            "count": (1, 12),
            "times_per_week": (1, 7),
            "item_count": (1, 5),
            "bins": (1, 2),
            "children": (1, 4),
            "household_size": (1, 6),
            "occupants": (1, 5),
            "bedrooms": (1, 2),
        }.get(code, (1, 5))
        return str(rng.randint(low, high))
    if datatype == Datatype.DATETIME:
        back = {"date_of_death": 14, "living_alone_since": 60, "moving_date": -14}.get(code, 3)
        moment = when - dt.timedelta(days=rng.uniform(0, abs(back)) * (1 if back > 0 else -1))
        moment = moment.astimezone(LONDON).replace(second=0, microsecond=0)
        if code in {"date_of_death", "moving_date", "living_alone_since"}:
            return moment.date().isoformat()
        return moment.isoformat()
    if datatype == Datatype.STRING:
        plate = (
            f"{rng.choice('ABDEFGHKLMNOPRSVWY')}{rng.choice('ABCDEFGHJKLMNOPRSTUVWXY')}"
            f"{rng.randint(51, 74)} {''.join(rng.choices('ABCDEFGHJKLMNPRSTUVWXYZ', k=3))}"
        )
        return {
            "column_number": f"SL{rng.randint(1, 480)}",
            "junction": f"{rng.choice(names.STREET_STEMS)} Road and "
            f"{rng.choice(names.STREET_STEMS)} Street",
            "registration": plate,
            "vehicle_registration": plate,
            "make_model": rng.choice(names.CAR_MAKES),
            "colour": rng.choice(names.CAR_COLOURS),
            "surface": rng.choice(["Bus shelter", "Wall", "Bridge", "Telephone box", "Fence"]),
            "tenancy_reference": f"EH{rng.randint(10000, 99999)}",
            "school": f"{rng.choice(['Mellstock', 'Weatherbury', 'Shaston', 'Budmouth'])} "
            f"{rng.choice(names.FIRST_SCHOOLS)}",
            "deceased_name": f"{rng.choice(names.GIVEN_NAMES_MALE + names.GIVEN_NAMES_FEMALE)} "
            f"{family_name or rng.choice(names.FAMILY_NAMES)}",
            "previous_postcode": rng.choice(["BS1 6QA", "SO14 7DU", "EX4 3NG", "BH1 2BU"]),
            "about_service": rng.choice(
                ["Bin collections", "Council Tax", "Highways", "Planning", "Housing benefit"]
            ),
        }.get(code, "See description")
    return rng.choice(
        {
            "what_happened": [
                "I reported this three times and nobody has come back to me.",
                "The officer I spoke to was rude and did not listen.",
                "My application was lost and I had to send everything again.",
            ],
            "outcome_wanted": ["An apology and the problem fixed.", "A call back from a manager."],
            "witnessed": ["A white van, about 6pm on Sunday.", "No, it was there this morning."],
        }.get(
            code,
            [
                "It has been going on for a few weeks now.",
                "Please call before visiting.",
                "It is getting worse.",
            ],
        )
    )


def make_answers(
    rng: random.Random,
    attributes: list[ServiceAttribute],
    *,
    when: dt.datetime,
    channel: str,
    family_name: str = "",
) -> dict[str, object]:
    answers: dict[str, object] = {}
    for attribute in attributes:
        if attribute.automated == Automated.HIDDEN_FIELD:
            if attribute.code == "fixmystreet_id" and channel == Channel.OPEN311:
                answers[attribute.code] = str(rng.randint(3_000_000, 6_999_999))
            continue
        if attribute.required or rng.random() < 0.6:
            answers[attribute.code] = _answer(rng, attribute, when, family_name)
    # The same validation a request raised at the desk or through Open311 goes through.
    return validate_answers(attributes, answers)


# ----------------------------------------------------------------------------- contacts

CONTACT_CHANNELS = [
    (Channel.PHONE, 62),
    (Channel.FACE_TO_FACE, 11),
    (Channel.EMAIL, 10),
    (Channel.WEB, 5),
    (Channel.SOCIAL, 3),
    (Channel.KIOSK, 3),
    (Channel.LETTER, 3),
    (Channel.SMS, 3),
]
INFO_OUTCOMES = [(Outcome.RESOLVED, 93), (Outcome.SIGNPOSTED, 5), (Outcome.CALLBACK_BOOKED, 2)]
CASE_OUTCOMES = [
    (Outcome.RESOLVED, 73),
    (Outcome.REQUEST_RAISED, 20),
    (Outcome.CALLBACK_BOOKED, 3),
    (Outcome.SIGNPOSTED, 2),
    (Outcome.REFERRED, 2),
]
REFERRAL_OUTCOMES = [
    (Outcome.REFERRED, 50),
    (Outcome.RESOLVED, 40),
    (Outcome.CALLBACK_BOOKED, 5),
    (Outcome.SIGNPOSTED, 5),
]
CONTACT_NOTES = {
    Outcome.RESOLVED: [
        "Answered from the knowledge base; customer happy.",
        "Explained the bill and took a payment.",
        "Gave collection day and sent the calendar by email.",
        "Confirmed the application is being processed.",
        "",
        "",
    ],
    Outcome.SIGNPOSTED: [
        "Signposted to Citizens Advice for debt advice.",
        "Given the DVLA contact details.",
        "Signposted to the water company: their drain.",
    ],
    Outcome.CALLBACK_BOOKED: [
        "Callback booked with the service for tomorrow morning.",
        "Needs a specialist officer: callback booked.",
    ],
    Outcome.REFERRED: [
        "Referred with the customer's consent.",
        "Warm transfer to the duty officer.",
    ],
    Outcome.REQUEST_RAISED: ["Request raised; reference given.", ""],
    Outcome.ABANDONED: [""],
}


@dataclass
class RequestPlan:
    spec: ServiceSpec
    service: Service
    channel: str
    created_at: dt.datetime
    customer: Customer | None
    contact: Contact | None = None
    raised_by: object | None = None
    home: Household | None = None


@dataclass
class Activity:
    contacts: list[Contact] = field(default_factory=list)
    plans: list[RequestPlan] = field(default_factory=list)


def create_contacts(
    rng: random.Random,
    partnership: Partnership,
    services: dict[str, Service],
    population: Population,
    count: int,
    *,
    router: Router,
    clock: Clock,
    progress: Progress,
) -> Activity:
    hub = partnership.hub
    hub_advisers = [partnership.users[u] for u in ["adviser", "adviser2", "adviser3", "adviser4"]]
    hub_advisers.append(partnership.users["teamleader"])
    shop_adviser = partnership.users["shop-adviser"]
    specs = [s for s in SERVICES if s.contact_weight > 0]
    spec_weights = [s.contact_weight for s in specs]
    customers = population.customers
    activity = Activity()
    reason_rows: list[tuple[Contact, list[Service]]] = []

    for _ in progress(range(count), "Contacts", count):
        channel = _weighted(rng, CONTACT_CHANNELS)
        customer = rng.choice(customers) if rng.random() < 0.85 else None
        home = population.homes[customer.pk] if customer else None
        outward = home.unit.outward if home else rng.choice(list(POSTCODE_DISTRICTS))
        primary = rng.choices(specs, weights=spec_weights)[0]
        reasons = [primary]
        if rng.random() < 0.15:
            second = rng.choices(specs, weights=spec_weights)[0]
            if second is not primary:
                reasons.append(second)
        partner = router.delivery(services[primary.code], outward).partner

        if channel == Channel.PHONE and rng.random() < 0.045:
            outcome = Outcome.ABANDONED
        elif channel == Channel.KIOSK:
            outcome = _weighted(rng, [(Outcome.RESOLVED, 85), (Outcome.SIGNPOSTED, 15)])
        elif primary.kind == ServiceKind.INFORMATION:
            outcome = _weighted(rng, INFO_OUTCOMES)
        elif primary.kind == ServiceKind.REFERRAL:
            outcome = _weighted(rng, REFERRAL_OUTCOMES)
        else:
            outcome = _weighted(rng, CASE_OUTCOMES)
        raises_request = outcome == Outcome.REQUEST_RAISED or (
            outcome == Outcome.REFERRED and primary.kind == ServiceKind.REFERRAL
        )
        if raises_request and customer is None and primary.location == "home":
            customer = rng.choice(customers)
            home = population.homes[customer.pk]
            partner = router.delivery(services[primary.code], home.unit.outward).partner

        adviser = None
        handled_by = None
        if outcome == Outcome.ABANDONED:
            started = clock.in_hours(HUB_HOURS)
            ended = started + dt.timedelta(seconds=rng.uniform(15, 300))
            reasons = []
            handled_by = hub if partner != hub else None
        elif channel == Channel.KIOSK:
            started = clock.in_hours(COUNCIL_HOURS)
            ended = started + dt.timedelta(minutes=rng.uniform(1, 6))
        else:
            if (
                channel == Channel.FACE_TO_FACE
                and partner.slug == "melchester"
                and rng.random() < 0.6
            ):
                adviser = shop_adviser
                started = clock.in_hours(COUNCIL_HOURS)
            else:
                adviser = rng.choice(hub_advisers)
                started = clock.in_hours(HUB_HOURS)
                handled_by = hub if partner != hub else None
            minutes = {
                Channel.PHONE: rng.lognormvariate(1.7, 0.45),
                Channel.FACE_TO_FACE: rng.lognormvariate(2.2, 0.4),
            }.get(channel, rng.uniform(2, 8))
            if raises_request:
                minutes += rng.uniform(2, 5)
            ended = started + dt.timedelta(minutes=min(minutes, 60))
        contact = Contact(
            channel=channel,
            direction=Direction.INBOUND,
            partner=partner,
            handled_by=handled_by,
            adviser=adviser,
            customer=customer,
            started_at=started,
            ended_at=ended,
            outcome=outcome,
            notes=rng.choice(CONTACT_NOTES[outcome]),
        )
        activity.contacts.append(contact)
        reason_rows.append((contact, [services[s.code] for s in reasons]))
        if raises_request:
            activity.plans.append(
                RequestPlan(
                    spec=primary,
                    service=services[primary.code],
                    channel=channel,
                    created_at=started + (ended - started) * 0.7,
                    customer=customer,
                    contact=contact,
                    raised_by=adviser,
                    home=home,
                )
            )

    activity.contacts.sort(key=lambda c: c.started_at)
    Contact.objects.bulk_create(activity.contacts, batch_size=500)
    Through = Contact.reasons.through
    Through.objects.bulk_create(
        [Through(contact_id=c.pk, service_id=s.pk) for c, reasons in reason_rows for s in reasons],
        batch_size=1000,
    )
    return activity


# ----------------------------------------------------------------------------- requests

IN_PROGRESS_TEXT = {
    ServiceKind.FAULT_REPORT: [
        "An officer has inspected the site and the work has been scheduled.",
        "Our crew has been sent to deal with this.",
    ],
    ServiceKind.APPLICATION: [
        "We are checking the application and the supporting documents.",
        "Your application is being assessed.",
    ],
    ServiceKind.REFERRAL: ["An officer has been assigned and will contact you."],
    ServiceKind.COMPLAINT: ["Your complaint is being investigated by the service manager."],
    ServiceKind.LIFE_EVENT: ["We are updating the records you asked us to."],
    ServiceKind.INFORMATION: ["An officer is looking into your enquiry."],
}
HOLD_TEXT = {
    ServiceKind.FAULT_REPORT: [
        "We are waiting for the utility company to finish their work at this site.",
        "We need a road closure before this can be repaired; it has been requested.",
    ],
    ServiceKind.APPLICATION: ["We are waiting for further documents from you."],
}
CLOSED_TEXT = {
    (ClosureOutcome.FIXED, ServiceKind.FAULT_REPORT): [
        "The problem has been fixed. Thank you for reporting it.",
        "Our crew has completed the work.",
    ],
    (ClosureOutcome.FIXED, ServiceKind.APPLICATION): [
        "Your application has been approved. Details are in the post.",
    ],
    (ClosureOutcome.FIXED, ServiceKind.REFERRAL): [
        "The officer has been in touch and agreed a plan with you.",
    ],
    (ClosureOutcome.FIXED, ServiceKind.COMPLAINT): [
        "We have replied to your complaint in writing. We are sorry for the trouble caused.",
    ],
    (ClosureOutcome.FIXED, ServiceKind.LIFE_EVENT): [
        "All the records you asked about have been updated.",
    ],
    (ClosureOutcome.NO_FURTHER_ACTION, None): [
        "An officer looked into this and no further action is needed at this time.",
    ],
    (ClosureOutcome.NOT_OUR_RESPONSIBILITY, None): [
        "This is on private land, so it is the landowner's responsibility. We have written "
        "to them.",
    ],
    (ClosureOutcome.DUPLICATE, None): [
        "This had already been reported; we will deal with it under the earlier report.",
    ],
    (ClosureOutcome.CANCELLED, None): ["Cancelled at your request."],
}
INTERNAL_NOTES = {
    ServiceKind.FAULT_REPORT: [
        "Inspected: category 2 defect, added to the next works programme.",
        "Crew attended, photos on file.",
        "Checked the asset register: ours to fix.",
    ],
    ServiceKind.APPLICATION: [
        "Evidence checked against DWP records.",
        "Called the customer to confirm details.",
    ],
}
CUSTOMER_UPDATES = [
    "Is there any news? It is still a problem.",
    "Thank you, I have sent the documents you asked for.",
    "Just checking you received my report.",
]
DEFAULT_DESCRIPTIONS = {
    ServiceKind.APPLICATION: ["Application taken by the adviser.", "Customer applying online.", ""],
    ServiceKind.REFERRAL: ["Referral with the customer's agreement.", ""],
    ServiceKind.LIFE_EVENT: ["Tell us once notification.", ""],
    ServiceKind.COMPLAINT: ["Stage 1 complaint."],
    ServiceKind.FAULT_REPORT: ["", "Please deal with this."],
}
QUICK_OUTCOMES = [
    (ClosureOutcome.DUPLICATE, 40),
    (ClosureOutcome.NOT_OUR_RESPONSIBILITY, 30),
    (ClosureOutcome.CANCELLED, 15),
    (ClosureOutcome.NO_FURTHER_ACTION, 15),
]
DECLINED_OUTCOME = (
    "Not one for us: the household is already known to another service, who will follow it up."
)
# (service code, to partner or "district", to team, reason, referral outcome)
REFERRAL_ROUTES = {
    "noise": (
        POLICE,
        "Neighbourhood Policing",
        "The noise is part of wider intimidation by the same household.",
        "Officers visited and gave a community protection warning.",
    ),
    "housing-repair": (
        "district",
        "Environmental Health",
        "Damp and mould affecting a young child's health: asking for an HHSRS inspection.",
        "Inspected; improvement notice served on the landlord.",
    ),
    "care-needs-assessment": (
        NHS,
        "Community Services",
        "Joint visit with the community nursing team requested.",
        "Joint visit completed; care plan agreed.",
    ),
    "homelessness": (
        HOUSING,
        "Tenancy Services",
        "Duty to refer: the household may suit an Egdon Homes tenancy.",
        "Offered a two-bedroom flat in Port Bredy.",
    ),
    "asb": (
        "district",
        "Environmental Health",
        "Noise element of the complaint referred to environmental health.",
        "Noise diary sheets sent to the resident.",
    ),
}


OFFICE = sla.WorkingCalendar(dt.time(8, 0), dt.time(17, 30))


def _office_time(rng: random.Random, moment: dt.datetime, after: dt.datetime) -> dt.datetime:
    """`moment` if it falls in office hours, else a little after the next opening; and
    always some minutes after `after`, so a timeline keeps its order."""
    if moment <= after:
        moment = after + dt.timedelta(minutes=rng.uniform(5, 90))
    local = moment.astimezone(LONDON)
    day = local.date()
    if OFFICE.is_working_day(day) and OFFICE.day_starts <= local.time() < OFFICE.day_ends:
        return moment
    if not OFFICE.is_working_day(day) or local.time() >= OFFICE.day_ends:
        day += dt.timedelta(days=1)
        while not OFFICE.is_working_day(day):
            day += dt.timedelta(days=1)
    opens = dt.datetime.combine(day, OFFICE.day_starts, tzinfo=LONDON)
    return opens + dt.timedelta(minutes=rng.uniform(0, 150))


def _place(rng: random.Random, unit: PostcodeUnit) -> Location:
    box = POSTCODE_DISTRICTS[unit.outward].box
    latitude, longitude = box.clamp(
        unit.latitude + rng.uniform(-0.003, 0.003), unit.longitude + rng.uniform(-0.004, 0.004)
    )
    near = rng.choice(["Outside", "Opposite", "Near", "By"])
    return Location(
        latitude=latitude,
        longitude=longitude,
        postcode=unit.postcode,
        address=f"{near} {rng.randint(1, unit.properties)} {unit.street}, {unit.town}",
    )


def _home_location(home: Household) -> Location:
    latitude, longitude = home.point
    return Location(
        latitude=latitude,
        longitude=longitude,
        postcode=home.unit.postcode,
        uprn=home.uprn,
        address=home.one_line,
    )


def plan_self_service_requests(
    rng: random.Random,
    services: dict[str, Service],
    population: Population,
    count: int,
    *,
    clock: Clock,
) -> list[RequestPlan]:
    specs = [s for s in SERVICES if s.request_weight > 0]
    weights = [s.request_weight for s in specs]
    plans = []
    for _ in range(count):
        spec = rng.choices(specs, weights=weights)[0]
        has_fms = any(a.code == "fixmystreet_id" for a in spec.attributes)
        if has_fms:
            channel = _weighted(
                rng,
                [(Channel.WEB, 50), (Channel.OPEN311, 35), (Channel.EMAIL, 10), (Channel.SMS, 5)],
            )
        else:
            channel = _weighted(rng, [(Channel.WEB, 75), (Channel.EMAIL, 20), (Channel.LETTER, 5)])
        customer = None
        if spec.location == "home" or rng.random() < 0.55:
            customer = rng.choice(population.customers)
        plans.append(
            RequestPlan(
                spec=spec,
                service=services[spec.code],
                channel=channel,
                created_at=clock.any_time(),
                customer=customer,
                home=population.homes[customer.pk] if customer else None,
            )
        )
    return plans


@dataclass
class _Event:
    at: dt.datetime
    kind: str
    status: str
    public: bool
    text: str
    outcome: str = ""
    author: object | None = None
    author_name: str = ""


def _create_complaints(
    rows: list[ServiceRequest],
    timelines: list[list],
    about: dict[int, Service],
    rng: random.Random,
) -> None:
    """The complaint behind each complaint request: what it is about, its stage 1 deadline
    (the request's due time) and, once closed, its decision and the response letter."""
    complaints = []
    for index, service in about.items():
        request = rows[index]
        closed = request.status == Status.CLOSED
        if not closed:
            decision = ""
        elif request.outcome == ClosureOutcome.FIXED:
            decision = rng.choice([ComplaintDecision.UPHELD, ComplaintDecision.PARTLY_UPHELD])
        else:
            decision = ComplaintDecision.NOT_UPHELD
        letter = next((e.text for e in reversed(timelines[index]) if e.public and closed), "")
        complaints.append(
            Complaint(
                request=request,
                stage1_due_at=request.sla_due_at or request.created_at,
                stage1_responded_at=request.closed_at if closed else None,
                stage1_decision=decision,
                stage1_response=letter,
                about_service=service,
            )
        )
    Complaint.objects.bulk_create(complaints, batch_size=500)


def create_requests(
    rng: random.Random,
    partnership: Partnership,
    gazetteer: list[PostcodeUnit],
    population: Population,
    plans: list[RequestPlan],
    *,
    router: Router,
    now: dt.datetime,
    progress: Progress,
    referral_chance: float = 0.45,
) -> dict[str, int]:
    taken = set(ServiceRequest.objects.values_list("reference", flat=True))
    attributes_by_service: dict[int, list[ServiceAttribute]] = {}
    for attribute in ServiceAttribute.objects.order_by("order", "code"):
        attributes_by_service.setdefault(attribute.service_id, []).append(attribute)
    staff_by_team: dict[int, list] = {}
    for membership in Membership.objects.filter(
        team__isnull=False, role__in=[Role.CASEWORKER, Role.TEAM_LEADER]
    ).select_related("user"):
        staff_by_team.setdefault(membership.team_id, []).append(membership.user)
    units_by_outward: dict[str, list[PostcodeUnit]] = {}
    for unit in gazetteer:
        units_by_outward.setdefault(unit.outward, []).append(unit)

    # Complaints are about a service and go to whoever delivers it there (a complaint about
    # potholes to the county, about bins to the district), as raise_request routes them. Drawn
    # from their own generator so the rest of the demo stays as it was.
    about_rng = random.Random(1853)
    complaint_topics = list(
        Service.objects.filter(
            code__in=["pothole", "street-light", "missed-bin", "council-tax-discount", "graffiti"]
        ).order_by("code")
    )
    complaint_teams = {
        (d.service_id, d.partner_id): d.team
        for d in ServiceDelivery.objects.filter(service__kind=ServiceKind.COMPLAINT).select_related(
            "team"
        )
    }
    complaints_about: dict[int, Service] = {}
    rules_by_service: dict[int, list[PriorityRule]] = {}
    for rule in PriorityRule.objects.filter(active=True).select_related("sla_policy"):
        rules_by_service.setdefault(rule.service_id, []).append(rule)

    plans = sorted(plans, key=lambda p: p.created_at)
    rows: list[ServiceRequest] = []
    timelines: list[list[_Event]] = []
    referrals: list[tuple[int, dict]] = []

    for plan in progress(plans, "Requests", len(plans)):
        spec, service = plan.spec, plan.service
        policy = service.sla_policy
        home = plan.home
        if spec.location == "home" and home is not None:
            location = _home_location(home)
        elif home is not None and rng.random() < 0.5:
            location = _place(rng, home.unit)
        else:
            location = _place(rng, rng.choice(gazetteer))
        outward = location.outward_code
        delivery = router.delivery(service, outward)
        partner, team = delivery.partner, delivery.team
        if spec.kind == ServiceKind.COMPLAINT and complaint_topics:
            about = about_rng.choice(complaint_topics)
            about_delivery = router.delivery(about, outward)
            partner = about_delivery.partner
            team = complaint_teams.get((service.pk, partner.pk)) or about_delivery.team
            complaints_about[len(rows)] = about
        created = plan.created_at
        who = plan.customer.display_name if plan.customer else ""
        answers = make_answers(
            rng,
            attributes_by_service.get(service.pk, []),
            when=created,
            channel=plan.channel,
            family_name=plan.customer.family_name if plan.customer else "",
        )
        # Priority by answers, as raise_request decides (catalogue/priority.py).
        rule = next((r for r in rules_by_service.get(service.pk, []) if matches(r, answers)), None)
        if rule is not None and rule.sla_policy is not None:
            policy = rule.sla_policy
        descriptions = spec.descriptions or DEFAULT_DESCRIPTIONS.get(spec.kind, [""])
        due = sla.due_at(policy, created)
        span = due - created
        team_staff = staff_by_team.get(team.pk, []) if team else []
        assignee = rng.choice(team_staff) if team_staff and rng.random() < 0.85 else None
        officer_name = (
            "" if assignee else (f"{team.name}, {partner.name}" if team else partner.name)
        )

        events = [
            _Event(
                created,
                UpdateKind.CREATED,
                Status.OPEN,
                True,
                f"Your request about “{service.name}” has been passed to {partner.name}.",
                author=plan.raised_by,
            )
        ]
        roll = rng.random()
        hold: tuple[dt.datetime, dt.datetime] | None = None
        if roll < 0.06:
            close_at = created + span * rng.uniform(0.02, 0.2)
            outcome = _weighted(rng, QUICK_OUTCOMES)
            ack_at = progress_at = None
        else:
            share = rng.uniform(0.1, 0.95) if roll < 0.84 else rng.uniform(1.05, 2.5)
            close_at = created + span * share
            outcome = _weighted(
                rng, [(ClosureOutcome.FIXED, 88), (ClosureOutcome.NO_FURTHER_ACTION, 12)]
            )
            ack_at = created + min(span * 0.1, dt.timedelta(hours=rng.uniform(0.2, 20)))
            progress_at = ack_at + (close_at - ack_at) * rng.uniform(0.1, 0.5)
            if rng.random() < 0.2:
                ack_at = None  # went straight to "in progress"
            if rng.random() < 0.08 and spec.kind in HOLD_TEXT:
                paused = progress_at + (close_at - progress_at) * rng.uniform(0.1, 0.4)
                resumed = paused + dt.timedelta(days=rng.uniform(1, 8))
                close_at += resumed - paused
                hold = (paused, resumed)
        office_hours = policy.unit != SLAUnit.CALENDAR_HOURS
        if office_hours:
            # Back-office teams work office hours; round-the-clock teams are left as drawn.
            previous = created
            if ack_at is not None:
                ack_at = previous = _office_time(rng, ack_at, previous)
            if progress_at is not None:
                progress_at = previous = _office_time(rng, progress_at, previous)
            if hold is not None:
                paused = _office_time(rng, hold[0], previous)
                resumed = previous = _office_time(rng, hold[1], paused)
                hold = (paused, resumed)
            close_at = _office_time(rng, close_at, previous)
        if ack_at is not None:
            if assignee is not None:
                events.append(
                    _Event(
                        ack_at,
                        UpdateKind.ASSIGNED,
                        Status.ACKNOWLEDGED,
                        False,
                        f"Assigned to {assignee.get_full_name()}",
                        author=assignee,
                    )
                )
            due_local = due.astimezone(LONDON)
            due_text = f"{due_local.day} {due_local:%B %Y}"
            events.append(
                _Event(
                    ack_at,
                    UpdateKind.STATUS,
                    Status.ACKNOWLEDGED,
                    True,
                    f"Thank you. {team.name if team else partner.name} has your request "
                    f"and aims to deal with it by {due_text}.",
                    author=assignee,
                    author_name=officer_name,
                )
            )
        if progress_at is not None:
            if ack_at is None and assignee is not None:
                events.append(
                    _Event(
                        progress_at,
                        UpdateKind.ASSIGNED,
                        Status.OPEN,
                        False,
                        f"Assigned to {assignee.get_full_name()}",
                        author=assignee,
                    )
                )
            events.append(
                _Event(
                    progress_at,
                    UpdateKind.STATUS,
                    Status.IN_PROGRESS,
                    True,
                    rng.choice(IN_PROGRESS_TEXT[spec.kind]),
                    author=assignee,
                    author_name=officer_name,
                )
            )
            note_at = progress_at + (close_at - progress_at) * rng.uniform(0.05, 0.3)
            if office_hours:
                note_at = _office_time(rng, note_at, progress_at)
            if rng.random() < 0.35 and spec.kind in INTERNAL_NOTES and note_at < close_at:
                events.append(
                    _Event(
                        note_at,
                        UpdateKind.NOTE,
                        Status.IN_PROGRESS,
                        False,
                        rng.choice(INTERNAL_NOTES[spec.kind]),
                        author=assignee,
                        author_name=officer_name,
                    )
                )
        if hold is not None:
            events.append(
                _Event(
                    hold[0],
                    UpdateKind.STATUS,
                    Status.ON_HOLD,
                    True,
                    rng.choice(HOLD_TEXT[spec.kind]),
                    author=assignee,
                    author_name=officer_name,
                )
            )
            events.append(
                _Event(
                    hold[1],
                    UpdateKind.STATUS,
                    Status.IN_PROGRESS,
                    True,
                    "Thank you for waiting: work on your request has restarted.",
                    author=assignee,
                    author_name=officer_name,
                )
            )
        if plan.customer is not None and rng.random() < 0.1:
            chase_at = created + (close_at - created) * rng.uniform(0.3, 0.9)
            events.append(
                _Event(
                    chase_at,
                    UpdateKind.CUSTOMER,
                    Status.OPEN,
                    False,
                    rng.choice(CUSTOMER_UPDATES),
                    author_name=who,
                )
            )
        closing_text = CLOSED_TEXT.get((outcome, spec.kind)) or CLOSED_TEXT.get(
            (outcome, None), ["Closed."]
        )
        events.append(
            _Event(
                close_at,
                UpdateKind.STATUS,
                Status.CLOSED,
                True,
                rng.choice(closing_text),
                outcome=outcome,
                author=assignee,
                author_name=officer_name,
            )
        )

        # Only what has happened by now; the status is the last status reached.
        events = sorted((e for e in events if e.at <= now), key=lambda e: e.at)
        status = Status.OPEN
        for event in events:
            if event.kind in (UpdateKind.STATUS, UpdateKind.CREATED):
                status = event.status
            else:
                event.status = status
        on_hold_since = None
        sla_due = due
        if hold is not None and hold[0] <= now:
            if hold[1] <= now:
                sla_due = sla.extend_for_pause(policy, due, hold[0], hold[1])
            elif status == Status.ON_HOLD:
                on_hold_since = hold[0]
        closed = status == Status.CLOSED
        acknowledged_at = next(
            (e.at for e in events if e.kind == UpdateKind.STATUS and e.status != Status.CLOSED),
            None,
        )
        reference = new_reference()
        while reference in taken:
            reference = new_reference()
        taken.add(reference)
        rows.append(
            ServiceRequest(
                reference=reference,
                service=service,
                customer=plan.customer,
                contact=plan.contact,
                channel=plan.channel,
                responsible_partner=partner,
                team=team,
                assignee=assignee if any(e.kind == UpdateKind.ASSIGNED for e in events) else None,
                status=status,
                outcome=outcome if closed else "",
                description=rng.choice(descriptions),
                # As raise_request decides: a resident's own report of a public fault.
                description_public=service.requests_public
                and plan.raised_by is None
                and plan.channel in {Channel.WEB, Channel.OPEN311},
                attributes=answers,
                latitude=location.latitude,
                longitude=location.longitude,
                address=location.address,
                postcode=location.postcode,
                uprn=location.uprn,
                sla_due_at=sla_due,
                sla_policy=policy if rule is not None else None,
                priority=rule.priority if rule is not None else Priority.NORMAL,
                priority_reason=rule.name if rule is not None else "",
                on_hold_since=on_hold_since,
                created_at=created,
                updated_at=events[-1].at,
                acknowledged_at=acknowledged_at,
                closed_at=close_at if closed else None,
                raised_by=plan.raised_by,
                version=len(events),
            )
        )
        timelines.append(events)

        route = REFERRAL_ROUTES.get(spec.code)
        consents = population.sharing_consent.get(plan.customer.pk) if plan.customer else None
        if route and consents and rng.random() < referral_chance:
            to, team_name, reason, result = route
            to_slug = POSTCODE_DISTRICTS[outward].district if to == "district" else to
            # The consent that lets the partner referred to see the customer's record.
            consent = consents.get(to_slug)
            last = min(close_at, now)
            at = created + (last - created) * rng.uniform(0.2, 0.6)
            if office_hours:
                at = _office_time(rng, at, created)
            if to_slug != partner.slug and consent is not None and at < last:
                referrals.append(
                    (
                        len(rows) - 1,
                        {
                            "to": to_slug,
                            "team": team_name,
                            "reason": reason,
                            "at": at,
                            "consent": consent,
                            "by": assignee,
                            "closed": closed,
                            "result": result,
                            "last": last,
                        },
                    )
                )

    ServiceRequest.objects.bulk_create(rows, batch_size=500)
    _create_complaints(rows, timelines, complaints_about, about_rng)

    referral_rows = []
    # Answers to referrals of closed requests: most completed, some declined, each answered
    # some days after it was sent and mostly passed on to the resident a little later, so
    # insight's referral outcomes and time to feedback have figures (its own generator: the
    # rest of the demo stays as it was).
    answer_rng = random.Random(1871)
    answered = 0
    for index, info in referrals:
        request = rows[index]
        to_partner = partnership.partners[info["to"]]
        state = outcome = ""
        answered_at = feedback_at = None
        if info["closed"]:
            answered += 1
            declined = answered % 5 == 2  # one in five, even in a small demo
            state = Referral.State.DECLINED if declined else Referral.State.COMPLETED
            outcome = DECLINED_OUTCOME if declined else info["result"]
            answered_at = info["at"] + (info["last"] - info["at"]) * answer_rng.uniform(0.3, 0.95)
            if answer_rng.random() < 0.85:
                feedback_at = min(
                    answered_at + dt.timedelta(hours=answer_rng.uniform(1, 72)), info["last"]
                )
        referral_rows.append(
            Referral(
                request=request,
                from_partner=request.responsible_partner,
                to_partner=to_partner,
                to_team=partnership.team(info["to"], info["team"]),
                reason=info["reason"],
                consent=info["consent"],
                state=state or rng.choice([Referral.State.SENT, Referral.State.ACCEPTED]),
                outcome=outcome,
                created_at=info["at"],
                created_by=info["by"],
                answered_at=answered_at,
                feedback_at=feedback_at,
            )
        )
        status_then = Status.OPEN
        for event in timelines[index]:
            if event.at <= info["at"]:
                status_then = event.status
        timelines[index].append(
            _Event(
                info["at"],
                UpdateKind.REFERRAL,
                status_then,
                True,
                f"We have also asked {to_partner.name} to help with this.",
                author=info["by"],
            )
        )
        timelines[index].sort(key=lambda e: e.at)
        request.version += 1
        request.updated_at = max(request.updated_at, info["at"])
    Referral.objects.bulk_create(referral_rows)
    if referral_rows:
        ServiceRequest.objects.bulk_update(
            [rows[i] for i, _ in referrals], ["version", "updated_at"], batch_size=500
        )

    updates = [
        RequestUpdate(
            request=request,
            created_at=event.at,
            author=event.author,
            author_name=event.author_name,
            kind=event.kind,
            status=event.status,
            outcome=event.outcome,
            public=event.public,
            text=event.text,
        )
        for request, events in zip(rows, timelines, strict=True)
        for event in events
    ]
    RequestUpdate.objects.bulk_create(updates, batch_size=1000)
    return {"requests": len(rows), "updates": len(updates), "referrals": len(referral_rows)}
