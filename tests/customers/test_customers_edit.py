"""Editing a customer's record: who may, what is kept in the history, and the second of two
people saving at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from firstcontact.customers.models import CustomerChange
from firstcontact.customers.services import (
    EditConflict,
    create_customer,
    record_consent,
    update_customer,
)
from firstcontact.privacy.models import AuditEvent, DataSharingAgreement


@pytest.fixture
def harriet(partnership):
    return create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        phones=["0113 496 0456"],
        emails=["harriet@example.org"],
        addresses=[{"line1": "4 Mill Lane", "town": "Northby", "postcode": "WX2 1AA"}],
    )


def test_a_change_is_kept_with_who_when_before_and_after(partnership, harriet):
    officer = partnership.highways_officer
    changes = update_customer(
        user=officer,
        customer=harriet,
        version=1,
        data={"family_name": "Ambleside-Knott", "phones": ["07700 900 982"]},
    )
    assert {c.field for c in changes} == {"family_name", "phones"}
    harriet.refresh_from_db()
    assert harriet.family_name == "Ambleside-Knott"
    assert harriet.version == 2
    assert list(harriet.phones.values_list("number", flat=True)) == ["+447700900982"]
    name = CustomerChange.objects.get(customer=harriet, field="family_name")
    assert (name.old_value, name.new_value) == ("Ambleside", "Ambleside-Knott")
    assert name.changed_by == officer and name.changed_by_name == "highways-officer"
    phones = CustomerChange.objects.get(customer=harriet, field="phones")
    assert (phones.old_value, phones.new_value) == ("0113 496 0456", "07700 900982")
    audit = AuditEvent.objects.get(action="update", object_type="customer")
    assert audit.customer_id == harriet.pk and "family_name" in audit.detail
    assert "Knott" not in audit.detail  # the trail names fields, the history keeps values


def test_a_new_address_keeps_the_old_one_as_previous(partnership, harriet):
    update_customer(
        user=partnership.highways_officer,
        customer=harriet,
        version=1,
        data={"address": {"line1": "9 Quay Street", "postcode": "wx3 2bb", "uprn": "0100023"}},
    )
    current = harriet.addresses.get(is_current=True)
    assert (current.line1, current.postcode, current.uprn) == ("9 Quay Street", "WX3 2BB", "100023")
    assert harriet.addresses.get(is_current=False).line1 == "4 Mill Lane"
    change = CustomerChange.objects.get(customer=harriet, field="address")
    assert change.old_value == "4 Mill Lane, Northby, WX2 1AA"
    assert change.new_value == "9 Quay Street, WX3 2BB (UPRN 100023)"


def test_saving_nothing_new_keeps_no_history(partnership, harriet):
    assert (
        update_customer(
            user=partnership.highways_officer,
            customer=harriet,
            version=1,
            data={"given_name": " Harriet ", "emails": ["harriet@EXAMPLE.org"]},
        )
        == []
    )
    harriet.refresh_from_db()
    assert harriet.version == 1


def test_the_second_saver_is_told_what_changed(partnership, harriet):
    update_customer(
        user=partnership.hub_adviser,
        customer=harriet,
        version=1,
        data={"accessibility_needs": "Large print"},
    )
    with pytest.raises(EditConflict) as caught:
        update_customer(
            user=partnership.highways_officer,
            customer=harriet,
            version=1,  # what they saw when they opened it
            data={"accessibility_needs": "Hearing loop"},
        )
    missed = caught.value.missed
    assert [(c.field, c.old_value, c.new_value) for c in missed] == [
        ("accessibility_needs", "", "Large print")
    ]
    assert missed[0].changed_by_name == "hub-adviser"
    harriet.refresh_from_db()
    assert harriet.accessibility_needs == "Large print"  # no silent overwrite
    # Saving again, knowingly, against the version they were shown.
    update_customer(
        user=partnership.highways_officer,
        customer=harriet,
        version=caught.value.current.version,
        data={"accessibility_needs": "Hearing loop"},
    )
    harriet.refresh_from_db()
    assert harriet.accessibility_needs == "Hearing loop"


def test_bad_input_gets_field_errors(partnership, harriet):
    with pytest.raises(ValidationError) as caught:
        update_customer(
            user=partnership.highways_officer,
            customer=harriet,
            version=1,
            data={
                "family_name": "",
                "phones": ["0113 496 0456", "12"],
                "emails": ["not-an-email"],
                "date_of_birth": dt.date.today() + dt.timedelta(days=1),
                "preferred_language": "English please",
                "address": {"line1": "", "postcode": "XX"},
            },
        )
    errors = caught.value.message_dict
    assert set(errors) == {
        "family_name",
        "phones[1]",
        "emails[0]",
        "date_of_birth",
        "preferred_language",
        "address.line1",
        "address.postcode",
    }
    harriet.refresh_from_db()
    assert harriet.family_name == "Ambleside" and harriet.version == 1


def test_tell_us_once_flags(partnership, harriet):
    update_customer(
        user=partnership.highways_officer,
        customer=harriet,
        version=1,
        data={"deceased": True, "date_of_death": dt.date(2026, 11, 30), "moved_away": False},
    )
    harriet.refresh_from_db()
    assert harriet.deceased and harriet.date_of_death == dt.date(2026, 11, 30)
    values = dict(CustomerChange.objects.filter(customer=harriet).values_list("field", "new_value"))
    assert values == {"deceased": "Yes", "date_of_death": "30 November 2026"}


def test_who_may_edit(partnership, harriet):
    # The hub acts for the county as adviser: it may. A partnership administrator may not;
    # a partner that reads the record by sharing may read, not change.
    update_customer(
        user=partnership.hub_adviser,
        customer=harriet,
        version=1,
        data={"title": "Ms"},
    )
    DataSharingAgreement.objects.create(
        provider=partnership.county,
        recipient=partnership.police,
        purpose="Safeguarding",
        categories=["identity"],
        starts=dt.date(2020, 1, 1),
    )
    record_consent(
        user=None,
        customer=harriet,
        purpose="share_with_partners",
        recipient=partnership.police,
    )
    for user in (partnership.police_officer, partnership.admin, partnership.south_caseworker):
        with pytest.raises(PermissionDenied):
            update_customer(user=user, customer=harriet, version=2, data={"title": "Dr"})
    harriet.refresh_from_db()
    assert harriet.title == "Ms"


def test_anonymising_the_record_removes_its_history_of_old_values(partnership, harriet):
    from firstcontact.retention.services import anonymise_customer

    update_customer(
        user=partnership.highways_officer,
        customer=harriet,
        version=1,
        data={"family_name": "Ambleside-Knott"},
    )
    anonymise_customer(harriet, reason="erasure request")
    assert not CustomerChange.objects.filter(customer=harriet).exists()
