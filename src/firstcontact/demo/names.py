"""Word lists for the demo population: common given and family names in the UK, street names,
and the kinds of local organisation a council hears from. Everything generated from them is
fictional; any likeness to a real person is chance."""

from __future__ import annotations

# Word lists are whitespace-separated: no entry contains a space.
GIVEN_NAMES_FEMALE = """
    Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Poppy Evie Ella
    Florence Willow Phoebe Sienna Ruby Emily Charlotte Jessica Hannah Lucy Sophie Chloe Megan
    Laura Rebecca Sarah Emma Rachel Claire Nicola Helen Joanne Karen Susan Julie Lisa Michelle
    Amanda Tracey Angela Deborah Alison Catherine Elizabeth Margaret Patricia Jean Barbara
    Christine Janet Linda Carol Sandra Pauline Dorothy Joan Shirley Brenda Valerie Gillian
    Fatima Aisha Zainab Maryam Amira Priya Anjali Sunita Agnieszka Katarzyna Magdalena Siân
    Cerys Ffion Niamh Aoife Eilidh Zoë Chloé
""".split()  # noqa: SIM905 - a word list reads better as words

GIVEN_NAMES_MALE = """
    Oliver George Noah Arthur Harry Leo Muhammad Jack Charlie Oscar Jacob Henry Thomas Freddie
    Alfie Theo William Theodore Archie Joshua James Daniel Matthew Ryan Luke Adam Benjamin
    Samuel Joseph David Michael Christopher Andrew Mark Paul Richard Stephen Peter Robert John
    Ian Gary Neil Simon Stuart Darren Lee Craig Wayne Kevin Graham Brian Keith Colin Derek
    Trevor Roger Malcolm Kenneth Raymond Ahmed Ali Hassan Imran Arjun Rohan Sanjay Piotr Tomasz
    Krzysztof Rhys Dafydd Gareth Owain Callum Seán Ciarán Declan Kwame Chidi Tunde
""".split()  # noqa: SIM905 - a word list reads better as words

GIVEN_NAMES_NEUTRAL = """
    Alex Sam Charlie Jordan Jamie Robin Morgan Riley
""".split()  # noqa: SIM905 - a word list reads better as words

FAMILY_NAMES = """
    Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
    Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson
    Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen
    James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook
    Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson
    Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali
    Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell
    Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur
    Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks
    West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth
    Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster
    Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland
    Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah
    Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross
    Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson
    Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp
    Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rahman
    Kowalski Nowak Wiśniewska Okafor Mensah Nguyen Chen Wong
""".split()  # noqa: SIM905 - a word list reads better as words

TITLES_FEMALE = ["Mrs", "Ms", "Miss", "Dr"]
TITLES_MALE = ["Mr", "Mr", "Mr", "Dr"]
TITLES_NEUTRAL = ["Mx", "Dr"]

STREET_STEMS = """
    Church Mill Station Victoria Manor Park Queens Kings Chapel Castle Green Orchard Meadow
    Willow Beech Oak Elm Ash Hawthorn Rowan Cedar Chestnut Holly Maple Poplar Sycamore Lime
    Larch Heath Fountain Market Bridge Brook River Wharf Quarry Forge Tannery Abbey Priory
    Rectory Vicarage School Farm Barley Clover Foxglove Primrose Bluebell Heather Kestrel
    Swallow Wren Lark Badger Otter Downs Ridgeway Hillside Valley Harbour Shingle Lighthouse
    Cliff
""".split()  # noqa: SIM905 - a word list reads better as words
STREET_TYPES = """
    Street Road Lane Close Avenue Way Drive Gardens Crescent Place Terrace Row Court Mews Rise
    View Walk
""".split()  # noqa: SIM905 - a word list reads better as words

# Local organisations that contact the council: {town} is filled in.
ORGANISATIONS = [
    "{town} Community Larder",
    "{town} Tenants' and Residents' Association",
    "{town} Bowls Club",
    "{town} Youth Football Club",
    "{town} Allotment Society",
    "{town} Village Hall Committee",
    "{town} Dental Practice",
    "{town} Motors Ltd",
    "{town} Bakery",
    "{town} Pharmacy",
    "{town} Fish Bar",
    "{town} Building Services Ltd",
    "{town} Scout Group",
    "{town} Carers' Support Group",
    "{town} Men's Shed",
    "{town} Lunch Club",
    "{town} Parish Council",
    "{town} Business Improvement District",
    "{town} Food Bank",
    "{town} Wildlife Trust group",
]
FIRST_SCHOOLS = [
    "St Mary's C of E Primary School",
    "Primary School",
    "Infant School",
    "Junior School",
    "Academy",
    "Community School",
]

CAR_MAKES = [
    "Ford Focus",
    "Vauxhall Corsa",
    "Volkswagen Golf",
    "Ford Fiesta",
    "Nissan Qashqai",
    "Toyota Yaris",
    "Peugeot 208",
    "BMW 3 Series",
    "Renault Clio",
    "Skoda Octavia",
    "Transit van",
]
CAR_COLOURS = ["Silver", "Black", "White", "Blue", "Red", "Grey", "Green"]

ACCESSIBILITY_NEEDS = [
    "Large print (at least 16 point) for all letters.",
    "British Sign Language interpreter for face-to-face appointments.",
    "Uses a hearing aid – please use the hearing loop at the one-stop shop.",
    "Partially sighted: prefers phone calls to letters.",
    "Easy Read versions of letters, please.",
    "Uses a wheelchair – needs step-free access for visits.",
    "Dyslexic: prefers information by phone or in short emails.",
    "Relay UK text relay user – allow extra time on calls.",
]
VULNERABILITIES = [
    "Lives alone; recently bereaved.",
    "Carer for a disabled partner.",
    "Has told us about debt worries – offer the money advice referral.",
    "Memory difficulties: confirm details in writing as well.",
    "Care leaver, under 25.",
]
