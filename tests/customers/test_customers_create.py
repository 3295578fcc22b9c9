import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from firstcontact.customers.models import Customer, CustomerPhone
from firstcontact.customers.services import create_customer
from firstcontact.privacy.models import AuditEvent


def test_creates_customer_with_cleaned_contact_points(partnership):
    customer = create_customer(
        user=partnership.hub_adviser,
        partner=partnership.north,
        given_name="Siân",
        family_name="O'Brien",
        date_of_birth=dt.date(1950, 4, 2),
        phones=["0113 496 0123"],
        emails=["Sian@EXAMPLE.org"],
        addresses=[
            {
                "line1": "1 High Street",
                "town": "Northam",
                "postcode": "wx1 2ab",
                "uprn": "000100023",
            }
        ],
        share_with=[partnership.county, partnership.police],
    )
    customer.refresh_from_db()
    assert customer.search_name == "sian obrien"
    assert [p.number for p in customer.phones.all()] == ["+441134960123"]
    assert [e.address for e in customer.emails.all()] == ["Sian@example.org"]
    address = customer.addresses.get()
    assert (address.postcode, address.uprn) == ("WX1 2AB", "100023")
    # One consent to sharing per partner named, each naming it.
    assert sorted(
        (c.purpose, c.recipient.slug) for c in customer.consents.select_related("recipient")
    ) == [("share_with_partners", "police"), ("share_with_partners", "wessex")]
    assert AuditEvent.objects.filter(action="create", customer_id=customer.pk).exists()


def test_a_consent_to_sharing_must_name_its_partners(partnership):
    with pytest.raises(ValidationError) as excinfo:
        create_customer(
            user=partnership.hub_adviser,
            partner=partnership.north,
            family_name="Nobody",
            phones=["0113 496 0123"],
            consents=["share_with_partners"],
        )
    assert list(excinfo.value.message_dict) == ["consents"]
    assert not Customer.objects.exists()


def test_customer_without_any_contact_point_is_refused(partnership):
    with pytest.raises(ValidationError) as excinfo:
        create_customer(
            user=partnership.hub_adviser,
            partner=partnership.north,
            given_name="No",
            family_name="Contact",
        )
    assert "contact_points" in excinfo.value.message_dict
    assert not Customer.objects.exists()


def test_bad_fields_are_each_named_and_nothing_is_saved(partnership):
    with pytest.raises(ValidationError) as excinfo:
        create_customer(
            user=partnership.hub_adviser,
            partner=partnership.north,
            given_name="Ann",
            family_name="",
            date_of_birth=dt.date(2999, 1, 1),
            phones=["0113 496 0123", "12"],
            emails=["not-an-email"],
            addresses=[{"line1": "", "postcode": "ZZZ"}],
        )
    errors = excinfo.value.message_dict
    assert set(errors) == {
        "family_name",
        "date_of_birth",
        "phones[1]",
        "emails[0]",
        "addresses[0].line1",
        "addresses[0].postcode",
    }
    assert not Customer.objects.exists()
    assert not CustomerPhone.objects.exists()


def test_staff_cannot_create_records_for_a_partner_they_do_not_act_for(partnership):
    # The hub acts for the county, but not for the police.
    with pytest.raises(PermissionDenied):
        create_customer(
            user=partnership.hub_adviser,
            partner=partnership.police,
            family_name="Smith",
            emails=["a@example.org"],
        )
    create_customer(
        user=partnership.hub_adviser,
        partner=partnership.county,
        family_name="Smith",
        emails=["a@example.org"],
    )
