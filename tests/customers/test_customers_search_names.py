"""A customer's names stay searchable however they are written: one at a time, in bulk, after a
change of name, and for the records already there when name search gained its quick look-up."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from firstcontact.customers.models import Customer
from firstcontact.customers.selectors import search_customers
from firstcontact.customers.services import create_customer

# No three letters of either word in common with the right name, so only the look-up of
# names a typo away finds it (not the trigram look-ups of the whole name).
TYPED = "Mgx Jnoes"


def found(user, query: str) -> list[Customer]:
    return [match.customer for match in search_customers(user, query)]


def test_a_change_of_name_is_searchable_and_the_old_name_no_longer_is(partnership):
    customer = create_customer(
        user=None,
        partner=partnership.north,
        given_name="Joan",
        family_name="Smyth",
        phones=["0113 496 0002"],
    )
    assert found(partnership.hub_adviser, "Jaon Smtyh") == [customer]

    customer.given_name, customer.family_name = "Max", "Jones"
    customer.save(update_fields=["given_name", "family_name"])

    assert found(partnership.hub_adviser, TYPED) == [customer]
    assert found(partnership.hub_adviser, "Jaon Smtyh") == []


def test_customers_written_in_bulk_are_searchable(partnership):
    [customer] = Customer.objects.bulk_create(
        [Customer(partner=partnership.north, given_name="Max", family_name="Jones")]
    )
    assert found(partnership.hub_adviser, TYPED) == [customer]

    customer.family_name = "Smyth"
    Customer.objects.bulk_update([customer], ["family_name"])
    assert found(partnership.hub_adviser, "Mgx Smtyh") == [customer]
    assert found(partnership.hub_adviser, TYPED) == []


@pytest.mark.django_db(transaction=True)
def test_customers_from_before_the_quick_look_up_are_found_by_it(partnership):
    executor = MigrationExecutor(connection)
    executor.migrate([("customers", "0002_name_search_index")])
    try:
        old_apps = executor.loader.project_state([("customers", "0002_name_search_index")]).apps
        OldCustomer = old_apps.get_model("customers", "Customer")
        old = OldCustomer.objects.create(
            partner_id=partnership.north.pk,
            kind="person",
            given_name="Max",
            family_name="Jones",
            search_name="max jones",
        )
    finally:
        executor = MigrationExecutor(connection)
        # Every app's latest: going back unapplied other apps' migrations that depend on
        # this app's later ones, and the next tests need them.
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert [c.pk for c in found(partnership.hub_adviser, TYPED)] == [old.pk]
    # The trigram look-ups kept working through the change of table too.
    assert [c.pk for c in found(partnership.hub_adviser, "Jones")] == [old.pk]
