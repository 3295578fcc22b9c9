"""`firstcontact find_duplicates`: pairs queued for the steward, links only within a partner
and only far above the threshold, decisions remembered, and running it twice changes nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from firstcontact.customers.models import CustomerLink
from firstcontact.customers.services import create_customer
from firstcontact.linkage.models import CandidatePair, PairStatus

BORN = dt.date(1971, 6, 24)


def add(partner, given, family, **kwargs):
    return create_customer(
        user=None, partner=partner, given_name=given, family_name=family, **kwargs
    )


def everything(email="rob@example.org"):
    return {
        "date_of_birth": BORN,
        "emails": [email],
        "phones": ["0113 496 0123"],
        "addresses": [{"line1": "1 High Street", "postcode": "WX1 2AB", "uprn": "100023"}],
    }


def run(*args) -> str:
    out = StringIO()
    call_command("find_duplicates", "--no-progress", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def people(partnership):
    return {
        "north": add(partnership.north, "Robert", "Allen", **everything()),
        # The same person twice in north, in every detail: linked without review.
        "north_again": add(partnership.north, "Robert", "Allen", **everything()),
        # The same again, held by south: across partners, only ever queued.
        "south": add(partnership.south, "Robert", "Allen", **everything()),
        # A nickname, the same date of birth, another email: queued for review.
        "bob": add(
            partnership.north,
            "Bob",
            "Allen",
            date_of_birth=BORN,
            emails=["bobby@example.net"],
        ),
        "stranger": add(
            partnership.north,
            "Priya",
            "Shah",
            date_of_birth=dt.date(1990, 2, 3),
            emails=["priya@example.org"],
        ),
    }


def pair(a, b):
    left, right = sorted([a.pk, b.pk])
    return CandidatePair.objects.filter(left_id=left, right_id=right).first()


def test_pairs_are_queued_and_only_within_a_partner_linked(partnership, people):
    output = run()
    assert "queued for review" in output
    within = pair(people["north"], people["north_again"])
    assert within.status == PairStatus.LINKED and not within.cross_partner
    assert CustomerLink.objects.filter(from_customer=within.left, to_customer=within.right).exists()
    across = pair(people["north"], people["south"])
    assert across.status == PairStatus.PENDING and across.cross_partner
    assert across.source == "batch"
    nickname = pair(people["north"], people["bob"])
    assert nickname.status == PairStatus.PENDING
    assert nickname.comparison["given_name"] == "nickname"
    assert pair(people["north"], people["stranger"]) is None
    # Never a link across partners, whatever the weight.
    south = people["south"].pk
    assert not CustomerLink.objects.filter(from_customer_id=south).exists()
    assert not CustomerLink.objects.filter(to_customer_id=south).exists()


def test_running_twice_changes_nothing_and_decisions_are_remembered(partnership, people):
    run()
    nickname = pair(people["north"], people["bob"])
    nickname.status = PairStatus.NOT_SAME
    nickname.save()
    before = sorted(CandidatePair.objects.values_list("left_id", "right_id", "status"))
    links = CustomerLink.objects.count()
    output = run()
    assert sorted(CandidatePair.objects.values_list("left_id", "right_id", "status")) == before
    assert CustomerLink.objects.count() == links
    assert "0 queued for review" in output and "already decided" in output


def test_partner_limits_the_pairs_to_those_with_its_records(partnership, people):
    run("--partner", "south")
    assert CandidatePair.objects.exists()
    south = people["south"].pk
    for left, right in CandidatePair.objects.values_list("left_id", "right_id"):
        assert south in (left, right)


def test_bad_arguments_are_refused_clearly(partnership):
    with pytest.raises(CommandError, match="No partner 'nowhere'"):
        run("--partner", "nowhere")
    with pytest.raises(CommandError, match="must not be below"):
        run("--threshold", "10", "--auto-link", "5")
