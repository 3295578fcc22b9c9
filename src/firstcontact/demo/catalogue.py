"""The demo service catalogue: ~40 services with their LGSL codes and providing tiers, who
delivers them, the service standard, what the adviser can say, and the questions asked.

LGSL codes and tiers are facts from the Local Government Service List (as GOV.UK's
local_services.csv records them): county/unitary services are delivered by the county,
district/unitary ones by every district; services of the police, the NHS trust and the
housing association are Tier.ALL and delivered by them. Services without an LGSL code have
none that fits (GP registration, a housing association's repairs, the "moving home" bundle).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from firstcontact.catalogue.models import (
    Automated,
    Datatype,
    EligibilityQuestion,
    EvidenceKind,
    EvidenceRequirement,
    Priority,
    PriorityRule,
    ProactivePrompt,
    PublicLocation,
    Service,
    ServiceAttribute,
    ServiceDelivery,
    ServiceKind,
    SLAPolicy,
    SLAUnit,
    Tier,
)
from firstcontact.demo.partnership import COUNTY, DISTRICTS, HOUSING, NHS, POLICE, Partnership

K = ServiceKind
D = Datatype

SLA_POLICIES = [
    ("4 hours", SLAUnit.CALENDAR_HOURS, 4),
    ("24 hours", SLAUnit.CALENDAR_HOURS, 24),
    ("8 working hours", SLAUnit.WORKING_HOURS, 8),
    ("2 working days", SLAUnit.WORKING_DAYS, 2),
    ("5 working days", SLAUnit.WORKING_DAYS, 5),
    ("10 working days", SLAUnit.WORKING_DAYS, 10),
    ("20 working days", SLAUnit.WORKING_DAYS, 20),
]


@dataclass(frozen=True)
class Attr:
    code: str
    description: str
    datatype: str
    required: bool = False
    values: tuple[tuple[str, str], ...] = ()
    automated: str = ""
    datatype_description: str = ""


def choices(*pairs: str) -> tuple[tuple[str, str], ...]:
    """choices("key", "Name", "key2", "Name 2") -> (("key", "Name"), ("key2", "Name 2"))."""
    return tuple(zip(pairs[::2], pairs[1::2], strict=True))


YES_NO = choices("yes", "Yes", "no", "No")
FIXMYSTREET_ID = Attr(
    "fixmystreet_id",
    "FixMyStreet report ID",
    D.STRING,
    automated=Automated.HIDDEN_FIELD,
    datatype_description="Set by FixMyStreet when it sends the report.",
)


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    lgsl: int | None
    tier: str
    kind: str
    group: str
    team: str
    sla: str
    # "county", "districts", "councils" (county and districts), "police", "nhs" or "housing".
    delivered_by: str
    keywords: str
    description: str
    script: str
    attributes: list[Attr] = field(default_factory=list)
    # Where a request is: "place" (a spot on a street), "home" (the customer's address).
    location: str = "home"
    # How often it comes up: as a reason for a contact, and as a request raised.
    contact_weight: float = 1.0
    request_weight: float = 1.0
    descriptions: tuple[str, ...] = ()


SERVICES: list[ServiceSpec] = [
    # ------------------------------------------------------------------ county: roads
    ServiceSpec(
        "pothole",
        "Pothole",
        557,
        Tier.COUNTY,
        K.FAULT_REPORT,
        "Roads and pavements",
        "Highways",
        "5 working days",
        "county",
        "pothole, road surface, hole in road, tarmac, carriageway",
        "Report a pothole or a sunken or broken road surface.",
        "Potholes are repaired by **Wessex County Council's highways team**. Ask where it is "
        "(a street and a landmark, or drop a pin) and roughly how deep. Anything deeper than "
        "10cm on a main road is made safe within 24 hours; others are inspected and "
        "repaired within 5 working days.",
        [
            Attr(
                "depth",
                "How deep is the pothole?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "shallow", "Less than 5cm", "medium", "5cm to 10cm", "deep", "More than 10cm"
                ),
            ),
            Attr(
                "hazards",
                "Is there anything else we should know?",
                D.MULTIVALUELIST,
                values=choices(
                    "kerb",
                    "Damaged kerb",
                    "water",
                    "Standing water",
                    "cycle-lane",
                    "In a cycle lane",
                    "school",
                    "Near a school",
                ),
            ),
            Attr("width_cm", "About how wide is it (cm)?", D.NUMBER),
            FIXMYSTREET_ID,
        ],
        location="place",
        contact_weight=5,
        request_weight=10,
        descriptions=(
            "Pothole in the nearside lane, cars swerving round it.",
            "Large pothole by the drain cover, cyclists having to go into the road.",
            "Several potholes along the bus route, one very deep.",
            "Pothole at the junction has got much bigger after the rain.",
            "Road surface breaking up outside the school gates.",
        ),
    ),
    ServiceSpec(
        "street-light",
        "Street light fault",
        564,
        Tier.COUNTY,
        K.FAULT_REPORT,
        "Roads and pavements",
        "Highways",
        "5 working days",
        "county",
        "street light, lamp post, street lamp, light out, lighting",
        "Report a street light that is out, on in the day, flickering or damaged.",
        "Street lights are the **county council's**. Ask for the number on the lamp post "
        "(it is on a small plate at eye level) and what is wrong. Lights that are out are "
        "repaired within 5 working days; a damaged column or exposed wires is made safe "
        "the same day.",
        [
            Attr("column_number", "What is the number on the lamp post?", D.STRING),
            Attr(
                "fault",
                "What is wrong with the light?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "out",
                    "Not working",
                    "day-burning",
                    "On during the day",
                    "flickering",
                    "Flickering",
                    "damaged",
                    "Column damaged",
                    "wires",
                    "Exposed wires",
                ),
            ),
            FIXMYSTREET_ID,
        ],
        location="place",
        contact_weight=3,
        request_weight=6,
        descriptions=(
            "Street light not working, the path is very dark.",
            "Lamp post light stays on all day.",
            "Light flickering on and off all night.",
            "Two lights out in a row along the footpath to the station.",
        ),
    ),
    ServiceSpec(
        "pavement",
        "Damaged pavement",
        537,
        Tier.COUNTY,
        K.FAULT_REPORT,
        "Roads and pavements",
        "Highways",
        "10 working days",
        "county",
        "pavement, footpath, trip hazard, paving slab, kerb",
        "Report a cracked, uneven or raised pavement.",
        "Pavements are looked after by the **county council's highways team**. Ask where "
        "it is and whether anyone has been hurt. Trip hazards over 25mm are repaired "
        "within 10 working days; we will make it safe sooner if it is dangerous.",
        [
            Attr(
                "problem",
                "What is the problem?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "cracked",
                    "Cracked",
                    "uneven",
                    "Uneven or sunken",
                    "raised-slab",
                    "Raised slab",
                    "tree-roots",
                    "Lifted by tree roots",
                ),
            ),
            FIXMYSTREET_ID,
        ],
        location="place",
        contact_weight=2,
        request_weight=3,
        descriptions=(
            "Paving slab sticking up, my neighbour tripped on it.",
            "Pavement lifted by tree roots outside the shops.",
        ),
    ),
    ServiceSpec(
        "road-flooding",
        "Flooding on a road",
        555,
        Tier.COUNTY,
        K.FAULT_REPORT,
        "Roads and pavements",
        "Highways",
        "24 hours",
        "county",
        "flood, flooding, water on road, standing water",
        "Report water flooding a road or pavement.",
        "Flooding on the road is dealt with by the **county council's highways team**, who "
        "aim to attend within 24 hours. If water is getting into a home or the road is "
        "impassable, tell the caller to ring 999 if anyone is in danger.",
        [
            Attr(
                "depth",
                "How bad is it?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "puddle", "Large puddle", "ankle", "Ankle deep", "impassable", "Road impassable"
                ),
            ),
            Attr(
                "property_at_risk",
                "Is water getting into a property?",
                D.SINGLEVALUELIST,
                values=YES_NO,
            ),
            FIXMYSTREET_ID,
        ],
        location="place",
        contact_weight=1,
        request_weight=2,
        descriptions=(
            "Road flooded under the railway bridge, cars getting stuck.",
            "Water across both lanes after the storm.",
        ),
    ),
    ServiceSpec(
        "traffic-lights",
        "Traffic light fault",
        567,
        Tier.COUNTY,
        K.FAULT_REPORT,
        "Roads and pavements",
        "Highways",
        "4 hours",
        "county",
        "traffic lights, signals, pedestrian crossing, junction",
        "Report traffic lights or a pedestrian crossing that is not working.",
        "Traffic signals are the **county council's**. Faults are attended within 4 hours, "
        "day and night. Ask which junction and which set of lights.",
        [
            Attr("junction", "Which junction?", D.STRING, required=True),
            Attr(
                "fault",
                "What is wrong?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "all-out",
                    "All lights out",
                    "stuck",
                    "Stuck on red",
                    "crossing",
                    "Pedestrian signal not working",
                ),
            ),
            FIXMYSTREET_ID,
        ],
        location="place",
        contact_weight=0.5,
        request_weight=1,
        descriptions=("Lights stuck on red, queues back to the roundabout.",),
    ),
    ServiceSpec(
        "gritting",
        "Road gritting",
        561,
        Tier.COUNTY,
        K.INFORMATION,
        "Roads and pavements",
        "Highways",
        "10 working days",
        "county",
        "grit, gritting, ice, snow, salt bin, winter",
        "Which roads are gritted and how to ask for a grit bin.",
        "The **county council** grits priority routes (A and B roads, bus routes and roads to "
        "hospitals) when frost or snow is forecast. Maps of the routes are on the county "
        "website. Requests for a new grit bin are assessed each autumn.",
        location="place",
        contact_weight=1,
        request_weight=0,
    ),
    ServiceSpec(
        "dropped-kerb",
        "Dropped kerb application",
        477,
        Tier.COUNTY,
        K.APPLICATION,
        "Roads and pavements",
        "Highways",
        "20 working days",
        "county",
        "dropped kerb, vehicle crossing, driveway access",
        "Apply for a dropped kerb so you can drive onto your property.",
        "Dropped kerbs are approved by the **county council**. There is an application fee, "
        "and a site survey is done within 20 working days. The caller will need planning "
        "permission first if they live on a classified road.",
        [
            Attr("vehicle_registration", "Vehicle registration", D.STRING),
            Attr(
                "property_type",
                "What kind of property is it?",
                D.SINGLEVALUELIST,
                values=choices("house", "House", "bungalow", "Bungalow", "business", "Business"),
            ),
        ],
        contact_weight=1,
        request_weight=1,
        descriptions=("Would like a dropped kerb to park on the front garden.",),
    ),
    # ------------------------------------------------------------------ county: travel, schools
    ServiceSpec(
        "blue-badge",
        "Blue Badge application",
        279,
        Tier.COUNTY,
        K.APPLICATION,
        "Parking and travel",
        "Transport and Concessions",
        "20 working days",
        "county",
        "blue badge, disabled parking, disability parking permit",
        "Apply for or renew a Blue Badge for disabled parking.",
        "Blue Badges are issued by **Wessex County Council**. People who get the higher rate "
        "of the mobility part of PIP, or are registered blind, qualify automatically; others "
        "are assessed. A decision is made within 20 working days and the badge costs £10.",
        [
            Attr(
                "eligibility",
                "Why does the applicant need a badge?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "pip",
                    "Receives PIP mobility (higher rate)",
                    "blind",
                    "Registered blind",
                    "walking",
                    "Difficulty walking",
                    "child",
                    "Child under 3 with medical equipment",
                    "hidden",
                    "Non-visible (hidden) disability",
                ),
            ),
            Attr("renewal", "Is this a renewal?", D.SINGLEVALUELIST, values=YES_NO),
            Attr("supporting_information", "Anything else to tell us?", D.TEXT),
        ],
        contact_weight=5,
        request_weight=4,
        descriptions=(
            "Blue Badge renewal, current badge expires next month.",
            "New Blue Badge application after a hip operation.",
        ),
    ),
    ServiceSpec(
        "bus-pass",
        "Older or disabled person's bus pass",
        273,
        Tier.COUNTY,
        K.APPLICATION,
        "Parking and travel",
        "Transport and Concessions",
        "10 working days",
        "county",
        "bus pass, concessionary travel, free travel, senior pass",
        "Apply for a free bus pass because of age or disability.",
        "Bus passes are issued by the **county council**. People get one at State Pension age, "
        "or earlier with a qualifying disability. We need a photo and proof of address; "
        "the pass arrives within 10 working days.",
        [
            Attr(
                "pass_type",
                "Which pass?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "older",
                    "Older person's",
                    "disabled",
                    "Disabled person's",
                    "companion",
                    "Disabled person's with companion",
                ),
            ),
            Attr("photo_supplied", "Has a photo been sent?", D.SINGLEVALUELIST, values=YES_NO),
        ],
        contact_weight=4,
        request_weight=3,
        descriptions=("Lost bus pass, needs a replacement.", "First bus pass, turned 66."),
    ),
    ServiceSpec(
        "free-school-meals",
        "Free school meals application",
        4,
        Tier.COUNTY,
        K.APPLICATION,
        "Schools and education",
        "Education",
        "10 working days",
        "county",
        "free school meals, FSM, school dinners, pupil premium",
        "Apply for free school meals for a child at school in Wessex.",
        "Free school meals are the **county council's**. Families on Universal Credit with "
        "household earnings under £7,400, and some other benefits, qualify. Children in "
        "Reception to Year 2 get free meals anyway, but applying still brings the school "
        "pupil premium. We check and reply within 10 working days.",
        [
            Attr("children", "How many children are you applying for?", D.NUMBER, required=True),
            Attr("school", "Which school?", D.STRING, required=True),
            Attr(
                "benefit",
                "Which benefit does the family get?",
                D.SINGLEVALUELIST,
                values=choices(
                    "universal-credit",
                    "Universal Credit",
                    "esa",
                    "Income-related ESA",
                    "jsa",
                    "Income-based JSA",
                    "pension-credit",
                    "Pension Credit guarantee element",
                    "asylum",
                    "Asylum support",
                ),
            ),
        ],
        contact_weight=3,
        request_weight=3,
        descriptions=("Applying for free school meals for two children.",),
    ),
    ServiceSpec(
        "school-places",
        "Primary school place",
        13,
        Tier.COUNTY,
        K.APPLICATION,
        "Schools and education",
        "Education",
        "20 working days",
        "county",
        "school place, admissions, primary school, in-year transfer",
        "Apply for a primary school place, including moves during the school year.",
        "School admissions are run by the **county council**. Applications for Reception close "
        "on 15 January; in-year applications are answered within 20 school days. The adviser "
        "can check catchment schools by postcode on the admissions map.",
        [
            Attr(
                "entry_year",
                "Which year group?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "reception", "Reception", "year-1-2", "Year 1 or 2", "year-3-6", "Year 3 to 6"
                ),
            ),
            Attr("preferred_schools", "Preferred schools, in order", D.TEXT),
        ],
        contact_weight=1,
        request_weight=1,
        descriptions=("In-year transfer, family has just moved into the area.",),
    ),
    # ------------------------------------------------------------------ county: libraries, care
    ServiceSpec(
        "library",
        "Library services",
        437,
        Tier.COUNTY,
        K.INFORMATION,
        "Libraries",
        "Libraries",
        "10 working days",
        "county",
        "library, books, opening hours, renew, e-books",
        "Opening hours, renewals, e-books and events at Wessex libraries.",
        "Libraries are run by the **county council**. Loans can be renewed online, in the app, "
        "or by phone on the library line. Casterbridge and Melchester libraries open six days "
        "a week; the mobile library timetable is on the county website.",
        location="place",
        contact_weight=3,
        request_weight=0,
    ),
    ServiceSpec(
        "library-join",
        "Join the library",
        438,
        Tier.COUNTY,
        K.APPLICATION,
        "Libraries",
        "Libraries",
        "5 working days",
        "county",
        "library card, join library, membership",
        "Get a library card.",
        "Anyone who lives, works or studies in Wessex can join the **county's libraries** free. "
        "We can start the application now; the card is posted within 5 working days or can be "
        "collected from any library with proof of address.",
        [
            Attr(
                "card_type",
                "Which card?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "adult", "Adult", "child", "Child", "housebound", "Home library service"
                ),
            ),
        ],
        contact_weight=1,
        request_weight=1,
    ),
    ServiceSpec(
        "care-needs-assessment",
        "Adult social care needs assessment",
        209,
        Tier.COUNTY,
        K.REFERRAL,
        "Adult social care",
        "Adult Social Care",
        "20 working days",
        "county",
        "social care, care assessment, carer, home care, support at home",
        "Ask for an assessment of care and support needs, for yourself or someone you care for.",
        "Adult social care is the **county council's**. Take the details and refer to the Adult "
        "Social Care team, who will call back to arrange an assessment. If someone is at risk "
        "of harm today, transfer the call to the safeguarding line instead.",
        [
            Attr(
                "needs",
                "What help is needed?",
                D.MULTIVALUELIST,
                required=True,
                values=choices(
                    "personal-care",
                    "Washing and dressing",
                    "mobility",
                    "Getting around the home",
                    "meals",
                    "Meals",
                    "medication",
                    "Medication",
                    "memory",
                    "Memory",
                    "carer",
                    "Support for a carer",
                ),
            ),
            Attr("urgent", "Is anyone at risk now?", D.SINGLEVALUELIST, values=YES_NO),
            Attr("details", "Tell us about the situation", D.TEXT),
        ],
        contact_weight=2,
        request_weight=2,
        descriptions=(
            "Daughter calling about her father, struggling since coming home from hospital.",
            "Carer needs a break, asking about support.",
        ),
    ),
    ServiceSpec(
        "equipment-adaptations",
        "Equipment and adaptations at home",
        178,
        Tier.COUNTY,
        K.APPLICATION,
        "Adult social care",
        "Adult Social Care",
        "20 working days",
        "county",
        "grab rail, stairlift, adaptations, disabled equipment, occupational therapy",
        "Ask for equipment or adaptations to make a home safer.",
        "Small equipment and adaptations are arranged by the **county council's occupational "
        "therapists**. Grab rails are usually fitted within 20 working days; larger works may "
        "be funded by a Disabled Facilities Grant from the district council.",
        [
            Attr(
                "adaptation",
                "What is needed?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "grab-rails",
                    "Grab rails",
                    "stairlift",
                    "Stairlift",
                    "shower",
                    "Level-access shower",
                    "ramp",
                    "Ramp",
                    "hoist",
                    "Hoist",
                ),
            ),
        ],
        contact_weight=1,
        request_weight=1,
    ),
    # ------------------------------------------------------------------ districts: bins
    ServiceSpec(
        "missed-bin",
        "Missed bin collection",
        524,
        Tier.DISTRICT,
        K.FAULT_REPORT,
        "Bins and recycling",
        "Waste and Recycling",
        "2 working days",
        "districts",
        "missed bin, bin not collected, rubbish, refuse, recycling, wheelie bin",
        "Report a bin that was not emptied on collection day.",
        "Bins are collected by the **district council**. Check the collection day for the "
        "address first; if the crew's record shows the bin was not out, explain that. Missed "
        "bins reported within 2 working days are collected within 2 working days.",
        [
            Attr(
                "bin_type",
                "Which bin was missed?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "refuse",
                    "General rubbish",
                    "recycling",
                    "Recycling",
                    "garden",
                    "Garden waste",
                    "food",
                    "Food waste",
                ),
            ),
            Attr("collection_due", "When should it have been collected?", D.DATETIME),
            FIXMYSTREET_ID,
        ],
        contact_weight=10,
        request_weight=12,
        descriptions=(
            "Bin was out by 7am but not emptied.",
            "Whole street's recycling missed.",
            "Missed again, third time this month.",
            "Food caddy not emptied.",
        ),
    ),
    ServiceSpec(
        "bulky-waste",
        "Bulky waste collection",
        528,
        Tier.DISTRICT,
        K.APPLICATION,
        "Bins and recycling",
        "Waste and Recycling",
        "10 working days",
        "districts",
        "bulky waste, large items, sofa, mattress, fridge, furniture collection",
        "Book a collection of large household items.",
        "Bulky items are collected by the **district council** for a fee: £25 for up to three "
        "items. Book a date now; collections are within 10 working days and items must be "
        "left just inside the property boundary.",
        [
            Attr(
                "items",
                "What needs collecting?",
                D.MULTIVALUELIST,
                required=True,
                values=choices(
                    "sofa",
                    "Sofa",
                    "mattress",
                    "Mattress",
                    "fridge",
                    "Fridge or freezer",
                    "washing-machine",
                    "Washing machine",
                    "wardrobe",
                    "Wardrobe",
                    "table",
                    "Table and chairs",
                ),
            ),
            Attr("item_count", "How many items in total?", D.NUMBER, required=True),
        ],
        contact_weight=4,
        request_weight=3,
    ),
    ServiceSpec(
        "garden-waste",
        "Garden waste subscription",
        530,
        Tier.DISTRICT,
        K.APPLICATION,
        "Bins and recycling",
        "Waste and Recycling",
        "10 working days",
        "districts",
        "garden waste, green bin, brown bin, subscription",
        "Subscribe to the fortnightly garden waste collection.",
        "Garden waste collections are a **district council** subscription service, £55 a year "
        "per bin. New subscribers get a bin within 10 working days.",
        [Attr("bins", "How many bins?", D.NUMBER, required=True)],
        contact_weight=3,
        request_weight=2,
    ),
    ServiceSpec(
        "recycling",
        "Recycling collections",
        533,
        Tier.DISTRICT,
        K.INFORMATION,
        "Bins and recycling",
        "Waste and Recycling",
        "10 working days",
        "districts",
        "recycling, what goes in which bin, collection day, calendar",
        "What goes in which bin, and when it is collected.",
        "Recycling is collected by the **district council** every other week. Give the caller "
        "their collection day from the address search, and offer to send the collection "
        "calendar by email.",
        location="place",
        contact_weight=6,
        request_weight=0,
    ),
    # ------------------------------------------------------------------ districts: street scene
    ServiceSpec(
        "fly-tipping",
        "Fly-tipping",
        587,
        Tier.DISTRICT,
        K.FAULT_REPORT,
        "Street care",
        "Street Scene",
        "5 working days",
        "districts",
        "fly tipping, dumped rubbish, illegal dumping, waste",
        "Report rubbish dumped on public land.",
        "Fly-tipping on public land is cleared by the **district council** within 5 working "
        "days; hazardous waste sooner. Ask the caller not to touch it, especially needles or "
        "asbestos. If they saw who dumped it, take the details: it helps enforcement.",
        [
            Attr(
                "waste_types",
                "What has been dumped?",
                D.MULTIVALUELIST,
                required=True,
                values=choices(
                    "household",
                    "Household rubbish",
                    "builders",
                    "Builders' rubble",
                    "tyres",
                    "Tyres",
                    "furniture",
                    "Furniture",
                    "white-goods",
                    "Fridges or washing machines",
                    "asbestos",
                    "Asbestos",
                    "hazardous",
                    "Chemicals or drums",
                ),
            ),
            Attr(
                "amount",
                "How much is there?",
                D.SINGLEVALUELIST,
                values=choices(
                    "single",
                    "A single item",
                    "car-boot",
                    "A car boot load",
                    "van",
                    "A van load",
                    "lorry",
                    "A lorry load or more",
                ),
            ),
            Attr("witnessed", "Did you see who dumped it?", D.TEXT),
            FIXMYSTREET_ID,
        ],
        location="place",
        contact_weight=4,
        request_weight=7,
        descriptions=(
            "Pile of black bags dumped in the lay-by.",
            "Mattress and sofa dumped by the recycling bank.",
            "Builders' rubble tipped in the field gateway.",
        ),
    ),
    ServiceSpec(
        "graffiti",
        "Graffiti",
        584,
        Tier.DISTRICT,
        K.FAULT_REPORT,
        "Street care",
        "Street Scene",
        "5 working days",
        "districts",
        "graffiti, tagging, vandalism, spray paint",
        "Report graffiti on public property.",
        "Graffiti on public property is removed by the **district council** within 5 working "
        "days; offensive graffiti within 24 hours. Graffiti on private property is the "
        "owner's, but we can offer our paid removal service.",
        [
            Attr(
                "offensive",
                "Is it offensive or racist?",
                D.SINGLEVALUELIST,
                required=True,
                values=YES_NO,
            ),
            Attr("surface", "What is it on?", D.STRING),
            FIXMYSTREET_ID,
        ],
        location="place",
        contact_weight=1,
        request_weight=3,
        descriptions=("Graffiti on the bus shelter.", "Tags sprayed along the underpass."),
    ),
    ServiceSpec(
        "dog-fouling",
        "Dog fouling",
        577,
        Tier.DISTRICT,
        K.FAULT_REPORT,
        "Street care",
        "Street Scene",
        "5 working days",
        "districts",
        "dog fouling, dog mess, dog poo",
        "Report dog fouling on a path or in a park.",
        "Dog fouling is cleared by the **district council's street cleansing team** within 5 "
        "working days. If it happens at the same time each day, dog wardens can patrol.",
        [
            Attr(
                "frequency",
                "How often does it happen?",
                D.SINGLEVALUELIST,
                values=choices("once", "Just this once", "regularly", "Regularly"),
            ),
            FIXMYSTREET_ID,
        ],
        location="place",
        contact_weight=1,
        request_weight=2,
    ),
    ServiceSpec(
        "street-cleaning",
        "Street cleaning",
        580,
        Tier.DISTRICT,
        K.FAULT_REPORT,
        "Street care",
        "Street Scene",
        "5 working days",
        "districts",
        "litter, street cleaning, broken glass, overflowing litter bin, leaves",
        "Report litter, broken glass or an overflowing litter bin.",
        "Streets are cleaned by the **district council**. Broken glass is cleared the same "
        "working day; other litter within 5 working days.",
        [
            Attr(
                "issue",
                "What needs cleaning?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "litter",
                    "Litter",
                    "glass",
                    "Broken glass",
                    "leaves",
                    "Leaves",
                    "bin",
                    "Overflowing litter bin",
                ),
            ),
            FIXMYSTREET_ID,
        ],
        location="place",
        contact_weight=1,
        request_weight=2,
    ),
    ServiceSpec(
        "abandoned-vehicle",
        "Abandoned vehicle",
        372,
        Tier.DISTRICT,
        K.FAULT_REPORT,
        "Street care",
        "Street Scene",
        "10 working days",
        "districts",
        "abandoned car, abandoned vehicle, untaxed, burnt out car",
        "Report a vehicle that seems to have been abandoned.",
        "Abandoned vehicles are investigated by the **district council** within 10 working "
        "days. A car that is just untaxed is reported to the DVLA instead. Ask for the "
        "registration, make and colour.",
        [
            Attr("registration", "Registration number", D.STRING, required=True),
            Attr("make_model", "Make and model", D.STRING),
            Attr("colour", "Colour", D.STRING),
            Attr("days_there", "About how many days has it been there?", D.NUMBER),
            FIXMYSTREET_ID,
        ],
        location="place",
        contact_weight=1,
        request_weight=2,
        descriptions=("Car with flat tyres has not moved for weeks.",),
    ),
    ServiceSpec(
        "needles",
        "Discarded needles",
        428,
        Tier.DISTRICT,
        K.FAULT_REPORT,
        "Street care",
        "Street Scene",
        "8 working hours",
        "districts",
        "needles, syringes, sharps, drug litter",
        "Report discarded needles or syringes.",
        "Needles are removed by the **district council** within 8 working hours. Tell the "
        "caller not to touch them and to keep children and dogs away.",
        [
            Attr("count", "About how many?", D.NUMBER),
            Attr(
                "near_play_area",
                "Is it near a play area or school?",
                D.SINGLEVALUELIST,
                values=YES_NO,
            ),
            FIXMYSTREET_ID,
        ],
        location="place",
        contact_weight=0.5,
        request_weight=1,
    ),
    ServiceSpec(
        "blocked-drain",
        "Blocked drain",
        664,
        Tier.DISTRICT,
        K.FAULT_REPORT,
        "Street care",
        "Street Scene",
        "5 working days",
        "districts",
        "blocked drain, gully, drain smell, overflowing drain",
        "Report a blocked or smelly drain in the street.",
        "Blocked drains in public areas are dealt with by the **district council**. A drain "
        "inside a property boundary is the owner's, or the water company's if shared.",
        [
            Attr(
                "issue",
                "What is the problem?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "blocked", "Blocked", "overflowing", "Overflowing", "smell", "Smells"
                ),
            ),
            FIXMYSTREET_ID,
        ],
        location="place",
        contact_weight=1,
        request_weight=1,
    ),
    # ---------------------------------------------------------- districts: environmental health
    ServiceSpec(
        "noise",
        "Noise nuisance",
        412,
        Tier.DISTRICT,
        K.FAULT_REPORT,
        "Environmental health",
        "Environmental Health",
        "5 working days",
        "districts",
        "noise, loud music, barking dog, alarm, neighbour noise",
        "Report noise from a neighbour, business or alarm.",
        "Noise nuisance is investigated by the **district council's environmental health "
        "team**. They will send noise diary sheets within 5 working days. If the noise is "
        "happening now, give the out-of-hours noise line; if there are threats or violence, "
        "the caller should ring the police.",
        [
            Attr(
                "noise_type",
                "What kind of noise?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "music",
                    "Loud music",
                    "dog",
                    "Dog barking",
                    "alarm",
                    "Alarm",
                    "construction",
                    "Building work",
                    "machinery",
                    "Machinery",
                    "voices",
                    "Shouting or parties",
                ),
            ),
            Attr("last_occurred", "When did it last happen?", D.DATETIME),
            Attr("times_per_week", "How many times a week?", D.NUMBER),
            Attr("details", "Anything else?", D.TEXT),
            FIXMYSTREET_ID,
        ],
        contact_weight=3,
        request_weight=4,
        descriptions=(
            "Loud music from next door most nights until 2am.",
            "Dog barking all day while the owners are out.",
            "Car alarm going off every night.",
        ),
    ),
    ServiceSpec(
        "pest-control",
        "Pest control",
        431,
        Tier.DISTRICT,
        K.APPLICATION,
        "Environmental health",
        "Environmental Health",
        "5 working days",
        "districts",
        "pest control, rats, mice, wasps, bedbugs",
        "Book a pest control visit.",
        "Pest control is a **district council** service. Rats and mice are treated free for "
        "people on means-tested benefits; wasps' nests cost £60. A technician visits within "
        "5 working days.",
        [
            Attr(
                "pest",
                "What pest?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "rats",
                    "Rats",
                    "mice",
                    "Mice",
                    "wasps",
                    "Wasps",
                    "bedbugs",
                    "Bedbugs",
                    "fleas",
                    "Fleas",
                ),
            ),
            Attr(
                "where",
                "Where are they?",
                D.SINGLEVALUELIST,
                values=choices("inside", "Inside the home", "garden", "In the garden"),
            ),
        ],
        contact_weight=2,
        request_weight=2,
    ),
    # ------------------------------------------------------------------ districts: revenues
    ServiceSpec(
        "council-tax",
        "Council Tax",
        57,
        Tier.DISTRICT,
        K.INFORMATION,
        "Council Tax and benefits",
        "Revenues and Benefits",
        "10 working days",
        "districts",
        "council tax, bill, band, payment, direct debit, arrears",
        "Council Tax bands, bills, payments and instalments.",
        "Council Tax is billed and collected by the **district council**, which collects it for "
        "the county, the police and the parishes too. After checking identity, the adviser can "
        "explain the bill, set up a Direct Debit or move to 12 instalments.",
        location="place",
        contact_weight=20,
        request_weight=0,
    ),
    ServiceSpec(
        "council-tax-discount",
        "Council Tax single person discount",
        59,
        Tier.DISTRICT,
        K.APPLICATION,
        "Council Tax and benefits",
        "Revenues and Benefits",
        "10 working days",
        "districts",
        "single person discount, council tax discount, 25% off, living alone",
        "Apply for 25% off Council Tax if you live alone.",
        "The **district council** gives 25% off the bill when only one adult lives at the "
        "address. Take the date they started living alone; the revised bill follows within "
        "10 working days. Tell the caller we check the electoral register.",
        [
            Attr(
                "living_alone_since",
                "Since when has the customer lived alone?",
                D.DATETIME,
                required=True,
            )
        ],
        contact_weight=3,
        request_weight=3,
    ),
    ServiceSpec(
        "council-tax-reduction",
        "Council Tax Reduction and benefits",
        63,
        Tier.DISTRICT,
        K.APPLICATION,
        "Council Tax and benefits",
        "Revenues and Benefits",
        "20 working days",
        "districts",
        "council tax reduction, council tax support, benefits, low income",
        "Apply for help paying Council Tax on a low income.",
        "Council Tax Reduction is assessed by the **district council's benefits team**. The "
        "customer will need proof of income and savings. Decisions are made within 20 working "
        "days; advise them to keep paying the current bill meanwhile.",
        [
            Attr(
                "household_size", "How many people live in the household?", D.NUMBER, required=True
            ),
            Attr(
                "income",
                "What income does the household have?",
                D.MULTIVALUELIST,
                values=choices(
                    "employment",
                    "Wages",
                    "universal-credit",
                    "Universal Credit",
                    "pension",
                    "Pension",
                    "self-employed",
                    "Self-employment",
                    "none",
                    "No income",
                ),
            ),
        ],
        contact_weight=6,
        request_weight=3,
    ),
    ServiceSpec(
        "housing-benefit",
        "Housing Benefit",
        69,
        Tier.DISTRICT,
        K.APPLICATION,
        "Council Tax and benefits",
        "Revenues and Benefits",
        "20 working days",
        "districts",
        "housing benefit, rent help, benefits",
        "Apply for Housing Benefit (pension age, or supported or temporary housing).",
        "Most working-age people now claim help with rent through Universal Credit. The "
        "**district council** still pays Housing Benefit to people over State Pension age and "
        "in supported or temporary housing. Decisions within 20 working days.",
        [
            Attr(
                "tenancy",
                "What kind of tenancy?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "private",
                    "Private rented",
                    "housing-association",
                    "Housing association",
                    "supported",
                    "Supported housing",
                ),
            ),
        ],
        contact_weight=2,
        request_weight=2,
    ),
    ServiceSpec(
        "electoral-registration",
        "Electoral registration",
        364,
        Tier.DISTRICT,
        K.APPLICATION,
        "Your council",
        "Electoral Services",
        "10 working days",
        "districts",
        "register to vote, electoral roll, polling card, postal vote",
        "Register to vote or change the details on the electoral register.",
        "The electoral register is kept by the **district council**. People register online "
        "at GOV.UK in 5 minutes with their National Insurance number; the adviser can help "
        "with postal vote forms and changes of occupant.",
        [
            Attr(
                "change",
                "What needs to change?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "new",
                    "New registration",
                    "moved",
                    "Moved home",
                    "name",
                    "Name change",
                    "remove",
                    "Remove someone",
                    "postal-vote",
                    "Postal vote",
                ),
            ),
            Attr("occupants", "How many people at the address?", D.NUMBER),
        ],
        contact_weight=3,
        request_weight=2,
    ),
    ServiceSpec(
        "homelessness",
        "Homelessness advice",
        112,
        Tier.DISTRICT,
        K.REFERRAL,
        "Housing",
        "Housing Options",
        "2 working days",
        "districts",
        "homeless, eviction, notice to quit, housing advice, sofa surfing",
        "Get help if you are homeless or may become homeless.",
        "The **district council's Housing Options team** must help anyone homeless or at risk "
        "within 56 days. If the caller has nowhere to stay tonight, transfer them to the duty "
        "officer now; otherwise refer, and an officer calls back within 2 working days.",
        [
            Attr(
                "situation",
                "What is the situation?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "tonight",
                    "Nowhere to stay tonight",
                    "notice",
                    "Has been given notice",
                    "unsafe",
                    "Not safe at home",
                    "sofa-surfing",
                    "Staying with friends",
                ),
            ),
            Attr(
                "children", "Are there children in the household?", D.SINGLEVALUELIST, values=YES_NO
            ),
            Attr("details", "Tell us more", D.TEXT),
        ],
        contact_weight=2,
        request_weight=2,
        descriptions=("Section 21 notice received, has to leave in 8 weeks.",),
    ),
    ServiceSpec(
        "planning",
        "Planning applications and decisions",
        516,
        Tier.DISTRICT,
        K.INFORMATION,
        "Planning",
        "Planning",
        "10 working days",
        "districts",
        "planning, planning application, extension, objection, building",
        "Search planning applications and decisions, and comment on them.",
        "Planning is the **district council's**. Applications and decisions can be searched on "
        "the planning portal by address; comments must be in writing. The duty planner answers "
        "questions on Tuesday and Thursday mornings.",
        location="place",
        contact_weight=3,
        request_weight=0,
    ),
    ServiceSpec(
        "bereavement",
        "Tell us about a death",
        328,
        Tier.DISTRICT,
        K.LIFE_EVENT,
        "Life events",
        "Revenues and Benefits",
        "10 working days",
        "districts",
        "death, bereavement, someone has died, tell us once, funeral",
        "Tell the councils about a death once, and we update council tax, benefits, the "
        "electoral register, Blue Badge, library and parking permits.",
        "I'm sorry for your loss. I can tell the **district and county councils** at once: we "
        "will update Council Tax and benefits, take the person off the electoral register, and "
        "cancel a Blue Badge, bus pass, library card and parking permit. There is nothing to pay "
        "while we do this.",
        [
            Attr("deceased_name", "Name of the person who died", D.STRING, required=True),
            Attr("date_of_death", "Date of death", D.DATETIME, required=True),
            Attr(
                "notify",
                "Which services should we update?",
                D.MULTIVALUELIST,
                values=choices(
                    "council-tax",
                    "Council Tax",
                    "benefits",
                    "Benefits",
                    "electoral-roll",
                    "Electoral register",
                    "blue-badge",
                    "Blue Badge",
                    "bus-pass",
                    "Bus pass",
                    "library",
                    "Library",
                    "parking-permit",
                    "Parking permit",
                ),
            ),
        ],
        contact_weight=2,
        request_weight=2,
    ),
    ServiceSpec(
        "moving-home",
        "Moving home",
        None,
        Tier.DISTRICT,
        K.LIFE_EVENT,
        "Life events",
        "Revenues and Benefits",
        "10 working days",
        "districts",
        "moving home, new address, moving in, moving out, change of address",
        "Tell us you are moving in or out: Council Tax, bins, the electoral register, school "
        "places and where to find a GP.",
        "Welcome to the area. I can update **Council Tax**, order bins, and send the voter "
        "registration form, then give you school admissions and GP registration information. "
        "We just need the moving date and the previous address.",
        [
            Attr("moving_date", "Moving date", D.DATETIME, required=True),
            Attr("previous_postcode", "Previous postcode", D.STRING),
            Attr(
                "notify",
                "What should we set up?",
                D.MULTIVALUELIST,
                values=choices(
                    "council-tax",
                    "Council Tax",
                    "bins",
                    "Bins",
                    "electoral-roll",
                    "Electoral register",
                    "schools",
                    "School places",
                    "gp-info",
                    "GP registration information",
                    "parking-permit",
                    "Parking permit",
                ),
            ),
        ],
        contact_weight=3,
        request_weight=2,
    ),
    ServiceSpec(
        "parking-permit",
        "Residents' parking permit",
        474,
        Tier.ALL,
        K.APPLICATION,
        "Parking and travel",
        "Parking Services",
        "10 working days",
        "districts",
        "parking permit, residents parking, visitor permit, zone",
        "Apply for a residents' or visitors' parking permit.",
        "Residents' parking permits are issued by the **district council** on the county's "
        "behalf. The first permit is £40 a year; visitor permits come in books of 20. "
        "Permits are issued within 10 working days.",
        [
            Attr("vehicle_registration", "Vehicle registration", D.STRING, required=True),
            Attr(
                "zone",
                "Which zone?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "a", "Zone A (town centre)", "b", "Zone B (station)", "c", "Zone C (hospital)"
                ),
            ),
        ],
        contact_weight=3,
        request_weight=3,
    ),
    ServiceSpec(
        "complaint",
        "Complaint",
        353,
        Tier.ALL,
        K.COMPLAINT,
        "Your council",
        "Customer Relations",
        "10 working days",
        "councils",
        "complaint, complain, unhappy, poor service, escalate",
        "Complain about a council service.",
        "We are sorry the customer is unhappy. Take the complaint in their own words and what "
        "they would like to happen. **Stage 1** complaints are answered by the service within "
        "10 working days; if still unhappy they can ask for a stage 2 review, then go to the "
        "Local Government and Social Care Ombudsman.",
        [
            Attr("what_happened", "What happened?", D.TEXT, required=True),
            Attr("outcome_wanted", "What would put it right?", D.TEXT),
        ],
        contact_weight=2,
        request_weight=3,
        descriptions=(
            "Bins missed repeatedly and nobody called back.",
            "Waited six weeks for a reply to a letter.",
        ),
    ),
    # ------------------------------------------------------------------ police
    ServiceSpec(
        "asb",
        "Antisocial behaviour",
        870,
        Tier.ALL,
        K.REFERRAL,
        "Community safety",
        "Neighbourhood Policing",
        "4 hours",
        "police",
        "antisocial behaviour, ASB, nuisance neighbours, intimidation, youths, drugs",
        "Report antisocial behaviour to the neighbourhood policing team.",
        "Antisocial behaviour is referred to **Wessex Constabulary's neighbourhood policing "
        "team**, who contact the caller within 4 hours. If anyone is in danger now, or a crime "
        "is in progress, the caller must ring 999.",
        [
            Attr(
                "behaviour",
                "What is happening?",
                D.MULTIVALUELIST,
                required=True,
                values=choices(
                    "intimidation",
                    "Intimidation or harassment",
                    "drugs",
                    "Drug dealing",
                    "vandalism",
                    "Vandalism",
                    "drinking",
                    "Street drinking",
                    "vehicles",
                    "Nuisance vehicles",
                    "noise",
                    "Rowdy behaviour",
                ),
            ),
            Attr("incident_at", "When did it last happen?", D.DATETIME),
            Attr("ongoing", "Has it happened before?", D.SINGLEVALUELIST, values=YES_NO),
            Attr("details", "What happened?", D.TEXT),
        ],
        location="place",
        contact_weight=2,
        request_weight=4,
        descriptions=(
            "Group of youths gathering by the shops every evening, shouting at passers-by.",
            "Suspected drug dealing from a car in the car park.",
            "Off-road bikes riding across the playing field.",
        ),
    ),
    # ------------------------------------------------------------------ NHS
    ServiceSpec(
        "gp-registration",
        "Registering with a GP",
        None,
        Tier.ALL,
        K.INFORMATION,
        "Health",
        "Patient Advice and Liaison",
        "10 working days",
        "nhs",
        "GP, doctor, register with a doctor, surgery, NHS",
        "How to register with a GP practice.",
        "Anyone can register with a GP practice whose area covers their address, without proof "
        "of address or immigration status. The **Wessex Vale NHS Trust** Patient Advice and "
        "Liaison Service can help if a practice refuses; otherwise use the NHS website to find "
        "practices taking patients.",
        location="place",
        contact_weight=2,
        request_weight=0,
    ),
    ServiceSpec(
        "support-groups",
        "Local support groups",
        297,
        Tier.ALL,
        K.INFORMATION,
        "Health and wellbeing",
        "Community Services",
        "10 working days",
        "nhs",
        "support group, loneliness, social prescribing, wellbeing, carers group",
        "Find local support groups and community activities.",
        "The **NHS trust's social prescribing link workers** keep the directory of local "
        "groups: lunch clubs, carers' groups, walking groups and bereavement support. Search "
        "the directory by postcode and offer to send the details.",
        location="place",
        contact_weight=1,
        request_weight=0,
    ),
    # ------------------------------------------------------------------ housing association
    ServiceSpec(
        "housing-repair",
        "Housing association repair",
        None,
        Tier.ALL,
        K.FAULT_REPORT,
        "Housing",
        "Repairs",
        "5 working days",
        "housing",
        "repair, housing repair, leak, heating, boiler, damp, mould, Egdon Homes",
        "Report a repair in an Egdon Homes property.",
        "Repairs to **Egdon Homes** properties: emergencies (no heating or water, a major leak, "
        "unsafe electrics) are attended within 24 hours; routine repairs within 5 working days. "
        "Damp and mould is always inspected. Ask for the tenancy reference.",
        [
            Attr("tenancy_reference", "Tenancy reference", D.STRING, required=True),
            Attr(
                "repair_type",
                "What needs repairing?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "leak",
                    "Leak",
                    "heating",
                    "Heating or hot water",
                    "electrics",
                    "Electrics",
                    "damp",
                    "Damp or mould",
                    "door-window",
                    "Door or window",
                    "other",
                    "Something else",
                ),
            ),
            Attr(
                "room",
                "Which room?",
                D.SINGLEVALUELIST,
                values=choices(
                    "kitchen",
                    "Kitchen",
                    "bathroom",
                    "Bathroom",
                    "bedroom",
                    "Bedroom",
                    "living-room",
                    "Living room",
                    "outside",
                    "Outside",
                ),
            ),
            Attr("details", "Describe the problem", D.TEXT),
        ],
        contact_weight=4,
        request_weight=5,
        descriptions=(
            "Boiler not working, no hot water.",
            "Black mould in the bedroom.",
            "Kitchen tap leaking under the sink.",
            "Back door will not lock.",
        ),
    ),
    ServiceSpec(
        "sheltered-housing",
        "Sheltered and supported housing",
        107,
        Tier.ALL,
        K.APPLICATION,
        "Housing",
        "Tenancy Services",
        "20 working days",
        "housing",
        "sheltered housing, supported housing, retirement flat, warden",
        "Apply for a sheltered or supported housing flat.",
        "**Egdon Homes** lets sheltered flats to people over 60 or with support needs. Take "
        "the application details; a tenancy officer visits within 20 working days to assess.",
        [
            Attr("bedrooms", "How many bedrooms are needed?", D.NUMBER),
            Attr(
                "support_needs",
                "What support is needed?",
                D.MULTIVALUELIST,
                values=choices(
                    "alarm",
                    "Community alarm",
                    "warden",
                    "Scheme manager",
                    "meals",
                    "Meals",
                    "mobility",
                    "Mobility",
                ),
            ),
        ],
        contact_weight=1,
        request_weight=1,
    ),
    # ------------------------------------------------------------------ districts: licensing
    ServiceSpec(
        "taxi-licence",
        "Taxi and private hire licence",
        None,
        Tier.DISTRICT,
        K.APPLICATION,
        "Licensing",
        "Licensing",
        "20 working days",
        "districts",
        "taxi, private hire, hackney carriage, cab, driver licence, operator licence",
        "Apply for or renew a taxi or private hire driver, vehicle or operator licence.",
        "Taxi and private hire licences are issued by the **district council's licensing "
        "team**. Drivers need an enhanced DBS check, a medical and 12 months with a full "
        "licence; vehicles an inspection. New driver licences take about 20 working days.",
        [
            Attr(
                "licence",
                "Which licence?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "driver",
                    "Driver",
                    "vehicle",
                    "Vehicle",
                    "operator",
                    "Private hire operator",
                ),
            ),
            Attr("renewal", "Is this a renewal?", D.SINGLEVALUELIST, values=YES_NO),
            Attr("registration", "Vehicle registration, for a vehicle licence", D.STRING),
        ],
        contact_weight=0.4,
        request_weight=0.3,
    ),
    ServiceSpec(
        "street-trading",
        "Street trading consent",
        None,
        Tier.DISTRICT,
        K.APPLICATION,
        "Licensing",
        "Licensing",
        "20 working days",
        "districts",
        "street trading, market stall, food van, pitch, trader",
        "Apply for consent to sell from a stall, van or pitch in the street.",
        "Street trading needs the **district council's consent**. Ask what will be sold, "
        "where and on which days; food traders also need food business registration.",
        [
            Attr("goods", "What will be sold?", D.STRING, required=True),
            Attr("pitch", "Where is the pitch?", D.STRING, required=True),
            Attr(
                "days",
                "Which days?",
                D.MULTIVALUELIST,
                values=choices("weekdays", "Weekdays", "saturday", "Saturday", "sunday", "Sunday"),
            ),
        ],
        contact_weight=0.2,
        request_weight=0.2,
    ),
    ServiceSpec(
        "car-boot-sale",
        "Car boot sale notice",
        None,
        Tier.DISTRICT,
        K.APPLICATION,
        "Licensing",
        "Licensing",
        "10 working days",
        "districts",
        "car boot sale, boot fair, jumble sale, temporary market",
        "Tell us about a car boot sale at least 28 days before it is held.",
        "Car boot sales held more than a few times a year need notice to the **district "
        "council's licensing team** at least 28 days ahead. Take the date, the site and how "
        "many pitches.",
        [
            Attr("sale_date", "When is the sale?", D.DATETIME, required=True),
            Attr("site", "Where will it be held?", D.STRING, required=True),
            Attr("pitches", "About how many pitches?", D.NUMBER),
        ],
        contact_weight=0.2,
        request_weight=0.2,
    ),
    ServiceSpec(
        "animal-licence",
        "Animal activity licence",
        None,
        Tier.DISTRICT,
        K.APPLICATION,
        "Licensing",
        "Licensing",
        "20 working days",
        "districts",
        "animal licence, pet shop, dog boarding, dog breeding, kennels, riding school",
        "Apply for a licence to sell pets, board or breed dogs, hire out horses or show animals.",
        "Animal activity licences are issued by the **district council**. An inspector "
        "visits before a licence is granted and gives it a star rating.",
        [
            Attr(
                "activity",
                "Which activity?",
                D.SINGLEVALUELIST,
                required=True,
                values=choices(
                    "selling",
                    "Selling animals as pets",
                    "boarding",
                    "Boarding cats or dogs",
                    "breeding",
                    "Breeding dogs",
                    "horses",
                    "Hiring out horses",
                    "exhibiting",
                    "Keeping or training animals for exhibition",
                ),
            ),
        ],
        contact_weight=0.2,
        request_weight=0.2,
    ),
    ServiceSpec(
        "premises-licence",
        "Premises licence",
        None,
        Tier.DISTRICT,
        K.APPLICATION,
        "Licensing",
        "Licensing",
        "20 working days",
        "districts",
        "premises licence, alcohol licence, pub, entertainment, late night refreshment",
        "Apply for or change a licence to sell alcohol, put on entertainment or serve hot "
        "food late at night.",
        "Premises licences are granted by the **district council's licensing team** after a "
        "28-day consultation (police, fire, environmental health, neighbours).",
        [
            Attr(
                "activities",
                "What will happen there?",
                D.MULTIVALUELIST,
                required=True,
                values=choices(
                    "alcohol",
                    "Selling alcohol",
                    "entertainment",
                    "Music, plays or films",
                    "late_night",
                    "Hot food or drink after 11pm",
                ),
            ),
            Attr("premises", "Name and address of the premises", D.STRING, required=True),
        ],
        contact_weight=0.2,
        request_weight=0.2,
    ),
]

# Eligibility questions (service, code, question, hint, answer that lets them carry on,
# what to tell someone who cannot): asked before an application at the desk and online.
ELIGIBILITY: list[tuple[str, str, str, str, bool, str]] = [
    (
        "blue-badge",
        "lives-here",
        "Does the person the badge is for live in Wessex?",
        "",
        True,
        "Apply to the council where they live: GOV.UK's Blue Badge service finds it.",
    ),
    (
        "bus-pass",
        "lives-here",
        "Does the applicant live in Wessex?",
        "",
        True,
        "Apply to the council where the applicant lives.",
    ),
    (
        "bus-pass",
        "age-or-disability",
        "Is the applicant of State Pension age, or disabled?",
        "Disabled includes being blind or partially sighted, profoundly deaf, without speech, "
        "or unable to drive for medical reasons.",
        True,
        "A free bus pass is for people of State Pension age or disabled people. Ask about "
        "young persons' and jobseekers' discounts with the bus companies.",
    ),
    (
        "free-school-meals",
        "gets-benefit",
        "Does the family get Universal Credit or another qualifying benefit?",
        "Universal Credit (household earnings under £7,400 a year), income-related ESA, "
        "income-based JSA, Pension Credit or asylum support.",
        True,
        "Free school meals need one of the qualifying benefits. Every child in Reception, "
        "Year 1 and Year 2 gets free lunches anyway.",
    ),
    (
        "council-tax-discount",
        "others-live-there",
        "Does anyone else aged 18 or over live at the address?",
        "Leave out students, carers and people who are severely mentally impaired.",
        False,
        "The single person discount is only when one adult lives at the address. Ask about "
        "other discounts and Council Tax Reduction.",
    ),
    (
        "taxi-licence",
        "held-licence",
        "Has the applicant held a full driving licence for at least 12 months?",
        "For a driver licence. Answer yes for a vehicle or operator licence.",
        True,
        "Drivers need 12 months with a full driving licence before they can apply.",
    ),
    (
        "premises-licence",
        "over-18",
        "Is the applicant 18 or over?",
        "",
        True,
        "Only someone aged 18 or over can hold a premises licence.",
    ),
]

# "Also offer" prompts shown on the desk's customer page: (name, service to offer, message,
# minimum age, maximum age, unless they asked for this service in the last year).
PROMPTS: list[tuple[str, str, str, int | None, int | None, str | None]] = [
    (
        "Bus pass at State Pension age",
        "bus-pass",
        "The customer may be entitled to a free bus pass: offer to apply now.",
        66,
        None,
        "bus-pass",
    ),
    (
        "Benefits check at State Pension age",
        "council-tax-reduction",
        "Offer a benefits check: pensioners on a low income often miss Council Tax Reduction "
        "and Pension Credit.",
        66,
        None,
        "housing-benefit",
    ),
    (
        "Library card for children",
        "library-join",
        "Children can join the library free: offer a card.",
        None,
        15,
        None,
    ),
]

# Street-scene faults: their requests are public (status, street, the resident's own words)
# and FixMyStreet may send them through Open311; the value is how precisely the place is
# shown. Everything else (applications, care, benefits, council tax, housing, homelessness,
# tenants' repairs, noise, antisocial behaviour, complaints, life events, information) never.
PUBLIC_REQUESTS: dict[str, str] = {
    "pothole": PublicLocation.POINT,
    "street-light": PublicLocation.POINT,
    "pavement": PublicLocation.POINT,
    "road-flooding": PublicLocation.POINT,
    "traffic-lights": PublicLocation.POINT,
    "fly-tipping": PublicLocation.POINT,
    "street-cleaning": PublicLocation.POINT,
    "blocked-drain": PublicLocation.POINT,
    # Often outside someone's home: the street only.
    "missed-bin": PublicLocation.STREET,
    "graffiti": PublicLocation.STREET,
    "dog-fouling": PublicLocation.STREET,
    "abandoned-vehicle": PublicLocation.STREET,
    "needles": PublicLocation.STREET,
}

# Priority by answers (catalogue.PriorityRule), as the adviser scripts promise: (service,
# name, conditions, priority, service standard). The first that matches applies.
PRIORITY_RULES: list[tuple[str, str, dict, int, str]] = [
    (
        "pothole",
        "Deeper than 10 cm near a school: made safe within 24 hours",
        {"depth": "deep", "hazards": "school"},
        Priority.URGENT,
        "24 hours",
    ),
    (
        "pothole",
        "Deeper than 10 cm: made safe within 24 hours",
        {"depth": "deep"},
        Priority.HIGH,
        "24 hours",
    ),
    (
        "graffiti",
        "Offensive or racist: removed within 24 hours",
        {"offensive": "yes"},
        Priority.HIGH,
        "24 hours",
    ),
    (
        "housing-repair",
        "Emergency repair (no heating or hot water, unsafe electrics): within 24 hours",
        {"repair_type": ["heating", "electrics"]},
        Priority.URGENT,
        "24 hours",
    ),
]

# Evidence applications ask for (catalogue.EvidenceRequirement): (service, code, label,
# hint, kind, required).
EVIDENCE: list[tuple[str, str, str, str, str, bool]] = [
    (
        "blue-badge",
        "photo",
        "A recent photo of the badge holder's face",
        "Like a passport photo: head and shoulders, a plain background, no sunglasses.",
        EvidenceKind.PHOTO,
        True,
    ),
    (
        "blue-badge",
        "proof-of-address",
        "Proof of address",
        "A council tax bill, a bank statement or a utility bill from the last 3 months.",
        EvidenceKind.DOCUMENT,
        True,
    ),
    (
        "blue-badge",
        "proof-of-benefit",
        "Proof of benefit, if you get PIP or are registered blind",
        "Your PIP award letter or your certificate of visual impairment.",
        EvidenceKind.DOCUMENT,
        False,
    ),
    (
        "bus-pass",
        "photo",
        "A recent photo of your face",
        "Head and shoulders, a plain background.",
        EvidenceKind.PHOTO,
        True,
    ),
    (
        "bus-pass",
        "proof-of-address",
        "Proof of address",
        "A council tax bill, a bank statement or a utility bill from the last 3 months.",
        EvidenceKind.DOCUMENT,
        True,
    ),
    (
        "council-tax-reduction",
        "proof-of-income",
        "Proof of income",
        "Your last two payslips, or your Universal Credit or pension statement.",
        EvidenceKind.DOCUMENT,
        False,
    ),
]

# Which partners deliver, by ServiceSpec.delivered_by.
_DELIVERERS = {
    "county": [COUNTY],
    "districts": DISTRICTS,
    "councils": [COUNTY, *DISTRICTS],
    "police": [POLICE],
    "nhs": [NHS],
    "housing": [HOUSING],
}


def deliverers(spec: ServiceSpec) -> list[str]:
    return _DELIVERERS[spec.delivered_by]


def create_catalogue(partnership: Partnership) -> dict[str, Service]:
    policies = {}
    for name, unit, amount in SLA_POLICIES:
        policy = SLAPolicy(name=name, unit=unit, amount=amount)
        policy.full_clean()
        policies[name] = policy
    SLAPolicy.objects.bulk_create(policies.values())
    # bulk_create sets primary keys on SQLite and PostgreSQL; re-read to be sure elsewhere.
    policies = {p.name: p for p in SLAPolicy.objects.filter(name__in=policies)}

    services: dict[str, Service] = {}
    for spec in SERVICES:
        service = Service(
            code=spec.code,
            name=spec.name,
            description=spec.description,
            group=spec.group,
            keywords=spec.keywords,
            lgsl_code=spec.lgsl,
            kind=spec.kind,
            tier=spec.tier,
            sla_policy=policies[spec.sla],
            adviser_script=spec.script,
            requests_public=spec.code in PUBLIC_REQUESTS,
            open311_reportable=spec.code in PUBLIC_REQUESTS,
            public_location=PUBLIC_REQUESTS.get(spec.code, PublicLocation.STREET),
        )
        service.full_clean(exclude=["sla_policy"])
        services[spec.code] = service
    Service.objects.bulk_create(services.values())

    attributes = []
    deliveries = []
    for spec in SERVICES:
        service = services[spec.code]
        for order, attr in enumerate(spec.attributes, start=1):
            attribute = ServiceAttribute(
                service=service,
                code=attr.code,
                description=attr.description,
                datatype=attr.datatype,
                datatype_description=attr.datatype_description,
                required=attr.required,
                order=order,
                values=[{"key": k, "name": n} for k, n in attr.values],
                automated=attr.automated,
            )
            attribute.full_clean(
                exclude=["service"], validate_unique=False, validate_constraints=False
            )
            attributes.append(attribute)
        for slug in deliverers(spec):
            deliveries.append(
                ServiceDelivery(
                    service=service,
                    partner=partnership.partners[slug],
                    team=partnership.team(slug, spec.team),
                )
            )
    ServiceAttribute.objects.bulk_create(attributes)
    ServiceDelivery.objects.bulk_create(deliveries)
    PriorityRule.objects.bulk_create(
        PriorityRule(
            service=services[code],
            name=name,
            order=order,
            conditions=conditions,
            priority=priority,
            sla_policy=policies[policy],
        )
        for order, (code, name, conditions, priority, policy) in enumerate(PRIORITY_RULES, 1)
        if code in services
    )
    EvidenceRequirement.objects.bulk_create(
        EvidenceRequirement(
            service=services[code],
            code=slug,
            label=label,
            hint=hint,
            kind=kind,
            required=required,
            order=order,
        )
        for order, (code, slug, label, hint, kind, required) in enumerate(EVIDENCE, 1)
        if code in services
    )
    EligibilityQuestion.objects.bulk_create(
        EligibilityQuestion(
            service=services[code],
            code=slug,
            question=question,
            hint=hint,
            eligible_answer=eligible,
            not_eligible_message=message,
            order=order,
        )
        for order, (code, slug, question, hint, eligible, message) in enumerate(ELIGIBILITY, 1)
        if code in services
    )
    ProactivePrompt.objects.bulk_create(
        ProactivePrompt(
            name=name,
            offer_service=services[offer],
            message=message,
            min_age=min_age,
            max_age=max_age,
            unless_has_request_for=services.get(unless) if unless else None,
        )
        for name, offer, message, min_age, max_age, unless in PROMPTS
        if offer in services
    )
    return services
