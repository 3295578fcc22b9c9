"""Merging two records of one person keeps everything, and undoing it puts both back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from tests.conftest import make_user

from firstcontact.contacts.models import Callback, Contact
from firstcontact.customers import merging
from firstcontact.customers.merging import MergeRefused, merge_customers, unmerge
from firstcontact.customers.models import (
    Consent,
    ConsentPurpose,
    Customer,
    CustomerAddress,
    CustomerEmail,
    CustomerLink,
    CustomerMerge,
    CustomerPhone,
)
from firstcontact.customers.selectors import search_customers, visible_customers
from firstcontact.customers.services import create_customer
from firstcontact.partners.models import Role
from firstcontact.privacy.models import AuditEvent, DataSharingAgreement
from firstcontact.privacy.selectors import linked_customer_ids
from firstcontact.servicerequests.models import Referral, ServiceRequest
from firstcontact.servicerequests.services import new_reference


def person(partner, *, email="harriet@example.org", phone="0113 496 0456", line1="4 Mill Lane"):
    return create_customer(
        user=None,
        partner=partner,
        given_name="Harriet",
        family_name="Ambleside",
        phones=[phone],
        emails=[email],
        addresses=[{"line1": line1, "town": "Northby", "postcode": "WX2 1AA"}],
    )


def give_history(p, customer, *, contacts=1, requests=1):
    now = timezone.now()
    for _ in range(contacts):
        Contact.objects.create(
            channel="phone", partner=customer.partner, customer=customer, started_at=now
        )
    for _ in range(requests):
        sr = ServiceRequest.objects.create(
            reference=new_reference(),
            service=p.pothole,
            channel="phone",
            responsible_partner=p.county,
            team=p.highways,
            customer=customer,
        )
        Referral.objects.create(
            request=sr, from_partner=p.county, to_partner=p.police, reason="Joint visit"
        )
    Consent.objects.create(customer=customer, purpose=ConsentPurpose.SURVEYS, given_at=now)
    Callback.objects.create(
        partner=customer.partner,
        customer=customer,
        phone="+441134960456",
        reason="Ring back",
        window_start=now,
        window_end=now + dt.timedelta(hours=1),
    )


def counts(*customers) -> dict[str, int]:
    ids = [c.pk for c in customers]
    return {
        "contacts": Contact.objects.filter(customer_id__in=ids).count(),
        "requests": ServiceRequest.objects.filter(customer_id__in=ids).count(),
        "referrals": Referral.objects.filter(request__customer_id__in=ids).count(),
        "consents": Consent.objects.filter(customer_id__in=ids).count(),
        "callbacks": Callback.objects.filter(customer_id__in=ids).count(),
    }


@pytest.fixture
def steward(partnership):
    return make_user("county-steward", partnership.county, Role.DATA_STEWARD)


def test_every_foreign_key_to_a_customer_has_a_merge_policy():
    """A new model pointing at Customer must say what a merge does with it."""
    assert merging.unhandled_foreign_keys() == []
    keys = {key for key, _, _ in merging.customer_foreign_keys()}
    assert "contacts.Contact.customer" in keys and "inbox.Conversation.customer" in keys
    assert set(merging.POLICY) >= keys


def test_a_model_the_policy_forgot_makes_the_merge_refuse(partnership, steward, monkeypatch):
    keep, gone = person(partnership.county), person(partnership.county)
    forgotten = dict(merging.POLICY)
    del forgotten["contacts.Contact.customer"]
    monkeypatch.setattr(merging, "POLICY", forgotten)
    with pytest.raises(MergeRefused, match="contacts.Contact.customer"):
        merge_customers(keep, gone, by=steward)
    assert not CustomerMerge.objects.exists()


def test_merge_keeps_every_count_and_unmerge_restores_both(partnership, steward):
    p = partnership
    keep, gone = person(p.county), person(p.county, email="h.ambleside@example.org")
    give_history(p, keep, contacts=2, requests=1)
    give_history(p, gone, contacts=3, requests=2)
    before_keep, before_gone = counts(keep), counts(gone)
    together = counts(keep, gone)

    merge = merge_customers(keep, gone, by=steward)

    assert counts(keep) == together
    assert counts(gone) == {k: 0 for k in together}
    gone.refresh_from_db()
    assert gone.merged_into == keep and gone.merged_at is not None
    # The same phone and address once; both email addresses.
    assert CustomerPhone.objects.filter(customer=keep).count() == 1
    assert CustomerAddress.objects.filter(customer=keep).count() == 1
    assert set(CustomerEmail.objects.filter(customer=keep).values_list("address", flat=True)) == {
        "harriet@example.org",
        "h.ambleside@example.org",
    }
    assert merge.moved["contacts.Contact.customer"] and merge.merged_by == steward
    assert merge.former["family_name"] == "Ambleside"
    assert AuditEvent.objects.filter(customer_id=keep.pk, detail__contains="merged").exists()

    unmerge(merge, by=steward)

    assert counts(keep) == before_keep and counts(gone) == before_gone
    gone.refresh_from_db()
    assert gone.merged_into is None and gone.merged_at is None
    assert CustomerPhone.objects.filter(customer=gone).count() == 1
    assert CustomerAddress.objects.filter(customer=gone, is_current=True).count() == 1
    assert list(CustomerEmail.objects.filter(customer=gone).values_list("address", flat=True)) == [
        "h.ambleside@example.org"
    ]
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == steward


def test_the_merged_record_leaves_search_and_its_page_sends_staff_to_the_survivor(
    client, partnership, steward
):
    p = partnership
    keep, gone = person(p.county), person(p.county)
    merge_customers(keep, gone, by=steward)
    officer = p.highways_officer
    assert list(visible_customers(officer).filter(family_name="Ambleside")) == [keep]
    assert [m.customer for m in search_customers(officer, "harriet@example.org")] == [keep]
    client.force_login(officer)
    response = client.get(reverse("desk:customer", args=[gone.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:customer", args=[keep.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Merged into this record" in page and f"Record {gone.pk} (Wessex County Council)" in page
    # Someone who may not read the survivor gets the usual 404.
    client.force_login(p.police_officer)
    assert client.get(reverse("desk:customer", args=[gone.pk])).status_code == 404


def test_the_survivors_audit_trail_and_export_include_the_merged_records(partnership, steward):
    keep, gone = person(partnership.county), person(partnership.county)
    merge = merge_customers(keep, gone, by=steward)
    assert linked_customer_ids({keep.pk}) == {keep.pk, gone.pk}
    unmerge(merge, by=steward)
    assert linked_customer_ids({keep.pk}) == {keep.pk}


def test_links_to_other_partners_move_and_a_link_between_the_two_is_dropped(partnership, steward):
    p = partnership
    keep, gone, theirs = person(p.county), person(p.county), person(p.police)
    between = CustomerLink.objects.create(from_customer=gone, to_customer=keep)
    other = CustomerLink.objects.create(from_customer=theirs, to_customer=gone)
    merge = merge_customers(keep, gone, by=steward)
    assert not CustomerLink.objects.filter(pk=between.pk).exists()
    assert CustomerLink.objects.get(pk=other.pk).to_customer == keep
    unmerge(merge, by=steward)
    assert CustomerLink.objects.get(pk=between.pk).from_customer == gone
    assert CustomerLink.objects.get(pk=other.pk).to_customer == gone


def test_unmerge_is_refused_after_thirty_days(partnership, steward):
    keep, gone = person(partnership.county), person(partnership.county)
    merge = merge_customers(keep, gone, by=steward)
    CustomerMerge.objects.filter(pk=merge.pk).update(
        merged_at=timezone.now() - dt.timedelta(days=31)
    )
    merge.refresh_from_db()
    with pytest.raises(MergeRefused, match="more than 30 days ago"):
        unmerge(merge, by=steward)
    gone.refresh_from_db()
    assert gone.merged_into == keep


def test_a_record_merged_already_is_not_merged_again(partnership, steward):
    keep, gone = person(partnership.county), person(partnership.county)
    merge_customers(keep, gone, by=steward)
    # The second steward's page was loaded before the first merge: the lock and a fresh read
    # refuse it, either way round.
    with pytest.raises(MergeRefused, match="already been merged"):
        merge_customers(keep, gone, by=steward)
    with pytest.raises(MergeRefused, match="already been merged"):
        merge_customers(gone, keep, by=steward)
    assert CustomerMerge.objects.count() == 1


def test_across_partners_a_merge_needs_an_identity_sharing_agreement(partnership, steward):
    p = partnership
    keep, theirs = person(p.county), person(p.police)
    with pytest.raises(MergeRefused, match="no data-sharing agreement in force lets Wessex Police"):
        merge_customers(keep, theirs, by=steward)
    # One the wrong way round, or not for identity data, does not do.
    DataSharingAgreement.objects.create(
        provider=p.county,
        recipient=p.police,
        categories=["identity"],
        purpose="Safeguarding",
        starts=dt.date(2020, 1, 1),
    )
    DataSharingAgreement.objects.create(
        provider=p.police,
        recipient=p.county,
        categories=["contacts"],
        purpose="Joint visits",
        starts=dt.date(2020, 1, 1),
    )
    with pytest.raises(MergeRefused, match="identity data"):
        merge_customers(keep, theirs, by=steward)
    DataSharingAgreement.objects.create(
        provider=p.police,
        recipient=p.county,
        categories=["identity"],
        purpose="One record of each resident",
        starts=dt.date(2020, 1, 1),
    )
    merge = merge_customers(keep, theirs, by=steward)
    assert merge.cross_partner


@pytest.mark.django_db(transaction=True)
@override_settings(DEBUG=False)
def test_two_stewards_merging_one_pair_at_once_end_with_one_merge(partnership):
    """On PostgreSQL, two threads at once: the row locks make the second wait, then refuse."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; the refusal is tested above")
    import threading

    p = partnership
    steward_a = make_user("steward-a", p.county, Role.DATA_STEWARD)
    steward_b = make_user("steward-b", p.county, Role.DATA_STEWARD)
    keep, gone = person(p.county), person(p.county)
    give_history(p, gone, contacts=2, requests=1)
    together = counts(keep, gone)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def go(user, survivor, merged):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            merge_customers(survivor, merged, by=user)
            outcomes.append("merged")
        except MergeRefused:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=go, args=(steward_a, keep, gone)),
        threading.Thread(target=go, args=(steward_b, gone, keep)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["merged", "refused"]
    assert CustomerMerge.objects.count() == 1
    survivor = Customer.objects.get(merged_into__isnull=True, family_name="Ambleside")
    assert counts(survivor) == together


def test_policy_names_only_real_foreign_keys():
    keys = {key for key, _, _ in merging.customer_foreign_keys()}
    assert set(merging.POLICY) - keys == set()
    assert all(
        isinstance(field, models.ForeignKey) for _, _, field in merging.customer_foreign_keys()
    )


def test_anonymising_the_survivor_anonymises_its_merged_records_and_merge_details(
    partnership, steward
):
    from firstcontact.retention.services import anonymise_customer

    keep, gone = person(partnership.county), person(partnership.county, email="h@example.org")
    merge = merge_customers(keep, gone, by=steward)
    assert merge.dropped  # the same phone and address were dropped as duplicates
    anonymise_customer(keep, reason="Erasure request 1")
    merge.refresh_from_db()
    gone.refresh_from_db()
    assert merge.former == {} and merge.dropped == []
    assert gone.given_name == "" and not gone.emails.exists()
    with pytest.raises(MergeRefused, match="anonymised"):
        unmerge(merge, by=steward)


def test_the_subject_access_export_of_the_survivor_holds_the_merged_records_audit(
    partnership, steward
):
    from firstcontact.privacy.sar import SubjectAccessExport
    from firstcontact.privacy.services import record_audit_event

    keep, gone = person(partnership.county), person(partnership.county)
    record_audit_event(
        user=steward, action="view", object_type="customer", object_id=gone.pk, customer_id=gone.pk
    )

    def exported() -> dict[str, int]:
        return SubjectAccessExport(
            partner_ids=[partnership.county.pk], customer_ids=[keep.pk]
        ).counts()

    assert exported()["customer_records"] == 1
    merge_customers(keep, gone, by=steward)
    after = exported()
    # Both records, and every audit row of either (the merged record's view among them).
    assert after["customer_records"] == 2
    both = AuditEvent.objects.filter(customer_id__in=[keep.pk, gone.pk]).count()
    assert after["record_access"] == both
    assert AuditEvent.objects.filter(customer_id=gone.pk, action="view").exists()


def test_a_pair_decided_meanwhile_is_not_merged(partnership, steward):
    from firstcontact.linkage.models import CandidatePair

    keep, gone = person(partnership.county), person(partnership.county)
    pair = CandidatePair.objects.create(
        left=keep, right=gone, weight=20, probability=0.99, source="batch", status="not_same"
    )
    with pytest.raises(MergeRefused, match="decided by someone else"):
        merge_customers(keep, gone, by=steward, pair=pair)
    assert not CustomerMerge.objects.exists()
