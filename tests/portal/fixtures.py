"""Resident-site test data on top of tests/conftest.py's `partnership`: a Blue Badge with
eligibility questions and every attribute datatype, a complaint service, an information
service, and the bereavement and moving-in life events across the county, both districts and
the police. Used by tests/portal, tests/lifeevents and the browser tests."""

from __future__ import annotations

import io
from types import SimpleNamespace

from firstcontact.catalogue.models import (
    Datatype,
    EligibilityQuestion,
    Service,
    ServiceAttribute,
    ServiceDelivery,
    ServiceKind,
    Tier,
)
from firstcontact.lifeevents.models import LifeEvent, LifeEventKind, LifeEventService
from firstcontact.partners.models import Team

# Postcodes: WX1/WX2 are North Wessex, WX3/WX4 South Wessex (all in the county and police area).
NORTH_POSTCODE = "WX1 2AB"
SOUTH_POSTCODE = "WX3 1AA"
OUTSIDE_POSTCODE = "ZZ9 9ZZ"
# Points (latitude, longitude) in the fixture's boxes, and one outside them all.
NORTH_POINT = (51.5, -1.5)
SOUTH_POINT = (50.5, -1.5)
OUTSIDE_POINT = (53.5, -1.5)

# The smallest valid PNG (1x1 pixel).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png_file(name: str = "pothole.png") -> io.BytesIO:
    data = io.BytesIO(PNG)
    data.name = name
    return data


def _service(
    code, name, kind, tier, deliveries, *, sla=None, group="", description="", private=False
):
    service = Service.objects.create(
        code=code,
        name=name,
        kind=kind,
        tier=tier,
        group=group,
        description=description,
        sla_policy=sla,
        private=private,
    )
    for partner, team in deliveries:
        ServiceDelivery.objects.create(service=service, partner=partner, team=team)
    return service


def _attribute(service, code, description, datatype, order, *, required=False, values=()):
    return ServiceAttribute.objects.create(
        service=service,
        code=code,
        description=description,
        datatype=datatype,
        order=order,
        required=required,
        values=[{"key": k, "name": n} for k, n in values],
    )


def build_portal_data(p: SimpleNamespace) -> SimpleNamespace:
    """`p` is the `partnership` fixture's namespace."""
    county_transport = Team.objects.create(partner=p.county, name="Transport and Concessions")
    libraries = Team.objects.create(partner=p.county, name="Libraries")
    north_revenues = Team.objects.create(partner=p.north, name="Revenues")
    south_revenues = Team.objects.create(partner=p.south, name="Revenues")
    firearms = Team.objects.create(partner=p.police, name="Firearms licensing")
    districts_revenues = [(p.north, north_revenues), (p.south, south_revenues)]

    blue_badge = _service(
        "blue-badge",
        "Blue Badge",
        ServiceKind.APPLICATION,
        Tier.COUNTY,
        [(p.county, county_transport)],
        sla=p.five_days,
        group="Parking and travel",
        description="Apply for a Blue Badge for disabled parking.",
    )
    EligibilityQuestion.objects.create(
        service=blue_badge,
        code="lives-here",
        question="Do you live in Wessex?",
        order=1,
        eligible_answer=True,
        not_eligible_message="Apply to the council for the area where you live.",
    )
    EligibilityQuestion.objects.create(
        service=blue_badge,
        code="has-badge",
        order=2,
        eligible_answer=False,
        question="Do you already have a Blue Badge that is valid for more than 3 months?",
        not_eligible_message="You can renew your badge in the 12 weeks before it runs out.",
    )
    _attribute(
        blue_badge,
        "reason",
        "Why do you need a badge?",
        Datatype.SINGLEVALUELIST,
        1,
        required=True,
        values=[
            ("pip", "I get the higher rate of PIP mobility"),
            ("walking", "I find walking very difficult"),
        ],
    )
    _attribute(
        blue_badge,
        "aids",
        "Which walking aids do you use?",
        Datatype.MULTIVALUELIST,
        2,
        values=[
            ("stick", "Walking stick"),
            ("frame", "Walking frame"),
            ("wheelchair", "Wheelchair"),
        ],
    )
    _attribute(blue_badge, "distance_m", "About how many metres can you walk?", Datatype.NUMBER, 3)
    _attribute(blue_badge, "diagnosed", "When were you diagnosed?", Datatype.DATETIME, 4)
    _attribute(blue_badge, "vehicle", "Vehicle registration", Datatype.STRING, 5)
    _attribute(blue_badge, "more", "Anything else we should know?", Datatype.TEXT, 6)

    complaint = _service(
        "complaint",
        "Complaint",
        ServiceKind.COMPLAINT,
        Tier.ALL,
        [(p.county, None), (p.north, None), (p.south, None)],
        sla=p.five_days,
        description="Complain about a council service.",
    )
    _attribute(complaint, "about", "Which service is it about?", Datatype.STRING, 1, required=True)
    _attribute(complaint, "what_happened", "What happened?", Datatype.TEXT, 2, required=True)

    council_tax = _service(
        "council-tax",
        "Council Tax",
        ServiceKind.INFORMATION,
        Tier.DISTRICT,
        districts_revenues,
        group="Council Tax",
        description="Bands, bills and payments.",
    )

    def notification(code, name, tier, deliveries, extra=()):
        service = _service(
            code,
            name,
            ServiceKind.LIFE_EVENT,
            tier,
            deliveries,
            sla=p.five_days,
            group="Life events",
            private=True,
        )
        _attribute(
            service,
            "deceased_name",
            "Full name of the person who died",
            Datatype.STRING,
            1,
            required=True,
        )
        _attribute(service, "date_of_death", "Date of death", Datatype.DATETIME, 2, required=True)
        for order, (a_code, description, datatype, required, values) in enumerate(extra, 3):
            _attribute(
                service, a_code, description, datatype, order, required=required, values=values
            )
        return service

    death_council_tax = notification(
        "tuo-council-tax-death", "Council Tax after a death", Tier.DISTRICT, districts_revenues
    )
    death_electoral = notification(
        "tuo-electoral-death",
        "Electoral register after a death",
        Tier.DISTRICT,
        districts_revenues,
        [
            (
                "change",
                "What needs to change?",
                Datatype.SINGLEVALUELIST,
                True,
                [("remove", "Remove someone"), ("add", "Add someone")],
            )
        ],
    )
    death_blue_badge = notification(
        "tuo-blue-badge-death",
        "Blue Badge after a death",
        Tier.COUNTY,
        [(p.county, county_transport)],
        [("badge_number", "Blue Badge number, if you know it", Datatype.STRING, False, [])],
    )
    death_library = notification(
        "tuo-library-death",
        "Library membership after a death",
        Tier.COUNTY,
        [(p.county, libraries)],
    )
    death_firearms = notification(
        "tuo-firearms-death",
        "Firearms certificate after a death",
        Tier.ALL,
        [(p.police, firearms)],
        [("certificate_number", "Certificate number, if you know it", Datatype.STRING, False, [])],
    )
    bereavement = LifeEvent.objects.create(
        slug="bereavement",
        name="Tell us about a death",
        kind=LifeEventKind.BEREAVEMENT,
        summary="Tell the councils and the police about a death once.",
        keywords="death, died, bereavement",
        order=1,
    )
    items = {}
    for order, (service, what, preset, default) in enumerate(
        [
            (death_council_tax, "The Council Tax account is closed.", {}, True),
            (
                death_electoral,
                "They are taken off the electoral register.",
                {"change": "remove"},
                True,
            ),
            (death_blue_badge, "The Blue Badge is cancelled.", {}, True),
            (death_library, "The library card is closed.", {}, True),
            (death_firearms, "Firearms licensing makes sure guns are safe.", {}, True),
        ],
        start=1,
    ):
        items[service.code] = LifeEventService.objects.create(
            life_event=bereavement,
            service=service,
            order=order,
            what_happens=what,
            preset_answers=preset,
            selected_by_default=default,
        )

    move_council_tax = _service(
        "tuo-council-tax-move",
        "Council Tax for a new home",
        ServiceKind.LIFE_EVENT,
        Tier.DISTRICT,
        districts_revenues,
        sla=p.five_days,
        private=True,
    )
    _attribute(
        move_council_tax,
        "moving_date",
        "When did you move in?",
        Datatype.DATETIME,
        1,
        required=True,
    )
    _attribute(
        move_council_tax, "adults", "How many adults live there?", Datatype.NUMBER, 2, required=True
    )
    move_bins = _service(
        "tuo-bins-move",
        "Bins for a new home",
        ServiceKind.LIFE_EVENT,
        Tier.DISTRICT,
        [(p.north, p.north_waste), (p.south, p.south_waste)],
        sla=p.five_days,
        private=True,
    )
    _attribute(
        move_bins, "moving_date", "When did you move in?", Datatype.DATETIME, 1, required=True
    )
    moving_in = LifeEvent.objects.create(
        slug="moving-in",
        name="Tell us you have moved in",
        kind=LifeEventKind.MOVING_IN,
        summary="Set up Council Tax and bins for your new home.",
        keywords="moving, moved",
        order=2,
    )
    LifeEventService.objects.create(
        life_event=moving_in,
        service=move_council_tax,
        order=1,
        what_happens="An account is opened.",
    )
    LifeEventService.objects.create(
        life_event=moving_in, service=move_bins, order=2, what_happens="Bins are delivered."
    )

    return SimpleNamespace(
        **vars(p),
        blue_badge=blue_badge,
        complaint=complaint,
        council_tax=council_tax,
        bereavement=bereavement,
        bereavement_items=items,
        moving_in=moving_in,
        death_services=[
            death_council_tax,
            death_electoral,
            death_blue_badge,
            death_library,
            death_firearms,
        ],
    )
