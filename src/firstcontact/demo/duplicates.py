"""Possible duplicates for the data steward's queue (/steward/): the demo's records that the
duplicate search finds (records of one person made by the resident site before the front door
matched, by two partners, or entered twice at a desk), and one merge made already."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from firstcontact.customers.merging import merge_customers
from firstcontact.customers.models import Customer, CustomerAddress
from firstcontact.demo.partnership import COUNTY
from firstcontact.linkage.batch import find_duplicates
from firstcontact.linkage.models import CandidatePair, PairStatus

# People the county's desk entered a second time, as busy desks do (the county's data steward
# finds them whatever the demo's size): each slip of a different kind, so some are certain
# enough to link automatically and the rest wait for the steward.
ENTERED_TWICE = 8
SLIPS = {"a": "e", "e": "a", "i": "y", "y": "i", "o": "u", "n": "m", "r": "t"}


def _slip(name: str) -> str:
    for i in range(len(name) - 1, 0, -1):
        if name[i].lower() in SLIPS:
            return name[:i] + SLIPS[name[i].lower()] + name[i + 1 :]
    return name + "e"


def _twin(person: Customer, kind: int) -> None:
    """A second record of `person`, with the `kind`th sort of slip."""
    address = person.addresses.order_by("-is_current", "pk").first()
    given, family, born = person.given_name, person.family_name, person.date_of_birth
    same_address = True
    if kind == 0:  # the first name mistyped; all else the same
        given = _slip(given)
    elif kind == 1:  # an initial for the first name, and no address
        given, same_address = given[:1], False
    elif kind == 2:  # an initial, and no date of birth
        given, born = given[:1], None
    else:  # the last name mistyped, and no address
        family, same_address = _slip(family), False
    twin = Customer.objects.create(
        partner=person.partner,
        title=person.title,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        preferred_language=person.preferred_language,
    )
    if same_address:
        CustomerAddress.objects.create(
            customer=twin,
            line1=address.line1,
            line2=address.line2,
            town=address.town,
            postcode=address.postcode,
            uprn=address.uprn,
        )


def _enter_twice(partner_slug: str, count: int) -> None:
    people = (
        Customer.objects.filter(
            partner__slug=partner_slug,
            kind="person",
            date_of_birth__isnull=False,
            addresses__isnull=False,
        )
        .distinct()
        .order_by("pk")[:count]
    )
    for n, person in enumerate(people):
        _twin(person, n % 4)


def create_duplicate_pairs_demo() -> list[CandidatePair]:
    """The county's desk enters a few people twice; then the duplicate search runs over every
    record as a nightly `find_duplicates` would (the real matcher, its model estimated from the
    demo's own people), and the steward has already merged one pair, which can be undone."""
    _enter_twice(COUNTY, ENTERED_TWICE)
    find_duplicates()
    steward = get_user_model().objects.filter(username="steward").first()
    pair = (
        CandidatePair.objects.filter(
            status=PairStatus.PENDING,
            cross_partner=False,
            left__partner__slug=COUNTY,
            right__partner__slug=COUNTY,
        )
        .select_related("left", "right")
        .order_by("-weight", "pk")
        .first()
    )
    if steward is not None and pair is not None:
        # The older record survives, as a steward usually chooses.
        merge_customers(pair.left, pair.right, by=steward, pair=pair)
    return list(CandidatePair.objects.filter(status=PairStatus.PENDING))
