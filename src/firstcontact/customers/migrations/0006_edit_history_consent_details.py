"""Editing a customer: a version stamp, tell-us-once flags and the history of changes; a
consent's data category, wording, channel and who withdrew it.

SQLite adds a NOT NULL column by copying the table, which leaves behind the triggers that keep
the FTS5 name index in step (as in 0003): they are made again.
"""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


FTS_TRIGGERS = importlib.import_module(
    "firstcontact.customers.migrations.0003_person_name_search"
).restore_sqlite_fts_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0005_consent_recipient_names_the_partner"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # (Undone last, after the columns are dropped.)
        migrations.RunPython(migrations.RunPython.noop, FTS_TRIGGERS),
        migrations.AddField(
            model_name="consent",
            name="channel",
            field=models.CharField(
                blank=True,
                choices=[
                    ("phone", "Phone"),
                    ("face_to_face", "Face to face"),
                    ("web", "Web"),
                    ("open311", "Web (Open311)"),
                    ("email", "Email"),
                    ("sms", "SMS"),
                    ("kiosk", "Kiosk"),
                    ("letter", "Letter"),
                    ("social", "Social media"),
                ],
                help_text="How it was given.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="consent",
            name="data_category",
            field=models.CharField(
                blank=True,
                choices=[
                    ("identity", "Identity and contact details"),
                    ("service_requests", "Service requests"),
                    ("contacts", "Contact history"),
                ],
                help_text="For sharing: the data it covers. Empty: all that an agreement covers.",
                max_length=30,
            ),
        ),
        migrations.AddField(
            model_name="consent",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="consent",
            name="wording",
            field=models.TextField(
                blank=True, help_text="The words shown or read to the customer."
            ),
        ),
        migrations.AddField(
            model_name="customer",
            name="date_of_death",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="customer",
            name="deceased",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="customer",
            name="moved_away",
            field=models.BooleanField(
                default=False, help_text="Has moved away and left no current address."
            ),
        ),
        migrations.AddField(
            model_name="customer",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.CreateModel(
            name="CustomerChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(help_text="The record's version this change made."),
                ),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "changed_by_name",
                    models.CharField(
                        blank=True,
                        help_text="The user's name at the time (kept if deleted).",
                        max_length=150,
                    ),
                ),
                ("field", models.CharField(max_length=40)),
                ("old_value", models.TextField(blank=True)),
                ("new_value", models.TextField(blank=True)),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="changes",
                        to="customers.customer",
                    ),
                ),
            ],
            options={
                "ordering": ["-changed_at", "-pk"],
                "indexes": [
                    models.Index(fields=["customer", "version"], name="customer_change_version")
                ],
            },
        ),
        migrations.RunPython(FTS_TRIGGERS, migrations.RunPython.noop),
    ]
