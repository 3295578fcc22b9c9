"""A person's given and family names apart, normalised, for the quick name look-up.

Fills them for the customers already there, then indexes them (with the partner and id, so the
look-up reads nothing else).

SQLite adds (and drops) a NOT NULL column by copying the table into a new one, which leaves
behind the triggers that keep the FTS5 name index (0002) in step: they are made again.
"""

import importlib

from django.db import migrations, models

from firstcontact.customers.matching import normalise_name

BATCH = 2000
FTS = importlib.import_module("firstcontact.customers.migrations.0002_name_search_index")


def restore_sqlite_fts_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in FTS.SQLITE_BACKWARD:
        if sql.startswith("DROP TRIGGER"):
            schema_editor.execute(sql)
    for sql in FTS.SQLITE_FORWARD:
        if sql.startswith("CREATE TRIGGER"):
            schema_editor.execute(sql)


def fill_search_names(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    customers = Customer.objects.using(schema_editor.connection.alias)
    people = customers.filter(kind="person").only("pk", "given_name", "family_name")
    last = 0
    while batch := list(people.filter(pk__gt=last).order_by("pk")[:BATCH]):
        for customer in batch:
            customer.search_given = normalise_name(customer.given_name)
            customer.search_family = normalise_name(customer.family_name)
        customers.bulk_update(batch, ["search_given", "search_family"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_name_search_index"),
        ("partners", "0001_initial"),
    ]

    operations = [
        # (Undone last, after the columns are dropped.)
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_fts_triggers),
        migrations.AddField(
            model_name="customer",
            name="search_family",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="customer",
            name="search_given",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.RunPython(restore_sqlite_fts_triggers, migrations.RunPython.noop),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(
                fields=["search_family", "search_given", "partner", "id"],
                name="customer_person_name_idx",
            ),
        ),
    ]
