"""The data steward's pages: the queue, comparing a pair, deciding, and undoing a merge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from firstcontact.customers.models import (
    Consent,
    ConsentPurpose,
    Customer,
    CustomerLink,
    CustomerMerge,
)
from firstcontact.customers.services import create_customer
from firstcontact.linkage.models import CandidatePair, PairSource, PairStatus
from firstcontact.partners.models import Role
from firstcontact.privacy.models import AuditEvent, DataSharingAgreement
from tests.conftest import make_user


def person(partner, given="Harriet", email="harriet@example.org"):
    return create_customer(
        user=None,
        partner=partner,
        given_name=given,
        family_name="Ambleside",
        phones=["0113 496 0456"],
        emails=[email],
        addresses=[{"line1": "4 Mill Lane", "town": "Northby", "postcode": "WX2 1AA"}],
    )


def pair_of(a: Customer, b: Customer, weight=18.5, source=PairSource.BATCH) -> CandidatePair:
    left, right = sorted([a, b], key=lambda c: c.pk)
    return CandidatePair.objects.create(
        left=left,
        right=right,
        weight=weight,
        probability=0.99,
        comparison={"given_name": "typo", "family_name": "exact", "email": "different"},
        cross_partner=a.partner_id != b.partner_id,
        source=source,
    )


@pytest.fixture
def world(partnership):
    p = partnership
    p.steward = make_user("county-steward", p.county, Role.DATA_STEWARD)
    p.harriet, p.harriet2 = person(p.county), person(p.county, "Hariet", "h.a@example.org")
    p.ours = pair_of(p.harriet, p.harriet2)
    p.police_a, p.police_b = person(p.police, "Jo"), person(p.police, "Joe")
    p.theirs = pair_of(p.police_a, p.police_b, weight=30)
    return p


def test_only_data_stewards_open_the_pages(client, world):
    assert client.get(reverse("steward:queue")).status_code == 302  # to sign in
    client.force_login(world.highways_officer)
    for url in [
        reverse("steward:queue"),
        reverse("steward:pair", args=[world.ours.pk]),
        reverse("steward:merges"),
    ]:
        assert client.get(url).status_code == 403


def test_the_queue_shows_the_stewards_partners_pairs_strongest_first(client, world):
    weaker = pair_of(person(world.county, "Harry"), world.harriet, weight=9.0)
    client.force_login(world.steward)
    response = client.get(reverse("steward:queue"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 pairs waiting for review" in body
    assert body.index(f"pair {world.ours.pk}<") < body.index(f"pair {weaker.pk}<")
    assert "Jo Ambleside" not in body  # the police's pair
    assert AuditEvent.objects.filter(detail__startswith="duplicate review queue").exists()
    # Filters: found at the front door, or across partners, finds none of these.
    response = client.get(reverse("steward:queue"), {"source": "front_door"})
    assert "0 pairs waiting for review" in response.content.decode()
    response = client.get(reverse("steward:queue"), {"cross": "yes"})
    assert "0 pairs waiting for review" in response.content.decode()
    # A bad filter is ignored, never an error.
    assert client.get(reverse("steward:queue"), {"cross": "maybe", "page": "x"}).status_code == 200


def test_a_pair_outside_the_stewards_scope_is_404(client, world):
    client.force_login(world.steward)
    assert client.get(reverse("steward:pair", args=[world.theirs.pk])).status_code == 404
    response = client.post(
        reverse("steward:decide", args=[world.theirs.pk]), {"decision": "not_same"}
    )
    assert response.status_code == 404
    assert CandidatePair.objects.get(pk=world.theirs.pk).status == PairStatus.PENDING


def test_the_pair_page_compares_field_by_field_and_is_audited(client, world):
    client.force_login(world.steward)
    response = client.get(reverse("steward:pair", args=[world.ours.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Harriet" in body and "Hariet" in body
    assert "Nearly the same" in body and "harriet@example.org" in body
    assert "h.a@example.org" in body and "Contacts you may see" in body
    viewed = set(
        AuditEvent.objects.filter(action="view", detail="duplicate review").values_list(
            "customer_id", flat=True
        )
    )
    assert viewed == {world.harriet.pk, world.harriet2.pk}


def test_not_the_same_person_is_remembered(client, world):
    client.force_login(world.steward)
    response = client.post(
        reverse("steward:decide", args=[world.ours.pk]), {"decision": "not_same"}
    )
    assert response.status_code == 302
    pair = CandidatePair.objects.get(pk=world.ours.pk)
    assert pair.status == PairStatus.NOT_SAME and pair.decided_by == world.steward
    assert "0 pairs waiting" in client.get(reverse("steward:queue")).content.decode()


def test_no_decision_is_a_field_error_not_a_500(client, world):
    client.force_login(world.steward)
    response = client.post(reverse("steward:decide", args=[world.ours.pk]), {"decision": "?"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    response = client.post(reverse("steward:decide", args=[world.ours.pk]), {"decision": "merge"})
    assert "Choose which record to keep" in response.content.decode()


def test_same_person_merges_and_the_merge_can_be_undone(client, world):
    client.force_login(world.steward)
    response = client.post(
        reverse("steward:decide", args=[world.ours.pk]),
        {"decision": "merge", "survivor": "right"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("steward:merges")
    keep = world.ours.right
    merge = CustomerMerge.objects.get()
    assert merge.survivor == keep and merge.pair == world.ours
    assert CandidatePair.objects.get(pk=world.ours.pk).status == PairStatus.MERGED
    page = client.get(reverse("steward:merges")).content.decode()
    assert "Undo merge" in page
    undo = reverse("steward:undo", args=[merge.pk])
    assert "Undo this merge?" in client.get(undo).content.decode()
    assert client.post(undo).status_code == 302
    assert not Customer.objects.filter(merged_into__isnull=False).exists()
    merge.refresh_from_db()
    assert merge.undone_at is not None
    # Too late: the page says why and changes nothing.
    merge2 = CustomerMerge.objects.create(
        survivor=world.harriet,
        merged=world.harriet2,
        merged_at=timezone.now() - dt.timedelta(days=40),
    )
    response = client.post(reverse("steward:undo", args=[merge2.pk]))
    assert response.status_code == 200
    assert "can no longer be undone" in response.content.decode()


def test_posts_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.steward)
    response = client.post(
        reverse("steward:decide", args=[world.ours.pk]), {"decision": "not_same"}
    )
    assert response.status_code == 403
    assert CandidatePair.objects.get(pk=world.ours.pk).status == PairStatus.PENDING


@pytest.fixture
def cross(world):
    """A police record the county may read (an agreement for identity and the resident's
    consent naming the county), paired with the county's."""
    p = world
    DataSharingAgreement.objects.create(
        provider=p.police,
        recipient=p.county,
        categories=["contacts"],
        purpose="Joint visits",
        starts=dt.date(2020, 1, 1),
    )
    pair = pair_of(p.harriet, p.police_a)
    return pair


def test_a_cross_partner_pair_is_hidden_until_the_steward_may_read_both(client, cross, world):
    client.force_login(world.steward)
    assert client.get(reverse("steward:pair", args=[cross.pk])).status_code == 404
    Consent.objects.create(
        customer=world.police_a,
        purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
        recipient=world.county,
        given_at=timezone.now(),
    )
    # Consent but no agreement covering identity data: still hidden.
    assert client.get(reverse("steward:pair", args=[cross.pk])).status_code == 404
    DataSharingAgreement.objects.filter(provider=world.police).update(
        categories=["identity", "contacts"]
    )
    response = client.get(reverse("steward:pair", args=[cross.pk]))
    assert response.status_code == 200
    assert "Jo Ambleside" in response.content.decode()


def test_across_partners_the_county_keeps_the_record_it_may_read_by_sharing(client, cross, world):
    """Reading the police's record needs an identity agreement to the county and the
    resident's consent; the county's steward may then link, or merge into the county's
    record, never keep the police's record."""
    Consent.objects.create(
        customer=world.police_a,
        purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
        recipient=world.county,
        given_at=timezone.now(),
    )
    DataSharingAgreement.objects.filter(provider=world.police).update(categories=["identity"])
    client.force_login(world.steward)
    body = client.get(reverse("steward:pair", args=[cross.pk])).content.decode()
    assert "Same person: link the records" in body
    police_side = "left" if cross.left.partner_id == world.police.pk else "right"
    county_side = "right" if police_side == "left" else "left"
    response = client.post(
        reverse("steward:decide", args=[cross.pk]), {"decision": "merge", "survivor": police_side}
    )
    assert response.status_code == 200
    assert "You are not data steward for Wessex Police" in response.content.decode()
    response = client.post(
        reverse("steward:decide", args=[cross.pk]), {"decision": "merge", "survivor": county_side}
    )
    assert response.status_code == 302
    assert CustomerMerge.objects.get().cross_partner


def test_across_partners_without_an_identity_agreement_merge_is_refused_and_link_allowed(
    client, cross, world
):
    """A steward for both partners reads both records as their own; with no agreement for
    identity data between them, merging is refused with the reason, linking is not."""
    from firstcontact.partners.models import Membership

    Membership.objects.create(user=world.steward, partner=world.police, role=Role.DATA_STEWARD)
    client.force_login(world.steward)
    body = client.get(reverse("steward:pair", args=[cross.pk])).content.decode()
    assert "no data-sharing agreement in force lets Wessex Police share identity data" in body
    county_side = "left" if cross.left.partner_id == world.county.pk else "right"
    response = client.post(
        reverse("steward:decide", args=[cross.pk]), {"decision": "merge", "survivor": county_side}
    )
    assert response.status_code == 200
    assert "no data-sharing agreement in force lets Wessex Police" in response.content.decode()
    assert not CustomerMerge.objects.exists()
    response = client.post(reverse("steward:decide", args=[cross.pk]), {"decision": "link"})
    assert response.status_code == 302
    assert CustomerLink.objects.filter(from_customer=cross.left, to_customer=cross.right).exists()
    assert CandidatePair.objects.get(pk=cross.pk).status == PairStatus.SAME
