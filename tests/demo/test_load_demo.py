"""The demo partnership loader: it loads, loads only once, and what it loads is consistent."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import re
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction

from firstcontact.catalogue import sla
from firstcontact.catalogue.attributes import validate_answers
from firstcontact.catalogue.models import Datatype, Service, ServiceKind, Tier
from firstcontact.catalogue.routing import resolve_delivery
from firstcontact.contacts.models import Contact
from firstcontact.customers.contact_points import clean_phone
from firstcontact.customers.models import Customer, CustomerAddress, CustomerPhone
from firstcontact.demo.catalogue import SERVICES
from firstcontact.demo.partnership import COUNTY, DEMO_PASSWORD, DISTRICTS, HUB, STAFF
from firstcontact.partners.geography import Location
from firstcontact.partners.models import HubAgreement, Membership, Partner, PartnerKind, Role
from firstcontact.partners.selectors import is_partnership_admin, partners_covering
from firstcontact.privacy.models import DataSharingAgreement
from firstcontact.servicerequests.complaints import route_complaint
from firstcontact.servicerequests.models import (
    Complaint,
    Referral,
    RequestUpdate,
    ServiceRequest,
    Status,
)
from firstcontact.servicerequests.references import is_valid

# A small population keeps the test quick; the default (3,000 people) is for `make run`.
PEOPLE = 120
LGSL_CSV = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "lgsl-local-services"
    / "local_services.csv"
)


def load(**options) -> str:
    # The month of calls is tested with the telephony app; leaving it out keeps this quick.
    out = StringIO()
    options.setdefault("calls", False)
    call_command("load_demo", people=PEOPLE, no_progress=True, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    """Load once for the module, inside a transaction rolled back afterwards, so the other
    test modules never see the demo data."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load()
        transaction.set_rollback(True)


@pytest.fixture
def demo_output(_loaded_once, db) -> str:
    return _loaded_once


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in [Partner, Service, Customer, Contact, ServiceRequest, RequestUpdate, Referral]
    }


def test_loads_the_partnership_and_prints_the_logins(demo_output):
    assert set(Partner.objects.values_list("kind", flat=True)) == {
        PartnerKind.COUNTY,
        PartnerKind.DISTRICT,
        PartnerKind.POLICE,
        PartnerKind.NHS,
        PartnerKind.HOUSING,
    }
    county = Partner.objects.get(slug=COUNTY)
    assert set(county.children.values_list("slug", flat=True)) == set(DISTRICTS)
    hub = Partner.objects.get(is_hub=True)
    assert hub.slug == HUB
    clients = set(HubAgreement.objects.in_force().filter(hub=hub).values_list("client", flat=True))
    assert clients == set(Partner.objects.exclude(pk=hub.pk).values_list("pk", flat=True))
    assert DataSharingAgreement.objects.in_force().exists()
    assert Service.objects.count() >= 40
    assert Customer.objects.count() >= PEOPLE
    assert Contact.objects.exists() and ServiceRequest.objects.exists()
    for spec in STAFF:
        assert spec.username in demo_output
    assert DEMO_PASSWORD in demo_output
    assert "Open http://127.0.0.1:8000/" in demo_output


def test_a_second_run_adds_nothing(demo_output):
    before = counts()
    output = load()
    assert "Demo partnership already loaded" in output
    assert counts() == before
    assert DEMO_PASSWORD in output  # the logins are printed again


@pytest.mark.django_db
def test_the_full_size_is_the_default():
    from firstcontact.demo.loader import DEFAULT_PEOPLE, Sizes

    sizes = Sizes.for_people(DEFAULT_PEOPLE)
    assert sizes.people == 3000 and sizes.requests == 1500 and 4000 <= sizes.contacts <= 6000


def test_every_service_has_a_delivery_and_a_service_standard(demo_output):
    for service in Service.objects.prefetch_related("deliveries__team"):
        deliveries = list(service.deliveries.all())
        assert deliveries, service.code
        for delivery in deliveries:
            assert delivery.team is not None and delivery.team.partner_id == delivery.partner_id
        if service.private:
            # Tell us once's notification services (raised only through a life event).
            assert service.life_event_items.exists() and service.group, service.code
            continue
        assert service.sla_policy_id is not None, service.code
        assert service.adviser_script and service.keywords and service.group, service.code


def test_two_tier_responsibility(demo_output):
    county = Partner.objects.get(slug=COUNTY)
    districts = set(Partner.objects.filter(kind=PartnerKind.DISTRICT))
    pothole = Service.objects.get(code="pothole")
    missed_bin = Service.objects.get(code="missed-bin")
    assert (pothole.lgsl_code, pothole.tier) == (557, Tier.COUNTY)
    assert (missed_bin.lgsl_code, missed_bin.tier) == (524, Tier.DISTRICT)
    assert [d.partner for d in pothole.deliveries.all()] == [county]
    assert {d.partner for d in missed_bin.deliveries.all()} == districts
    assert pothole.deliveries.get().team.name == "Highways"
    for code, partner_kind in [
        ("asb", PartnerKind.POLICE),
        ("housing-repair", PartnerKind.HOUSING),
        ("gp-registration", PartnerKind.NHS),
    ]:
        service = Service.objects.get(code=code)
        assert service.tier == Tier.ALL
        assert {d.partner.kind for d in service.deliveries.all()} == {partner_kind}
    for spec in SERVICES:
        service = Service.objects.get(code=spec.code)
        kinds = {d.partner.kind for d in service.deliveries.all()}
        if service.tier == Tier.COUNTY:
            assert kinds == {PartnerKind.COUNTY}, spec.code
        elif service.tier == Tier.DISTRICT:
            assert service.deliveries.count() == len(DISTRICTS), spec.code


@pytest.mark.skipif(not LGSL_CSV.exists(), reason="../shared LGSL data is not available")
def test_lgsl_codes_and_tiers_match_the_service_list(db):
    with LGSL_CSV.open(newline="", encoding="utf-8") as f:
        tiers = {int(row["LGSL"]): row["Providing Tier"] for row in csv.DictReader(f)}
    expected = {"county/unitary": Tier.COUNTY, "district/unitary": Tier.DISTRICT, "all": Tier.ALL}
    for spec in SERVICES:
        if spec.lgsl is not None:
            assert spec.lgsl in tiers, spec.code
            assert spec.tier == expected[tiers[spec.lgsl]], spec.code


def test_catalogue_uses_every_attribute_datatype(demo_output):
    from firstcontact.catalogue.models import Automated, ServiceAttribute

    used = set(ServiceAttribute.objects.values_list("datatype", flat=True))
    assert used == set(Datatype.values)
    depth = ServiceAttribute.objects.get(service__code="pothole", code="depth")
    assert depth.datatype == Datatype.SINGLEVALUELIST and depth.required
    for service in Service.objects.filter(kind=ServiceKind.FAULT_REPORT).exclude(
        code="housing-repair"
    ):
        hidden = service.attributes.get(code="fixmystreet_id")
        assert (hidden.datatype, hidden.automated) == (Datatype.STRING, Automated.HIDDEN_FIELD)
    kinds = dict(Service.objects.values_list("code", "kind"))
    assert kinds["asb"] == ServiceKind.REFERRAL
    assert kinds["complaint"] == ServiceKind.COMPLAINT
    assert kinds["gp-registration"] == ServiceKind.INFORMATION
    assert kinds["bereavement"] == kinds["moving-home"] == ServiceKind.LIFE_EVENT


def test_every_demo_login_authenticates_with_the_printed_password(demo_output):
    roles = set()
    for spec in STAFF:
        user = authenticate(username=spec.username, password=DEMO_PASSWORD)
        assert user is not None, spec.username
        roles |= set(Membership.objects.filter(user=user).values_list("role", flat=True))
    assert roles == set(Role.values)
    admin = authenticate(username="admin", password=DEMO_PASSWORD)
    assert admin.is_staff and is_partnership_admin(admin)
    assert Membership.objects.get(user__username="highways").team.name == "Highways"
    assert Membership.objects.get(user__username="adviser").partner.is_hub


def test_the_demo_signs_in_with_passwords_except_the_second_factor_login(
    demo_output, client, settings
):
    """`make run` (DEBUG, second factor optional): a demo login signs in with its password; the
    second-factor login asks for a code from the app whose secret load_demo printed."""
    from django_otp.oath import totp

    settings.DEBUG = True
    assert "secure-adviser" in client.get("/accounts/login/").content.decode()
    response = client.post(
        "/accounts/login/", {"username": "adviser", "password": DEMO_PASSWORD, "next": "/desk/"}
    )
    assert response["Location"] == "/desk/"
    client.post("/accounts/logout/")

    uri = re.search(r"otpauth://totp/\S+", demo_output).group(0)
    assert "FirstContact%3Asecure-adviser" in uri or "FirstContact:secure-adviser" in uri
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    assert f"oathtool --totp -b {secret}" in demo_output
    response = client.post(
        "/accounts/login/",
        {"username": "secure-adviser", "password": DEMO_PASSWORD, "next": "/desk/"},
    )
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    assert client.get("/desk/").status_code == 302
    code = f"{totp(base64.b32decode(secret)):06d}"
    response = client.post("/accounts/two-factor/verify/", {"code": code, "next": "/desk/"})
    assert response["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200


def test_a_demo_pothole_request_resolves_to_the_county(demo_output):
    county = Partner.objects.get(slug=COUNTY)
    pothole = Service.objects.get(code="pothole")
    request = ServiceRequest.objects.filter(service=pothole).first()
    if request is None:  # a small population may have drawn none: any demo street will do
        request = ServiceRequest.objects.exclude(latitude=None).first()
    location = Location(
        latitude=request.latitude, longitude=request.longitude, postcode=request.postcode
    )
    assert resolve_delivery(pothole, location).partner == county
    assert county in partners_covering(location)


def test_requests_are_routed_and_consistent(demo_output):
    requests = ServiceRequest.objects.select_related("service__sla_policy")
    assert requests.exists()
    for request in requests:
        assert is_valid(request.reference)
        location = Location(
            latitude=request.latitude, longitude=request.longitude, postcode=request.postcode
        )
        complaint = Complaint.objects.filter(request=request).first()
        if complaint is not None and complaint.about_service is not None:
            # A complaint goes to whoever delivers the service it is about.
            delivery = route_complaint(
                request.service, location, about_service=complaint.about_service
            )
        else:
            delivery = resolve_delivery(request.service, location)
        assert (delivery.partner_id, delivery.team_id) == (
            request.responsible_partner_id,
            request.team_id,
        )
        validate_answers(request.service.attributes.all(), request.attributes)
        updates = list(request.updates.all())
        assert updates[0].kind == "created"
        assert updates[-1].status == request.status
        # Each change bumps the version, except a resident adding their report to it (an
        # officer working on the request is not told their page is out of date for that).
        assert request.version == len([u for u in updates if u.kind != "supporter"])
        assert (request.status == Status.CLOSED) == bool(request.outcome)
        if not request.updates.filter(status=Status.ON_HOLD).exists():
            # The standard a priority rule chose (catalogue/priority.py), else the service's.
            policy = request.sla_policy or request.service.sla_policy
            assert request.sla_due_at == sla.due_at(policy, request.created_at)


def test_people_have_valid_contact_points_in_the_demo_area(demo_output):
    for number in CustomerPhone.objects.values_list("number", flat=True):
        assert clean_phone(number) == number
    for postcode, uprn in CustomerAddress.objects.values_list("postcode", "uprn"):
        assert postcode.startswith("WX") and len(uprn) <= 12
    assert not Customer.objects.filter(search_name="").exists()
    # Three months of activity; community-safety requests go back a year (the hotspots pages
    # compare periods).
    now = dt.datetime.now(dt.UTC)
    requests = ServiceRequest.objects.order_by("created_at")
    community = requests.filter(service__community_safety__isnull=False)
    assert requests.exclude(pk__in=community).first().created_at > now - dt.timedelta(days=92)
    assert community.first().created_at > now - dt.timedelta(days=367)


def test_the_demo_shows_priority_rules_evidence_and_complaints_by_service(demo_output):
    from firstcontact.catalogue.models import EvidenceRequirement, Priority, PriorityRule
    from firstcontact.servicerequests.models import RequestAttachment, RequestPhoto

    # The adviser scripts' "24 hours" are rules: deep potholes, offensive graffiti, emergencies.
    rules = {r.service.code: r for r in PriorityRule.objects.select_related("service")}
    assert {"pothole", "graffiti", "housing-repair"} <= set(rules)
    assert rules["graffiti"].sla_policy.name == "24 hours"
    urgent = ServiceRequest.objects.filter(priority__lte=Priority.HIGH)
    assert urgent.filter(service__code="pothole", attributes__depth="deep").exists()
    assert not ServiceRequest.objects.filter(
        service__code="pothole", attributes__depth="shallow", priority__lte=Priority.HIGH
    ).exists()
    badge = EvidenceRequirement.objects.filter(service__code="blue-badge", required=True)
    assert badge.count() == 2
    # Complaints about the county's services (potholes, street lights) are the county's,
    # whoever's district the complainant lives in; about bins, the district's.
    complaints = Complaint.objects.exclude(about_service=None)
    assert complaints.exists()
    for about, kind in [("county", "county"), ("district", "district")]:
        partners = set(
            complaints.filter(about_service__tier=about).values_list(
                "request__responsible_partner__kind", flat=True
            )
        )
        assert partners <= {kind}
    assert complaints.filter(about_service__tier="county").exists()
    answered = complaints.exclude(about_request=None).get(stage1_decision="partly_upheld")
    assert answered.request.responsible_partner.kind == "county"
    # The staff request page's photo and the application's evidence.
    assert RequestPhoto.objects.filter(request__service__code="fly-tipping").exists()
    assert (
        RequestAttachment.objects.filter(
            request__service__code="blue-badge", source="resident"
        ).count()
        == 2
    )


def test_each_hub_client_has_a_statement_against_agreed_standards(demo_output):
    from django.utils import timezone

    from firstcontact.insight.statements import previous_month, statement, statement_partners

    month = previous_month(timezone.localdate())
    clients = statement_partners(month, None)
    assert len(clients) >= 5  # the hub's clients: the county, districts, police, NHS, housing
    s = statement(clients[0], month)
    assert s.terms is not None and [r["measure"] for r in s.standards()][0].startswith("Service")
    assert all(c.email for c in clients)  # send_statements has somewhere to send each
