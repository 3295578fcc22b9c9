"""The linkage service API: scoring two customers and queueing them for the data steward."""

import datetime as dt

from firstcontact.customers.models import Customer, CustomerEmail, CustomerPhone
from firstcontact.linkage.models import CandidatePair, PairSource, PairStatus
from firstcontact.linkage.services import queue_pair, score_pair


def person(partner, given, family, dob=None, email="", phone=""):
    customer = Customer.objects.create(
        partner=partner, given_name=given, family_name=family, date_of_birth=dob
    )
    if email:
        CustomerEmail.objects.create(customer=customer, address=email)
    if phone:
        CustomerPhone.objects.create(customer=customer, number=phone)
    return customer


def test_a_nickname_and_the_same_details_score_far_above_strangers(partnership):
    robert = person(
        partnership.north,
        "Robert",
        "Allen",
        dt.date(1971, 6, 24),
        "rob@example.org",
        "+441134960123",
    )
    bob = person(
        partnership.north, "Bob", "Alen", dt.date(1971, 6, 24), "Rob@example.org", "+441134960123"
    )
    stranger = person(partnership.north, "Priya", "Shah", dt.date(1990, 1, 2), "ps@example.org")
    weight, probability, levels = score_pair(robert, bob)
    assert levels["given_name"] == "nickname"
    assert levels["family_name"] == "typo"
    assert levels["email"] == "exact"
    assert probability > 0.99
    other_weight, other_probability, _ = score_pair(robert, stranger)
    assert other_weight < 0 < weight
    assert other_probability < 0.01


def test_queue_pair_orders_stores_pending_and_marks_cross_partner(partnership):
    a = person(partnership.south, "Sian", "Obrien", dt.date(1950, 4, 2))
    b = person(partnership.north, "Siân", "O'Brien", dt.date(1950, 4, 2))
    pair = queue_pair(b, a, source=PairSource.FRONT_DOOR, by=partnership.hub_adviser)
    assert (pair.left_id, pair.right_id) == (a.pk, b.pk)
    assert pair.status == PairStatus.PENDING
    assert pair.cross_partner is True
    assert pair.comparison["date_of_birth"] == "exact"
    assert pair.found_by == partnership.hub_adviser
    # Queued again while pending: the same row, not a second one.
    assert queue_pair(a, b, source=PairSource.BATCH).pk == pair.pk
    assert CandidatePair.objects.count() == 1


def test_a_remembered_decision_is_never_asked_again(partnership):
    a = person(partnership.north, "Sam", "Jones", dt.date(1980, 1, 1))
    b = person(partnership.north, "Sam", "Jones", dt.date(1980, 1, 1))
    pair = queue_pair(a, b, source=PairSource.BATCH)
    pair.status = PairStatus.NOT_SAME
    pair.save()
    assert queue_pair(b, a, source=PairSource.FRONT_DOOR) is None
    pair.refresh_from_db()
    assert pair.status == PairStatus.NOT_SAME
    assert queue_pair(a, a, source=PairSource.DESK) is None
