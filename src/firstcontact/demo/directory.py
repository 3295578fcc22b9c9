"""The demo's directory of services (Open Referral UK): the partners' own public services (their
catalogue entries, so their names come from the catalogue) and a few hundred services of
local charities and community groups, at places on the demo's postcodes, with opening times,
costs, languages and accessibility; the LGSL codes the demo catalogue uses and a list of needs
as taxonomies; and every demo postcode's centroid for proximity search.

Fictional throughout: the charities, places and phone numbers (Ofcom's drama range 01632 960xxx)
are made up, and WX is not a real postcode area.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from firstcontact.catalogue.models import Service as CatalogueService
from firstcontact.demo.catalogue import SERVICES, deliverers
from firstcontact.demo.geography import DISTRICT_AREAS, POSTCODE_DISTRICTS, PostcodeUnit
from firstcontact.demo.partnership import Partnership
from firstcontact.directory import welcome
from firstcontact.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    LinkType,
    Location,
    Organization,
    Phone,
    Postcode,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

WEEKDAYS = "MO,TU,WE,TH,FR"

# Our own needs list (the ESD needs list is not shipped with the project: import it as an ORUK
# taxonomy where a council uses it). (code, name, description)
NEEDS = [
    ("food", "Food", "Food parcels, community meals and help to buy food."),
    ("money", "Money and debt", "Benefits, budgeting, debt and grants."),
    ("housing", "Housing", "Somewhere to live, repairs, homelessness."),
    ("health", "Health and wellbeing", "Physical and mental health, staying well."),
    ("family", "Children and families", "Parents, babies, young children and young people."),
    ("older", "Older people", "Company, care and support in later life."),
    ("disability", "Disability and carers", "Support for disabled people and their carers."),
    ("work", "Work and learning", "Jobs, skills, English classes and volunteering."),
    ("community", "Community and leisure", "Clubs, groups, sport and things to do."),
    ("safety", "Safety", "Domestic abuse, crime, staying safe."),
    ("transport", "Getting about", "Community transport and travel help."),
    ("environment", "Home and environment", "Energy, recycling, gardens and repairs."),
]

# Kinds of local group: (name pattern, description, services they run). A service is
# (name, description, need, minimum age, maximum age, cost per session or None when free,
# schedule: "weekdays", "weekly", "weekend" or "monthly").
CHARITY_KINDS = [
    (
        "{town} Food Bank",
        "An independent food bank run by volunteers from local churches.",
        [
            (
                "Emergency food parcels",
                "Three days of food for people referred by an adviser, "
                "GP or school; collect from the centre or ask for a delivery.",
                "food",
                None,
                None,
                None,
                "weekly",
            ),
            (
                "Fuel bank vouchers",
                "Help to top up a prepayment meter in an emergency.",
                "environment",
                18,
                None,
                None,
                "weekly",
            ),
            (
                "Community pantry",
                "Choose ten items of food each week for a small membership fee.",
                "food",
                18,
                None,
                3.5,
                "weekly",
            ),
        ],
    ),
    (
        "{town} Citizens Advice",
        "Free, confidential and independent advice on money, work, housing and rights.",
        [
            (
                "Debt advice",
                "Help to deal with debts, priority bills and bailiffs, and to talk to creditors.",
                "money",
                18,
                None,
                None,
                "weekdays",
            ),
            (
                "Benefits advice",
                "Check what you can claim, get help with forms and appeals.",
                "money",
                16,
                None,
                None,
                "weekdays",
            ),
            (
                "Housing rights advice",
                "Advice for tenants facing eviction, repairs or rent arrears.",
                "housing",
                16,
                None,
                None,
                "weekly",
            ),
            (
                "Energy advice",
                "Help to cut energy bills and deal with suppliers.",
                "environment",
                18,
                None,
                None,
                "weekly",
            ),
        ],
    ),
    (
        "{town} Age Concern",
        "Support and company for older people and their families.",
        [
            (
                "Lunch club",
                "A hot two-course lunch and company, with transport for those who need it.",
                "older",
                60,
                None,
                6.0,
                "weekly",
            ),
            (
                "Befriending",
                "A volunteer who visits or phones every week.",
                "older",
                65,
                None,
                None,
                "weekdays",
            ),
            (
                "Help at home",
                "Cleaning, shopping and small jobs around the home.",
                "older",
                60,
                None,
                18.0,
                "weekdays",
            ),
            (
                "Digital drop-in",
                "Help with phones, tablets and getting online.",
                "work",
                55,
                None,
                None,
                "weekly",
            ),
        ],
    ),
    (
        "{town} Family Hub",
        "Activities and support for families with children up to 19 (25 with SEND).",
        [
            (
                "Stay and play",
                "Play sessions for babies and toddlers with their parents or carers.",
                "family",
                0,
                4,
                None,
                "weekly",
            ),
            (
                "Baby clinic",
                "Weigh your baby and talk to a health visitor.",
                "health",
                0,
                2,
                None,
                "weekly",
            ),
            (
                "Parenting course",
                "An eight-week course for parents of children aged 2 to 11.",
                "family",
                16,
                None,
                None,
                "weekly",
            ),
            (
                "Holiday activities and food",
                "Free activities and a meal in the school "
                "holidays for children who get free school meals.",
                "family",
                5,
                16,
                None,
                "weekdays",
            ),
            (
                "Youth club",
                "Games, sport, music and trips for young people.",
                "community",
                11,
                18,
                1.0,
                "weekly",
            ),
        ],
    ),
    (
        "{town} Carers Centre",
        "Information and a break for unpaid carers of any age.",
        [
            (
                "Carers support group",
                "Meet other carers over a cup of tea.",
                "disability",
                18,
                None,
                None,
                "monthly",
            ),
            (
                "Young carers club",
                "Time out and trips for young carers.",
                "disability",
                8,
                17,
                None,
                "weekly",
            ),
            (
                "Carers assessment help",
                "Help to ask the county for a carer's assessment.",
                "disability",
                16,
                None,
                None,
                "weekdays",
            ),
        ],
    ),
    (
        "{town} Community Centre",
        "A community building with clubs, classes and rooms to hire.",
        [
            (
                "English classes (ESOL)",
                "Free English classes for adults whose first language is not English.",
                "work",
                19,
                None,
                None,
                "weekly",
            ),
            (
                "Job club",
                "Help with CVs, applications and interviews.",
                "work",
                16,
                None,
                None,
                "weekly",
            ),
            (
                "Walking football",
                "Gentle football for over-50s.",
                "community",
                50,
                None,
                3.0,
                "weekly",
            ),
            (
                "Repair cafe",
                "Bring broken things and fix them with a volunteer.",
                "environment",
                None,
                None,
                None,
                "monthly",
            ),
            (
                "Community transport",
                "Door-to-door minibus for people who cannot use buses.",
                "transport",
                None,
                None,
                4.0,
                "weekdays",
            ),
        ],
    ),
    (
        "{town} Women's Refuge",
        "Safe accommodation and outreach for women and children escaping domestic abuse.",
        [
            (
                "Domestic abuse helpline",
                "Confidential support, safety planning and referral to a refuge.",
                "safety",
                16,
                None,
                None,
                "weekdays",
            ),
            (
                "Freedom programme",
                "A twelve-week course for women who have experienced domestic abuse.",
                "safety",
                18,
                None,
                None,
                "weekly",
            ),
        ],
    ),
    (
        "{town} Mind",
        "Mental health support, information and groups.",
        [
            (
                "Wellbeing cafe",
                "Drop in for a chat with peer supporters.",
                "health",
                18,
                None,
                None,
                "weekly",
            ),
            (
                "Talking therapies",
                "Short courses of counselling for anxiety and low mood.",
                "health",
                16,
                None,
                10.0,
                "weekdays",
            ),
            (
                "Crisis safe space",
                "An evening safe space as an alternative to A&E.",
                "health",
                18,
                None,
                None,
                "weekend",
            ),
        ],
    ),
    (
        "{town} Churches Together",
        "The town's churches working together for people in need.",
        [
            (
                "Warm space",
                "A warm room with hot drinks, soup and company on winter days.",
                "environment",
                None,
                None,
                None,
                "weekdays",
            ),
            (
                "Winter night shelter",
                "A bed, an evening meal and breakfast from December to March, by referral.",
                "housing",
                18,
                None,
                None,
                "weekend",
            ),
            (
                "Clothes and baby bank",
                "Clothes, prams and cots for families who need them.",
                "family",
                None,
                None,
                None,
                "weekly",
            ),
        ],
    ),
    (
        "{town} Active",
        "The local sports partnership: getting more people moving.",
        [
            (
                "Couch to 5k group",
                "A friendly beginners' running group.",
                "health",
                16,
                None,
                None,
                "weekly",
            ),
            (
                "Chair-based exercise",
                "Gentle exercise for people with limited mobility.",
                "health",
                50,
                None,
                2.5,
                "weekly",
            ),
            (
                "Disability swimming",
                "Pool sessions with trained helpers and a hoist.",
                "disability",
                5,
                None,
                3.0,
                "weekend",
            ),
        ],
    ),
]

FUNDERS = [
    "Wessex County Council grant",
    "National Lottery Community Fund",
    "Donations and fundraising",
    "Egdon Homes community fund",
]

# Offices of the partners: (partner slug, name, town).
OFFICES = [
    ("wessex-county", "County Hall", "Casterbridge"),
    ("casterbridge", "Casterbridge Council Offices", "Casterbridge"),
    ("melchester", "Melchester Civic Centre", "Melchester"),
    ("budmouth", "Budmouth Town Hall", "Budmouth"),
    ("wessex-police", "Casterbridge Police Station", "Casterbridge"),
    ("wessex-nhs", "Wessex County Hospital", "Melchester"),
    ("egdon-homes", "Egdon Homes Housing Office", "Budmouth"),
]


def _postcode_rows(gazetteer: list[PostcodeUnit]) -> list[Postcode]:
    return [
        Postcode(postcode=u.postcode, latitude=u.latitude, longitude=u.longitude) for u in gazetteer
    ]


class _Builder:
    """Collects rows, then creates each model's in one bulk insert."""

    def __init__(self, rng: random.Random, gazetteer: list[PostcodeUnit]):
        self.rng = rng
        self.units_by_town: dict[str, list[PostcodeUnit]] = defaultdict(list)
        for unit in gazetteer:
            self.units_by_town[unit.town].append(unit)
        self.rows: dict[type, list] = defaultdict(list)
        self.phone_serial = 0

    def add(self, row):
        self.rows[type(row)].append(row)
        return row

    def phone(self) -> str:
        self.phone_serial += 1
        return f"01632 960{self.phone_serial % 1000:03d}"

    def place(self, name: str, town: str, organization: Organization) -> Location:
        unit = self.rng.choice(self.units_by_town[town])
        number = self.rng.randint(1, unit.properties)
        latitude, longitude = unit.property_point(number)
        location = self.add(
            Location(
                name=name,
                latitude=latitude,
                longitude=longitude,
                postcode=unit.postcode,
                organization=organization,
                external_identifier=unit.uprn(number),
                external_identifier_type="UPRN",
            )
        )
        self.add(
            Address(
                location=location,
                address_1=f"{number} {unit.street}",
                city=town,
                state_province="Wessex",
                postal_code=unit.postcode,
                country="GB",
            )
        )
        access = self.rng.sample(
            [
                "Step-free entrance and accessible toilet",
                "Hearing loop at reception",
                "Blue badge parking outside",
                "Quiet room available on request",
                "Lift to all floors",
            ],
            k=self.rng.randint(1, 3),
        )
        for text in access:
            self.add(Accessibility(location=location, description=text))
        return location

    def schedule(self, pattern: str, **owner) -> None:
        rng = self.rng
        if pattern == "weekdays":
            self.add(
                Schedule(
                    **owner,
                    freq="WEEKLY",
                    interval=1,
                    byday=WEEKDAYS,
                    opens_at=dt.time(9),
                    closes_at=dt.time(17),
                    description="Monday to Friday, 9am to 5pm",
                )
            )
        elif pattern == "weekend":
            self.add(
                Schedule(
                    **owner,
                    freq="WEEKLY",
                    interval=1,
                    byday="FR,SA,SU",
                    opens_at=dt.time(18),
                    closes_at=dt.time(23),
                    description="Friday to Sunday evenings, 6pm to 11pm",
                )
            )
        elif pattern == "monthly":
            day = rng.choice(["1TU", "2WE", "1TH", "3SA"])
            self.add(
                Schedule(
                    **owner,
                    freq="MONTHLY",
                    interval=1,
                    byday=day,
                    opens_at=dt.time(10),
                    closes_at=dt.time(12, 30),
                    description="Once a month, 10am to 12:30pm",
                )
            )
        else:
            day = rng.choice(WEEKDAYS.split(",") + ["SA"])
            start = rng.choice([dt.time(9, 30), dt.time(10), dt.time(13), dt.time(18)])
            end = dt.time(start.hour + 2, start.minute)
            self.add(
                Schedule(
                    **owner,
                    freq="WEEKLY",
                    interval=1,
                    byday=day,
                    opens_at=start,
                    closes_at=end,
                    description=f"Every week, {start:%H:%M} to {end:%H:%M}",
                )
            )

    def save(self) -> None:
        order = [
            Postcode,
            Taxonomy,
            TaxonomyTerm,
            Organization,
            Service,
            Location,
            Address,
            Accessibility,
            ServiceAtLocation,
            Schedule,
            ServiceArea,
            CostOption,
            Contact,
            Phone,
            Language,
            Funding,
            Attribute,
        ]
        for at in self.rows.get(ServiceAtLocation, []):
            # bulk_create skips save(), which copies the place's coordinates for the search.
            at.latitude, at.longitude = at.location.latitude, at.location.longitude
        for model in order:
            model.objects.bulk_create(self.rows.get(model, []), batch_size=500)


def create_directory(
    partnership: Partnership,
    services: dict[str, CatalogueService],
    gazetteer: list[PostcodeUnit],
    seed: int,
) -> dict:
    """Create the demo directory; counts of what was made."""
    rng = random.Random(seed)
    b = _Builder(rng, gazetteer)
    for row in _postcode_rows(gazetteer):
        b.add(row)

    lgsl = b.add(
        Taxonomy(
            name="LGSL",
            description="The Local Government Services List: what councils provide.",
            uri="http://id.esd.org.uk/list/services",
        )
    )
    needs = b.add(
        Taxonomy(
            name="Needs",
            description="What a resident needs help with (FirstContact's own list).",
            version="1",
        )
    )
    need_terms = {
        code: b.add(TaxonomyTerm(taxonomy=needs, code=code, name=name, description=description))
        for code, name, description in NEEDS
    }
    lgsl_terms: dict[int, TaxonomyTerm] = {}

    # The partners, each an organisation with its offices.
    organizations: dict[str, Organization] = {}
    offices: dict[str, Location] = {}
    for slug, partner in partnership.partners.items():
        organizations[slug] = b.add(
            Organization(
                name=partner.name,
                description=f"{partner.name}, a member of the Wessex partnership.",
                email=partner.email,
                website=partner.website,
                partner=partner,
            )
        )
    for slug, name, town in OFFICES:
        if slug in organizations:
            offices[slug] = b.place(name, town, organizations[slug])
            b.add(
                Phone(location=offices[slug], number=partnership.partners[slug].phone or b.phone())
            )
            b.schedule("weekdays", location=offices[slug])

    # The partners' public services: one directory entry each, named by the catalogue.
    all_districts = ",".join(sorted(POSTCODE_DISTRICTS))
    districts_of = {
        area.slug: ",".join(pd.outward for pd in area.postcode_districts) for area in DISTRICT_AREAS
    }
    public = 0
    entries: dict[str, Service] = {}
    for spec in SERVICES:
        catalogue = services.get(spec.code)
        if catalogue is None or catalogue.private or not catalogue.active:
            continue
        slugs = [s for s in deliverers(spec) if s in organizations]
        if not slugs:
            continue
        entry = b.add(
            Service(
                catalogue_service=catalogue,
                organization=organizations[slugs[0]],
                url=partnership.partners[slugs[0]].website,
                email=partnership.partners[slugs[0]].email,
                assured_date=dt.date(2026, 1, 5),
            )
        )
        public += 1
        entries[spec.code] = entry
        for slug in slugs:
            if slug in offices:
                b.add(ServiceAtLocation(service=entry, location=offices[slug]))
        area = all_districts if len(slugs) > 1 or slugs[0] not in districts_of else None
        b.add(
            ServiceArea(
                service=entry,
                name="Wessex" if area else partnership.partners[slugs[0]].name,
                extent=area or districts_of[slugs[0]],
                extent_type="postcode_districts",
            )
        )
        b.add(CostOption(service=entry, option="Free", amount=0))
        b.schedule("weekdays", service=entry)
        b.add(Language(service=entry, name="English", code="en"))
        if spec.lgsl:
            term = lgsl_terms.get(spec.lgsl)
            if term is None:
                term = lgsl_terms[spec.lgsl] = b.add(
                    TaxonomyTerm(
                        taxonomy=lgsl,
                        code=str(spec.lgsl),
                        name=catalogue.name,
                        description=catalogue.description,
                        term_uri=f"http://id.esd.org.uk/service/{spec.lgsl}",
                    )
                )
            b.add(Attribute(taxonomy_term=term, link_entity=LinkType.SERVICE, link_id=entry.id))

    # Local charities and community groups: one of each kind in most towns.
    community = 0
    charities = 0
    towns = [pd.town for pd in POSTCODE_DISTRICTS.values()]
    for town in towns:
        for pattern, description, offers in CHARITY_KINDS:
            if rng.random() < 0.1:
                continue  # not every town has every kind
            charities += 1
            name = pattern.format(town=town)
            domain = name.lower().replace(" ", "-").replace("'", "") + ".example.org"
            organization = b.add(
                Organization(
                    name=name,
                    description=description,
                    email=f"hello@{domain}",
                    website=f"https://{domain}/",
                )
            )
            places = [
                b.place(f"{name} ({label})", town, organization)
                for label in rng.sample(
                    ["main centre", "church hall", "library", "school"], k=rng.randint(1, 2)
                )
            ]
            outward = next(pd.outward for pd in POSTCODE_DISTRICTS.values() if pd.town == town)
            for title, text, need, min_age, max_age, cost, schedule in offers:
                if rng.random() < 0.05:
                    continue
                community += 1
                service = b.add(
                    Service(
                        organization=organization,
                        name=title,
                        description=text,
                        email=organization.email,
                        url=organization.website,
                        minimum_age=min_age,
                        maximum_age=max_age,
                        assured_date=dt.date(2025, rng.randint(1, 12), rng.randint(1, 28)),
                        assurer_email=organization.email,
                    )
                )
                for location in rng.sample(places, k=rng.randint(1, len(places))):
                    at = b.add(ServiceAtLocation(service=service, location=location))
                    b.schedule(schedule, service_at_location=at)
                b.add(
                    ServiceArea(
                        service=service,
                        name=f"{town} and around",
                        extent=outward,
                        extent_type="postcode_districts",
                    )
                )
                if cost is None:
                    b.add(CostOption(service=service, option="Free", amount=0))
                else:
                    b.add(
                        CostOption(
                            service=service,
                            option="Per session",
                            amount=cost,
                            currency="GBP",
                            amount_description="per session",
                        )
                    )
                contact = b.add(
                    Contact(service=service, name="Reception", email=organization.email)
                )
                b.add(Phone(contact=contact, number=b.phone()))
                b.add(Language(service=service, name="English", code="en"))
                if rng.random() < 0.3:
                    b.add(Language(service=service, name="Polish", code="pl"))
                b.add(Funding(service=service, source=rng.choice(FUNDERS)))
                b.add(
                    Attribute(
                        taxonomy_term=need_terms[need],
                        link_entity=LinkType.SERVICE,
                        link_id=service.id,
                    )
                )
    community += _welcome_pack_places(b, organizations, entries, towns)
    _review_dates(b, rng)
    b.save()
    return {
        "directory_services": public + community,
        "directory_organizations": len(organizations) + charities,
        "postcodes": len(gazetteer),
    }


# What a new resident's welcome pack lists (firstcontact.directory.welcome): catalogue services
# tagged with a section's term, and places of these kinds in every town.
WELCOME_CATALOGUE = {
    "bins": ["missed-bin", "garden-waste", "bulky-waste"],
    "recycling": ["recycling"],
    "library": ["library-join"],
    "school": ["school-places"],
    "key": [
        "council-tax",
        "electoral-registration",
        "gp-registration",
        "parking-permit",
        "bus-pass",
        "library-join",
        "housing-benefit",
    ],
}
# (term, name pattern, description, who runs it: a partner slug, None for its own
# organisation, "district" for the town's district council; schedule; how many a town has).
WELCOME_PLACES = [
    (
        "gp",
        "{street} Surgery",
        "A GP practice taking new patients: register online or at reception with proof of address.",
        None,
        "weekdays",
        2,
    ),
    (
        "school",
        "{town} Primary School",
        "A community primary school for children aged 4 to 11.",
        None,
        "weekdays",
        1,
    ),
    (
        "school",
        "{town} Academy",
        "A secondary school and sixth form for ages 11 to 18.",
        None,
        "weekdays",
        1,
    ),
    (
        "library",
        "{town} Library",
        "Books, computers, free wi-fi, rhyme time and help to get online.",
        "wessex-county",
        "weekdays",
        1,
    ),
    (
        "leisure",
        "{town} Leisure Centre",
        "Swimming pool, gym, sports hall and classes.",
        "district",
        "weekend",
        1,
    ),
    (
        "councillor",
        "Councillors' surgery, {town}",
        "Meet your local councillors: no appointment needed.",
        "district",
        "monthly",
        1,
    ),
]
DISTRICT_OF_TOWN = {pd.town: area.slug for area in DISTRICT_AREAS for pd in area.postcode_districts}


def _welcome_pack_places(
    b: _Builder,
    organizations: dict[str, Organization],
    entries: dict[str, Service],
    towns: list[str],
) -> int:
    """The welcome pack's taxonomy, its terms on catalogue entries, and GP surgeries, schools,
    libraries, leisure centres, councillors' surgeries and a recycling centre in each town."""
    taxonomy = b.add(
        Taxonomy(
            name=welcome.WELCOME_TAXONOMY,
            description="What a new resident's welcome pack lists.",
            version="1",
        )
    )
    terms = {
        code: b.add(TaxonomyTerm(taxonomy=taxonomy, code=code, name=name, description=text))
        for code, name, text in welcome.TERMS
    }
    for code, catalogue_codes in WELCOME_CATALOGUE.items():
        for catalogue_code in catalogue_codes:
            if catalogue_code in entries:
                b.add(
                    Attribute(
                        taxonomy_term=terms[code],
                        link_entity=LinkType.SERVICE,
                        link_id=entries[catalogue_code].id,
                    )
                )
    made = 0
    rng = b.rng

    def add(term: str, name: str, text: str, organization, schedule: str, town: str) -> None:
        location = b.place(name, town, organization)
        service = b.add(
            Service(
                organization=organization,
                name=name,
                description=text,
                email=organization.email,
                url=organization.website,
                assured_date=dt.date(2026, rng.randint(1, 11), rng.randint(1, 28)),
                assurer_email=organization.email,
            )
        )
        at = b.add(ServiceAtLocation(service=service, location=location))
        b.schedule(schedule, service_at_location=at)
        b.add(Phone(service=service, number=b.phone()))
        b.add(CostOption(service=service, option="Free", amount=0))
        b.add(Language(service=service, name="English", code="en"))
        b.add(
            Attribute(taxonomy_term=terms[term], link_entity=LinkType.SERVICE, link_id=service.id)
        )

    for town in towns:
        district = organizations.get(DISTRICT_OF_TOWN.get(town, ""))
        for term, pattern, text, runner, schedule, count in WELCOME_PLACES:
            for n in range(count):
                unit = rng.choice(b.units_by_town[town])
                name = pattern.format(town=town, street=unit.street if n else town)
                if runner == "district":
                    organization = district
                elif runner:
                    organization = organizations.get(runner)
                else:
                    domain = name.lower().replace(" ", "-").replace("'", "") + ".example.org"
                    organization = b.add(
                        Organization(
                            name=name,
                            description=text,
                            email=f"office@{domain}",
                            website=f"https://{domain}/",
                        )
                    )
                if organization is None:
                    continue
                add(term, name, text, organization, schedule, town)
                made += 1
    # One household waste recycling centre in each council's area, run by the county.
    county = organizations.get("wessex-county")
    if county is not None:
        for area in DISTRICT_AREAS:
            town = area.postcode_districts[0].town
            add(
                "recycling",
                f"{town} Household Waste Recycling Centre",
                "Take household rubbish, garden waste, electricals and recycling. Vans and "
                "trailers need a permit.",
                county,
                "weekend",
                town,
            )
            made += 1
    return made


def _review_dates(b: _Builder, rng: random.Random) -> None:
    """Every checked entry is next due a year later; some of the partners' own entries are
    overdue or were never checked, so the stale-entries report has something to show."""
    today = dt.date.today()
    for service in b.rows.get(Service, []):
        if service.organization is not None and service.organization.partner_id is not None:
            roll = rng.random()
            if roll < 0.06:
                service.assured_date = None
                service.assurer_email = ""
            elif roll < 0.2:
                service.assured_date = today - dt.timedelta(days=rng.randint(380, 700))
        if service.assured_date is not None:
            service.review_date = service.assured_date + dt.timedelta(days=365)
