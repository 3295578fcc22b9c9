"""Consents per partner, purpose and data category, with their wording, channel and who took
them; a withdrawal takes effect at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from tests.desk.conftest import raise_pothole

from firstcontact.customers.selectors import search_customers, visible_customers
from firstcontact.customers.services import create_customer, record_consent, withdraw_consent
from firstcontact.privacy.models import DataSharingAgreement
from firstcontact.servicerequests.selectors import visible_requests


@pytest.fixture
def harriet(partnership):
    DataSharingAgreement.objects.create(
        provider=partnership.county,
        recipient=partnership.police,
        purpose="Safeguarding",
        categories=["identity", "service_requests"],
        starts=dt.date(2020, 1, 1),
    )
    return create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        emails=["harriet@example.org"],
    )


def test_a_consent_keeps_its_wording_channel_and_who_took_it(partnership, harriet):
    consent = record_consent(
        user=partnership.highways_officer,
        customer=harriet,
        purpose="share_with_partners",
        recipient=partnership.police,
        data_category="identity",
        channel="phone",
    )
    assert consent.recorded_by == partnership.highways_officer
    assert consent.channel == "phone"
    assert consent.wording == (
        "Do you agree that Wessex County Council may share your identity and contact details "
        "with Wessex Police, so that Wessex Police can help you? You can change your mind at "
        "any time."
    )


def test_a_consent_for_one_data_category_shares_that_alone(partnership, harriet):
    raise_pothole(partnership, customer=harriet)
    police = partnership.police_officer
    record_consent(
        user=partnership.highways_officer,
        customer=harriet,
        purpose="share_with_partners",
        recipient=partnership.police,
        data_category="identity",
        channel="phone",
    )
    assert visible_customers(police).filter(pk=harriet.pk).exists()
    assert not visible_requests(police).filter(customer=harriet).exists()
    record_consent(
        user=partnership.highways_officer,
        customer=harriet,
        purpose="share_with_partners",
        recipient=partnership.police,
        data_category="service_requests",
        channel="phone",
    )
    assert visible_requests(police).filter(customer=harriet).exists()


def test_withdrawing_takes_effect_at_once_in_search(partnership, harriet):
    consent = record_consent(
        user=partnership.highways_officer,
        customer=harriet,
        purpose="share_with_partners",
        recipient=partnership.police,
        channel="face_to_face",
    )
    police = partnership.police_officer
    assert [m.customer for m in search_customers(police, "harriet@example.org")] == [harriet]
    withdraw_consent(user=partnership.highways_officer, consent=consent)
    consent.refresh_from_db()
    assert consent.withdrawn_by == partnership.highways_officer
    assert search_customers(police, "harriet@example.org") == []
    assert not visible_customers(police).filter(pk=harriet.pk).exists()


def test_the_desk_refuses_the_same_consent_twice_and_bad_choices(partnership, harriet):
    officer = partnership.highways_officer
    record_consent(user=officer, customer=harriet, purpose="surveys", channel="phone")
    with pytest.raises(ValidationError) as caught:
        record_consent(
            user=officer, customer=harriet, purpose="surveys", channel="phone", refuse_repeat=True
        )
    assert "already given" in str(caught.value)
    with pytest.raises(ValidationError):
        record_consent(user=officer, customer=harriet, purpose="surveys", data_category="identity")
    with pytest.raises(ValidationError):
        record_consent(user=officer, customer=harriet, purpose="surveys", channel="pigeon")
