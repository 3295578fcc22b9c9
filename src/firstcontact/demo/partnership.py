"""The demo partnership: Wessex, a fictional two-tier county with three districts, a police
force, an NHS trust and a housing association; a shared contact centre run by Casterbridge for
all of them; the agreements between them; and a member of staff in each role."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from firstcontact.demo.geography import ALL_OUTWARD_CODES, COUNTY_BOX, DISTRICT_AREAS
from firstcontact.demo.privacy_notices import privacy_notice, privacy_notice_url
from firstcontact.partners.models import (
    HubAgreement,
    Membership,
    OpeningHours,
    Partner,
    PartnerArea,
    PartnerKind,
    Role,
    Team,
)
from firstcontact.privacy.models import DataCategory, DataSharingAgreement

# One password for every demo login, documented in the README and printed by load_demo.
DEMO_PASSWORD = "firstcontact-demo"
# The demo login that shows the second factor working even in the demo (where the others sign
# in with the password alone): its authenticator secret is fixed, and printed by load_demo so
# a person can add it to an app. Base32, as apps take it; never use a fixed secret for real.
SECOND_FACTOR_DEMO_LOGIN = "secure-adviser"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPFIRSTCONTACTDEMO"

COUNTY = "wessex-county"
HUB = "casterbridge"
DISTRICTS = ["casterbridge", "melchester", "budmouth"]
POLICE = "wessex-police"
NHS = "wessex-nhs"
HOUSING = "egdon-homes"
DEMO_SLUGS = [COUNTY, *DISTRICTS, POLICE, NHS, HOUSING]


@dataclass(frozen=True)
class PartnerSpec:
    slug: str
    name: str
    kind: str
    phone: str
    domain: str
    teams: list[str]
    parent: str | None = None
    is_hub: bool = False


DISTRICT_TEAMS = [
    "Waste and Recycling",
    "Street Scene",
    "Environmental Health",
    "Revenues and Benefits",
    "Electoral Services",
    "Housing Options",
    "Planning",
    "Parking Services",
    "Customer Relations",
    "Customer Services",
    "Licensing",
]

PARTNERS = [
    PartnerSpec(
        COUNTY,
        "Wessex County Council",
        PartnerKind.COUNTY,
        "0117 496 0010",
        "wessex-county.example.org",
        [
            "Highways",
            "Transport and Concessions",
            "Education",
            "Libraries",
            "Adult Social Care",
            "Customer Relations",
        ],
    ),
    PartnerSpec(
        "casterbridge",
        "Casterbridge District Council",
        PartnerKind.DISTRICT,
        "0117 496 0020",
        "casterbridge.example.org",
        [*DISTRICT_TEAMS, "Contact Centre"],
        parent=COUNTY,
        is_hub=True,
    ),
    PartnerSpec(
        "melchester",
        "Melchester District Council",
        PartnerKind.DISTRICT,
        "0117 496 0030",
        "melchester.example.org",
        DISTRICT_TEAMS,
        parent=COUNTY,
    ),
    PartnerSpec(
        "budmouth",
        "Budmouth District Council",
        PartnerKind.DISTRICT,
        "0117 496 0040",
        "budmouth.example.org",
        DISTRICT_TEAMS,
        parent=COUNTY,
    ),
    PartnerSpec(
        POLICE,
        "Wessex Constabulary",
        PartnerKind.POLICE,
        "0117 496 0050",
        "wessex-police.example.org",
        ["Neighbourhood Policing", "Contact Management"],
    ),
    PartnerSpec(
        NHS,
        "Wessex Vale NHS Trust",
        PartnerKind.NHS,
        "0117 496 0060",
        "wessex-vale-nhs.example.org",
        ["Patient Advice and Liaison", "Community Services"],
    ),
    PartnerSpec(
        HOUSING,
        "Egdon Homes Housing Association",
        PartnerKind.HOUSING,
        "0117 496 0070",
        "egdon-homes.example.org",
        ["Repairs", "Tenancy Services"],
    ),
]

_T = dt.time
COUNCIL_HOURS = [(d, _T(8, 30), _T(17, 0)) for d in range(4)] + [(4, _T(8, 30), _T(16, 30))]
HUB_HOURS = [(d, _T(8, 0), _T(18, 0)) for d in range(5)] + [(5, _T(9, 0), _T(13, 0))]
OPENING_HOURS = {
    COUNTY: COUNCIL_HOURS,
    "casterbridge": HUB_HOURS,
    "melchester": COUNCIL_HOURS,
    "budmouth": COUNCIL_HOURS,
    # 101 is answered around the clock.
    POLICE: [(d, _T(0, 0), _T(23, 59)) for d in range(7)],
    NHS: [(d, _T(8, 0), _T(18, 30)) for d in range(5)],
    # Office hours, plus the repairs line on Saturday mornings.
    HOUSING: [(d, _T(8, 30), _T(17, 0)) for d in range(5)] + [(5, _T(9, 0), _T(12, 0))],
}

HUB_AGREEMENTS_START = dt.date(2024, 4, 1)


@dataclass(frozen=True)
class SharingSpec:
    provider: str
    recipient: str
    categories: list[str]
    purpose: str
    reference: str


_TWO_TIER = "Two-tier customer service: answering residents about either council's services"
_SAFETY = "Community safety and antisocial behaviour (Crime and Disorder Act 1998, s.115)"
_TENANCY = "Tenancy sustainment and homelessness prevention"
_CARE = "Hospital discharge and adult social care (integrated care)"
_ALL = [DataCategory.IDENTITY, DataCategory.SERVICE_REQUESTS, DataCategory.CONTACTS]
_IDENTITY_REQUESTS = [DataCategory.IDENTITY, DataCategory.SERVICE_REQUESTS]

SHARING = [
    *[SharingSpec(COUNTY, d, _ALL, _TWO_TIER, "WX-ISA-001") for d in DISTRICTS],
    *[SharingSpec(d, COUNTY, _ALL, _TWO_TIER, "WX-ISA-001") for d in DISTRICTS],
    *[
        SharingSpec(c, POLICE, _IDENTITY_REQUESTS, _SAFETY, "WX-ISA-002")
        for c in [COUNTY, *DISTRICTS]
    ],
    *[
        SharingSpec(POLICE, d, [DataCategory.SERVICE_REQUESTS], _SAFETY, "WX-ISA-002")
        for d in DISTRICTS
    ],
    *[SharingSpec(HOUSING, d, _IDENTITY_REQUESTS, _TENANCY, "WX-ISA-003") for d in DISTRICTS],
    *[SharingSpec(d, HOUSING, [DataCategory.IDENTITY], _TENANCY, "WX-ISA-003") for d in DISTRICTS],
    SharingSpec(COUNTY, NHS, _IDENTITY_REQUESTS, _CARE, "WX-ISA-004"),
    SharingSpec(NHS, COUNTY, _IDENTITY_REQUESTS, _CARE, "WX-ISA-004"),
]


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    partner: str
    role: str
    team: str | None = None
    is_staff: bool = False
    note: str = ""
    second_factor: bool = False


STAFF = [
    StaffSpec(
        "adviser",
        "Amira",
        "Shah",
        HUB,
        Role.ADVISER,
        "Contact Centre",
        note="the hub: acts for every partner",
    ),
    StaffSpec("adviser2", "Tom", "Pryce", HUB, Role.ADVISER, "Contact Centre"),
    StaffSpec("adviser3", "Grace", "Okafor", HUB, Role.ADVISER, "Contact Centre"),
    StaffSpec("adviser4", "Dylan", "Hughes", HUB, Role.ADVISER, "Contact Centre"),
    StaffSpec(
        SECOND_FACTOR_DEMO_LOGIN,
        "Chloe",
        "Daniels",
        HUB,
        Role.ADVISER,
        "Contact Centre",
        note="asks for a code from an authenticator app",
        second_factor=True,
    ),
    StaffSpec(
        "shop-adviser",
        "Beth",
        "Marlow",
        "melchester",
        Role.ADVISER,
        "Customer Services",
        note="Melchester one-stop shop",
    ),
    StaffSpec("teamleader", "Priya", "Nair", HUB, Role.TEAM_LEADER, "Contact Centre"),
    StaffSpec(
        "manager",
        "Richard",
        "Cole",
        HUB,
        Role.MANAGER,
        "Contact Centre",
        note="contact centre manager",
    ),
    StaffSpec(
        "caseworker", "Sam", "Whitfield", "casterbridge", Role.CASEWORKER, "Revenues and Benefits"
    ),
    StaffSpec(
        "waste-officer", "Lee", "Foster", "melchester", Role.CASEWORKER, "Waste and Recycling"
    ),
    StaffSpec("streets-officer", "Nia", "Evans", "budmouth", Role.CASEWORKER, "Street Scene"),
    StaffSpec(
        "highways", "Gareth", "Lewis", COUNTY, Role.CASEWORKER, "Highways", note="highways officer"
    ),
    StaffSpec("highways-lead", "Fiona", "Grant", COUNTY, Role.TEAM_LEADER, "Highways"),
    StaffSpec(
        "bluebadge-officer", "Omar", "Hassan", COUNTY, Role.CASEWORKER, "Transport and Concessions"
    ),
    StaffSpec(
        "police",
        "Jo",
        "Bennett",
        POLICE,
        Role.CASEWORKER,
        "Neighbourhood Policing",
        note="police officer",
    ),
    StaffSpec("nhs", "Helen", "Marsh", NHS, Role.CASEWORKER, "Patient Advice and Liaison"),
    StaffSpec(
        "housing", "Marcus", "Reid", HOUSING, Role.CASEWORKER, "Repairs", note="housing officer"
    ),
    StaffSpec(
        "dpo",
        "Ruth",
        "Adeyemi",
        COUNTY,
        Role.DATA_PROTECTION_OFFICER,
        note="the county's data protection officer",
    ),
    StaffSpec(
        "directory-editor",
        "Priya",
        "Shah",
        COUNTY,
        Role.DIRECTORY_EDITOR,
        note="keeps the county's entries in the directory of services",
    ),
    StaffSpec(
        "partnership-dpo",
        "Kwame",
        "Mensah",
        COUNTY,
        Role.PARTNERSHIP_DPO,
        note="data protection for every partner",
    ),
    StaffSpec(
        "steward",
        "Ada",
        "Lindqvist",
        COUNTY,
        Role.DATA_STEWARD,
        note="the county's data steward: possible duplicates and merges",
    ),
    StaffSpec(
        "admin",
        "Alex",
        "Morgan",
        COUNTY,
        Role.PARTNERSHIP_ADMIN,
        is_staff=True,
        note="and the admin site",
    ),
]


@dataclass
class Partnership:
    """What create_partnership made, for the generators."""

    partners: dict[str, Partner]
    teams: dict[tuple[str, str], Team]
    users: dict[str, object]
    existing_usernames: list[str] = field(default_factory=list)

    @property
    def hub(self) -> Partner:
        return self.partners[HUB]

    def team(self, partner_slug: str, name: str) -> Team:
        return self.teams[(partner_slug, name)]


def create_partnership() -> Partnership:
    partners: dict[str, Partner] = {}
    for spec in PARTNERS:
        partner = Partner(
            slug=spec.slug,
            name=spec.name,
            kind=spec.kind,
            parent=partners.get(spec.parent) if spec.parent else None,
            is_hub=spec.is_hub,
            phone=spec.phone,
            email=f"customer.services@{spec.domain}",
            website=f"https://www.{spec.domain}/",
            privacy_notice=privacy_notice(spec.name, spec.kind, spec.domain),
            privacy_notice_url=privacy_notice_url(spec.domain),
        )
        partner.full_clean()
        partner.save()
        partners[spec.slug] = partner

    areas = [
        PartnerArea(
            partner=partners[area.slug],
            name=f"{area.name} district",
            postcode_districts=[pd.outward for pd in area.postcode_districts],
            boundary=area.box.polygon(),
        )
        for area in DISTRICT_AREAS
    ]
    for slug, name in [
        (COUNTY, "Wessex"),
        (POLICE, "Wessex policing area"),
        (NHS, "Wessex Vale catchment"),
        (HOUSING, "Egdon Homes operating area"),
    ]:
        areas.append(
            PartnerArea(
                partner=partners[slug],
                name=name,
                postcode_districts=list(ALL_OUTWARD_CODES),
                boundary=COUNTY_BOX.polygon(),
            )
        )
    for area in areas:
        area.full_clean()
    PartnerArea.objects.bulk_create(areas)

    teams: dict[tuple[str, str], Team] = {}
    for spec in PARTNERS:
        domain = spec.domain
        for name in spec.teams:
            mailbox = name.lower().replace(" and ", "-").replace(" ", "-")
            teams[(spec.slug, name)] = Team(
                partner=partners[spec.slug], name=name, email=f"{mailbox}@{domain}"
            )
    Team.objects.bulk_create(teams.values())

    OpeningHours.objects.bulk_create(
        OpeningHours(partner=partners[slug], weekday=day, opens=opens, closes=closes)
        for slug, spans in OPENING_HOURS.items()
        for day, opens, closes in spans
    )

    # The hub's contact centre (its advisers, team leaders and manager) acts for each client;
    # the hub's own back-office teams do not.
    hub_agreements = HubAgreement.objects.bulk_create(
        HubAgreement(
            hub=partners[HUB],
            client=partners[slug],
            reference=f"WX-HUB-{i:03d}",
            starts=HUB_AGREEMENTS_START,
            acting_roles=[Role.ADVISER, Role.TEAM_LEADER, Role.MANAGER],
        )
        for i, slug in enumerate([s for s in DEMO_SLUGS if s != HUB], start=1)
    )
    contact_centre = teams[(HUB, "Contact Centre")]
    HubAgreement.acting_teams.through.objects.bulk_create(
        HubAgreement.acting_teams.through(hubagreement_id=agreement.pk, team_id=contact_centre.pk)
        for agreement in hub_agreements
    )
    _agreed_terms(hub_agreements)

    agreements = []
    for spec in SHARING:
        agreement = DataSharingAgreement(
            provider=partners[spec.provider],
            recipient=partners[spec.recipient],
            categories=[str(c) for c in spec.categories],
            purpose=spec.purpose,
            reference=spec.reference,
            starts=HUB_AGREEMENTS_START,
        )
        agreement.full_clean()
        agreements.append(agreement)
    DataSharingAgreement.objects.bulk_create(agreements)

    users, existing = create_staff(partners, teams)
    return Partnership(partners=partners, teams=teams, users=users, existing_usernames=existing)


def create_staff(partners: dict[str, Partner], teams: dict[tuple[str, str], Team]):
    """The demo logins. A username that is already taken (say a superuser called "admin") is
    left alone, password and all, and reported, rather than taken over."""
    User = get_user_model()
    # Hash once: the hasher is deliberately slow, and every demo login shares the password.
    encoded = make_password(DEMO_PASSWORD)
    users: dict[str, object] = {}
    existing: list[str] = []
    for spec in STAFF:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@{spec.partner}.example.org",
                is_staff=spec.is_staff,
            )
            validate_password(DEMO_PASSWORD, user)
            user.password = encoded
            user.save()
            if spec.second_factor:
                create_demo_authenticator(user)
        else:
            existing.append(spec.username)
        Membership.objects.get_or_create(
            user=user,
            partner=partners[spec.partner],
            role=spec.role,
            defaults={"team": teams[(spec.partner, spec.team)] if spec.team else None},
        )
        users[spec.username] = user
    return users, existing


def demo_totp_key_hex() -> str:
    """The fixed demo secret as django-otp stores it (hex)."""
    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def create_demo_authenticator(user) -> TOTPDevice:
    """The demo login's authenticator app, with the fixed secret (a new login only: a taken
    username keeps its own sign-in)."""
    from firstcontact.accounts.services import APP_DEVICE_NAME

    device, _ = TOTPDevice.objects.get_or_create(
        user=user,
        name=APP_DEVICE_NAME,
        defaults={"key": demo_totp_key_hex(), "confirmed": True},
    )
    return device


def _agreed_terms(hub_agreements: list[HubAgreement]) -> None:
    """The standards each client agreed with the hub and its rates, so the agreements page,
    the recharges page and each client's monthly statement (/insight/statements/) have them."""
    from decimal import Decimal

    from firstcontact.insight.models import RechargeRate, ServiceAgreement

    for agreement in hub_agreements:
        ServiceAgreement.objects.create(
            agreement=agreement,
            service_level_seconds=20,
            service_level_target=0.8,
            abandonment_max=0.05,
            fcr_target=0.7,
            sla_target=0.9,
        )
        RechargeRate.objects.create(
            hub=agreement.hub,
            client=agreement.client,
            per_contact=Decimal("3.20"),
            per_call=Decimal("2.10"),
            starts=agreement.starts,
        )
