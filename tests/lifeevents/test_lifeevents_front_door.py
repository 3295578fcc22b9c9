"""Tell us once at the front door: the informant's proven email joins their record; a death
marks the person deceased on every record of theirs (and nobody writes to them again)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from firstcontact.customers.models import Customer, CustomerChange, CustomerEmail, CustomerLink
from firstcontact.customers.services import create_customer
from firstcontact.lifeevents.services import Informant, raise_bundle, template_items
from firstcontact.linkage.models import CandidatePair
from firstcontact.notify.models import Notification
from firstcontact.notify.services import notify_customer_of_request
from firstcontact.partners.geography import Location
from firstcontact.privacy.models import AuditEvent
from firstcontact.servicerequests.models import ServiceRequest

ROBIN = Informant(given_name="Robin", family_name="Relative", email="robin@example.org")
ANSWERS = {
    "deceased_name": "Pat Example",
    "date_of_death": "2026-11-01T00:00:00",
    "deceased_date_of_birth": "1940-05-01T00:00:00",
}
HOME = {"line1": "4 Church Street", "town": "Southbury", "postcode": "WX3 1AA"}


def bundle(portal, answers=ANSWERS, informant=ROBIN):
    return raise_bundle(
        life_event=portal.bereavement,
        items=template_items(portal.bereavement),
        location=Location(postcode="wx3 1aa"),
        answers=answers,
        informant=informant,
        consent=True,
        consent_wording="I agree.",
    )


def person(partner, given="Pat", family="Example", *, born=None, address=HOME, email=None):
    return create_customer(
        user=None,
        partner=partner,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        addresses=[address] if address else [],
        emails=[email] if email else [],
    )


def test_a_verified_informant_is_told_on_their_own_record(portal):
    robin = person(portal.county, "Robin", "Relative", address=None, email="robin@example.org")
    CustomerEmail.objects.filter(customer=robin).update(verified_at=timezone.now())
    made = bundle(portal)
    customers = {i.request.customer for i in made.items.select_related("request__customer")}
    assert robin in customers  # the county's request is on Robin's own record
    assert Customer.objects.filter(family_name="Relative").count() == 3  # + south's, police's
    assert CustomerLink.objects.count() == 2
    # Records of one bundle are linked already: none is queued against another.
    assert not CandidatePair.objects.exists()
    assert AuditEvent.objects.filter(
        customer_id=robin.pk, detail__contains="joined this record"
    ).exists()


def test_from_the_desk_the_adviser_is_named_when_a_record_is_joined(portal):
    robin = person(portal.south, "Robin", "Relative", address=None, email="robin@example.org")
    CustomerEmail.objects.filter(customer=robin).update(verified_at=timezone.now())
    raise_bundle(
        life_event=portal.bereavement,
        items=template_items(portal.bereavement),
        location=Location(postcode="wx3 1aa"),
        answers=ANSWERS,
        informant=ROBIN,
        consent=True,
        consent_wording="Told the adviser they agree.",
        channel="phone",
        adviser=portal.hub_adviser,
    )
    joined = AuditEvent.objects.get(customer_id=robin.pk, detail__contains="joined this record")
    assert joined.user == portal.hub_adviser
    assert joined.detail.startswith("phone submission")


def test_an_unverified_informant_gets_new_records_queued_for_the_steward(portal):
    old = person(portal.county, "Robin", "Relative", address=None, email="robin@example.org")
    made = bundle(portal)
    customers = {i.request.customer for i in made.items.select_related("request__customer")}
    assert old not in customers and len(customers) == 3
    pairs = CandidatePair.objects.all()
    assert {p.source for p in pairs} == {"front_door"}
    assert {p.left_id for p in pairs} == {old.pk}  # each new record beside the old one
    assert {p.right_id for p in pairs} == {c.pk for c in customers}
    assert old.consents.count() == 0  # never merged or changed


def test_a_death_marks_every_record_of_the_person_and_queues_weaker_ones(portal):
    born = dt.date(1940, 5, 1)
    south = person(portal.south, born=born)
    county = person(portal.county, address={**HOME, "postcode": "WX1 2AB"})  # moved, no DOB
    CustomerLink.objects.create(from_customer=south, to_customer=county)
    weak = person(portal.police)  # the name and the address, but no date of birth to compare
    other_pat = person(portal.north, born=dt.date(1975, 1, 1))  # same name, another person
    sam = person(portal.south, "Sam", born=born)  # same house and birthday, another name
    bundle(portal)
    for record in (south, county):
        record.refresh_from_db()
        assert record.deceased and record.date_of_death == dt.date(2026, 11, 1)
        changes = CustomerChange.objects.filter(customer=record)
        assert {c.field for c in changes} == {"deceased", "date_of_death"}
        assert all(c.changed_by_name.startswith("Tell us once ") for c in changes)
        assert AuditEvent.objects.filter(
            customer_id=record.pk, detail__startswith="marked deceased"
        ).exists()
    for record in (weak, other_pat, sam):
        record.refresh_from_db()
        assert not record.deceased
    pair = CandidatePair.objects.get(source="front_door", right=weak)
    assert pair.left_id == south.pk and pair.status == "pending"
    assert not CandidatePair.objects.filter(right__in=[other_pat, sam]).exists()


def test_without_a_date_of_birth_nobody_is_marked_but_the_matches_are_noted(portal):
    pat = person(portal.south, born=dt.date(1940, 5, 1))
    answers = {k: v for k, v in ANSWERS.items() if k != "deceased_date_of_birth"}
    bundle(portal, answers=answers)
    pat.refresh_from_db()
    assert not pat.deceased
    assert AuditEvent.objects.filter(customer_id=pat.pk, detail__contains="for review").exists()


def test_nobody_writes_to_a_deceased_customer(portal):
    request = bundle(portal, answers={**ANSWERS, "deceased_name": "Nobody Known"}).items.first()
    request = request.request
    pat = person(portal.south, address=None, email="pat@example.org")
    ServiceRequest.objects.filter(pk=request.pk).update(customer=pat)
    request.refresh_from_db()
    Notification.objects.all().delete()
    assert len(notify_customer_of_request(request, subject="S", body="B")) == 1
    Customer.objects.filter(pk=pat.pk).update(deceased=True)
    request.refresh_from_db()
    assert notify_customer_of_request(request, subject="S", body="B") == []
    assert Notification.objects.count() == 1


def test_a_deceased_customer_is_not_asked_for_a_survey(portal):
    from firstcontact.insight.sampling import _consents_to_surveys

    pat = create_customer(
        user=None,
        partner=portal.south,
        given_name="Pat",
        family_name="Example",
        emails=["pat@example.org"],
        consents=["surveys"],
    )
    assert _consents_to_surveys(pat)
    Customer.objects.filter(pk=pat.pk).update(deceased=True)
    pat.refresh_from_db()
    assert not _consents_to_surveys(pat)
