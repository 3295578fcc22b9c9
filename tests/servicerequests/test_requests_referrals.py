"""Referring a request to another partner: a customer's details go only with their consent,
the consent used is recorded, and the partner referred to can then see it and answer the
referral (it does not work the request itself)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from firstcontact.customers.services import create_customer, record_consent, withdraw_consent
from firstcontact.partners.geography import Location
from firstcontact.servicerequests.models import Referral, RequestUpdate, Status, UpdateKind
from firstcontact.servicerequests.selectors import visible_requests
from firstcontact.servicerequests.services import change_status, raise_request, refer_request

IN_NORTH = Location(latitude=51.5, longitude=-1.5)


def customer(p, *, consents=(), share_with=(), name="Brown"):
    return create_customer(
        user=p.hub_adviser,
        partner=p.county,
        given_name="Sam",
        family_name=name,
        phones=["0113 496 0456"],
        consents=consents,
        share_with=share_with,
    )


def pothole(p, customer=None):
    return raise_request(
        user=p.hub_adviser,
        service=p.pothole,
        channel="phone",
        location=IN_NORTH,
        attributes={"depth": "shallow"},
        customer=customer,
    )


def refer_to_police(p, request, **kw):
    return refer_request(
        user=p.highways_officer,
        request=request,
        to_partner=p.police,
        reason=kw.pop("reason", "Youths damaging the road at night"),
        **kw,
    )


def police_can_see(p, request) -> bool:
    return visible_requests(p.police_officer).filter(pk=request.pk).exists()


def test_referral_without_the_customers_consent_is_refused(partnership):
    p = partnership
    request = pothole(p, customer(p))
    with pytest.raises(ValidationError) as excinfo:
        refer_to_police(p, request)
    assert list(excinfo.value.message_dict) == ["consent"]
    assert "Wessex Police" in excinfo.value.message_dict["consent"][0]
    assert not Referral.objects.exists()
    assert not police_can_see(p, request)
    request.refresh_from_db()
    assert request.version == 1


def test_referral_records_the_consent_and_the_police_can_then_see_it(partnership):
    p = partnership
    person = customer(p, share_with=[p.police])
    consent = person.consents.get()
    assert consent.recipient == p.police
    request = pothole(p, person)
    assert not police_can_see(p, request)

    referral = refer_to_police(p, request, to_team=p.asb_team)
    referral.refresh_from_db()
    assert referral.consent == consent
    assert (referral.from_partner, referral.to_partner, referral.to_team) == (
        p.county,
        p.police,
        p.asb_team,
    )
    assert referral.created_by == p.highways_officer
    assert police_can_see(p, request)
    assert not visible_requests(p.south_caseworker).filter(pk=request.pk).exists()
    update = request.updates.get(kind=UpdateKind.REFERRAL)
    assert update.public and "Wessex Police" in update.text
    request.refresh_from_db()
    assert request.version == 2
    # Still the county's request: the police answer the referral, they do not work the
    # request itself (docs/access.md).
    assert request.responsible_partner == p.county
    with pytest.raises(PermissionDenied):
        change_status(user=p.police_officer, request=request, status=Status.IN_PROGRESS)


def test_consent_for_a_named_partner_covers_only_that_partner(partnership):
    p = partnership
    person = customer(p)
    for_south = record_consent(
        user=p.hub_adviser, customer=person, purpose="share_with_partners", recipient=p.south
    )
    request = pothole(p, person)
    with pytest.raises(ValidationError):
        refer_to_police(p, request)
    with pytest.raises(ValidationError):
        refer_to_police(p, request, consent=for_south)
    assert not Referral.objects.exists()

    for_police = record_consent(
        user=p.hub_adviser, customer=person, purpose="share_with_partners", recipient=p.police
    )
    assert refer_to_police(p, request).consent == for_police


def test_withdrawn_or_other_purpose_consent_does_not_count(partnership):
    p = partnership
    person = customer(p, consents=["email_updates"], share_with=[p.police])
    withdraw_consent(user=p.hub_adviser, consent=person.consents.get(purpose="share_with_partners"))
    request = pothole(p, person)
    with pytest.raises(ValidationError) as excinfo:
        refer_to_police(p, request, consent=person.consents.get(purpose="email_updates"))
    assert list(excinfo.value.message_dict) == ["consent"]
    assert not Referral.objects.exists()


def test_someone_elses_consent_cannot_be_used(partnership):
    p = partnership
    other = customer(p, share_with=[p.police], name="Other")
    request = pothole(p, customer(p))
    with pytest.raises(ValidationError):
        refer_to_police(p, request, consent=other.consents.get())
    assert not Referral.objects.exists()


def test_anonymous_report_needs_no_consent(partnership):
    p = partnership
    request = pothole(p)
    referral = refer_to_police(p, request)
    assert referral.consent is None
    assert police_can_see(p, request)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"reason": "   "}, "reason"),
        ({"to_team": "south_waste"}, "to_team"),
        ({"to_partner": "county"}, "to_partner"),
    ],
)
def test_referral_input_is_checked(partnership, kw, field):
    p = partnership
    request = pothole(p)
    if "to_team" in kw:
        kw["to_team"] = getattr(p, kw["to_team"])
    to_partner = getattr(p, kw.pop("to_partner", "police"))
    before = RequestUpdate.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        refer_request(
            user=p.highways_officer,
            request=request,
            to_partner=to_partner,
            reason=kw.pop("reason", "Needs a joint visit"),
            **kw,
        )
    assert list(excinfo.value.message_dict) == [field]
    assert not Referral.objects.exists()
    assert RequestUpdate.objects.count() == before


def test_closed_request_cannot_be_referred(partnership):
    p = partnership
    request = pothole(p)
    change_status(user=p.highways_officer, request=request, status=Status.CLOSED, outcome="fixed")
    with pytest.raises(ValidationError):
        refer_to_police(p, request)
    assert not Referral.objects.exists()
