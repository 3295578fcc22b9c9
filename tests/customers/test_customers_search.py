import pytest

from firstcontact.customers.selectors import likely_duplicates, search_customers
from firstcontact.customers.services import create_customer
from firstcontact.privacy.models import AuditEvent
from firstcontact.servicerequests.selectors import find_customers
from firstcontact.servicerequests.services import clean_location, raise_request


@pytest.fixture
def people(partnership):
    def make(given, family, **kwargs):
        return create_customer(
            user=None, partner=partnership.north, given_name=given, family_name=family, **kwargs
        )

    return {
        "john": make(
            "John",
            "Smith",
            phones=["0113 496 0001"],
            emails=["john@example.org"],
            addresses=[{"line1": "1 Mill Lane", "postcode": "WX1 1AA", "uprn": "1001"}],
        ),
        "joan": make("Joan", "Smyth", phones=["0113 496 0002"]),
        "priya": make(
            "Priya",
            "Patel",
            emails=["priya.patel@example.com"],
            addresses=[{"line1": "9 Church Road", "postcode": "WX2 9ZZ"}],
        ),
        "alex": make("Alexander", "Wojciechowski", phones=["020 7946 0003"]),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Jonh Smiht", "john"),
        ("smith john", "john"),
        ("Priya Pattel", "priya"),
        ("Alexandr Wojciechowsky", "alex"),
        ("Wojchiechowski", "alex"),
    ],
)
def test_name_search_tolerates_typos(partnership, people, query, expected):
    results = search_customers(partnership.hub_adviser, query)
    assert results, f"nothing found for {query!r}"
    assert results[0].customer == people[expected]
    assert results[0].matched_on == "name"


def test_unrelated_name_finds_nothing(partnership, people):
    assert search_customers(partnership.hub_adviser, "Zebedee Quartermaine") == []


@pytest.mark.parametrize(
    ("query", "expected", "matched_on"),
    [
        ("0113 496 0001", "john", "phone"),
        ("+44 113 4960002", "joan", "phone"),
        ("JOHN@example.org", "john", "email"),
        ("wx2 9zz", "priya", "postcode"),
        ("1001", "john", "UPRN"),
    ],
)
def test_search_by_contact_points(partnership, people, query, expected, matched_on):
    results = search_customers(partnership.hub_adviser, query)
    assert [(m.customer, m.matched_on) for m in results] == [(people[expected], matched_on)]


def test_request_reference_finds_its_customer_even_with_spaces_and_lower_case(partnership, people):
    request = raise_request(
        user=partnership.hub_adviser,
        service=partnership.missed_bin,
        channel="phone",
        location=clean_location(postcode="WX1 1AA"),
        customer=people["john"],
    )
    typed = f" {request.reference[:4].lower()} {request.reference[4:].lower()} "
    results = find_customers(partnership.hub_adviser, typed)
    assert [(m.customer, m.matched_on) for m in results] == [(people["john"], "reference")]


def test_searches_are_audited(partnership, people):
    search_customers(partnership.hub_adviser, "Smith")
    event = AuditEvent.objects.get(action="search")
    assert event.user == partnership.hub_adviser


def test_likely_duplicates_warns_about_the_same_person(partnership, people):
    matches = likely_duplicates(partnership.hub_adviser, given_name="Jon", family_name="Smith")
    assert people["john"] in [m.customer for m in matches]
    assert people["priya"] not in [m.customer for m in matches]


def test_common_name_held_by_other_partners_does_not_hide_your_own(partnership, monkeypatch):
    """Name candidates are chosen before the visibility filter; a pool filled by another
    partner's namesakes must not leave an adviser with nothing."""
    from firstcontact.customers import selectors

    monkeypatch.setattr(selectors, "CANDIDATES", 5)
    for i in range(8):
        create_customer(
            user=None,
            partner=partnership.south,
            given_name="John",
            family_name="Smith",
            emails=[f"south{i}@example.org"],
        )
    own = create_customer(
        user=None,
        partner=partnership.police,
        given_name="John",
        family_name="Smithe",
        emails=["own@example.org"],
    )
    results = search_customers(partnership.police_officer, "John Smith")
    assert [m.customer for m in results] == [own]


@pytest.fixture
def jones_family(partnership):
    def make(given, family, **kwargs):
        return create_customer(
            user=None,
            partner=partnership.north,
            given_name=given,
            family_name=family,
            emails=[f"{given}.{family}@example.org".lower().replace(" ", "")],
            **kwargs,
        )

    return {
        "max": make("Max", "Jones"),
        "christopher": make("Christopher", "Jones"),
        "mary": make("Mary Ann", "Jenkins-Jones"),
        "ahmed": make("Ahmed", "Khan"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # No three letters of either word in common with "Max Jones".
        ("Mgx Jnoes", "max"),
        ("Jnoes Mgx", "max"),
        ("Ahmde Kahn", "ahmed"),
        ("C Jones", "christopher"),
        ("Chris Jonse", "christopher"),
        # A middle name and a double-barrelled family name, with a typo.
        ("Mary Jenkins Jnoes", "mary"),
    ],
)
def test_name_search_finds_a_typo_in_each_name(partnership, jones_family, query, expected):
    results = search_customers(partnership.hub_adviser, query)
    assert results, f"nothing found for {query!r}"
    assert results[0].customer == jones_family[expected]


def test_exact_name_comes_before_names_a_typo_away(partnership):
    def make(given, family, email):
        return create_customer(
            user=None,
            partner=partnership.north,
            given_name=given,
            family_name=family,
            emails=[email],
        )

    joan = make("Joan", "Smyth", "joan@example.org")
    jon = make("Jon", "Smith", "jon@example.org")
    john = make("John", "Smith", "john@example.org")
    results = [m.customer for m in search_customers(partnership.hub_adviser, "John Smith")]
    assert results[0] == john
    assert set(results) == {john, jon, joan}


def test_organisations_are_found_by_name_with_a_typo(partnership):
    organisation = create_customer(
        user=None,
        partner=partnership.north,
        kind="organisation",
        organisation_name="Wessex Widgets Ltd",
        emails=["office@widgets.example.org"],
    )
    results = search_customers(partnership.hub_adviser, "Wesex Widgets")
    assert [m.customer for m in results] == [organisation]


def test_name_with_typos_finds_another_partners_customer_only_when_shared(partnership):
    """The quick look-up is scoped to the partners the user acts for, like every other."""
    from django.utils.timezone import now

    from firstcontact.customers.models import Consent
    from firstcontact.customers.services import record_consent
    from firstcontact.privacy.models import DataSharingAgreement

    customer = create_customer(
        user=None,
        partner=partnership.south,
        given_name="Beatrice",
        family_name="Hallworth",
        phones=["0114 496 0777"],
    )
    officer = partnership.police_officer
    assert search_customers(officer, "Beatrcie Halworth") == []

    DataSharingAgreement.objects.create(
        provider=partnership.south,
        recipient=partnership.police,
        categories=["identity"],
        purpose="Joined-up help for residents",
        starts="2020-01-01",
    )
    assert search_customers(officer, "Beatrcie Halworth") == []  # no consent yet

    # A consent with no recipient names nobody; one naming another partner is not for them.
    Consent.objects.create(customer=customer, purpose="share_with_partners", given_at=now())
    record_consent(
        user=None, customer=customer, purpose="share_with_partners", recipient=partnership.north
    )
    assert search_customers(officer, "Beatrcie Halworth") == []

    record_consent(
        user=None, customer=customer, purpose="share_with_partners", recipient=partnership.police
    )
    assert [m.customer for m in search_customers(officer, "Beatrcie Halworth")] == [customer]
