"""Call records are identified by (entered_at, queue, call_id), now their primary key: the
surrogate id and its index go, so an import fills one index instead of two.

Django cannot turn a table's single-column key into a composite one in place, so the records
move to a new table with the new key, which then takes the old one's name."""

import django.db.models.deletion
from django.db import migrations, models

COLUMNS = (
    "queue_id, call_id, entered_at, answered_at, ended_at, outcome, wait_seconds, "
    "talk_seconds, agent, transferred, entry_position"
)


class Migration(migrations.Migration):
    dependencies = [
        ("telephony", "0002_call_record_import_speed"),
    ]

    operations = [
        migrations.CreateModel(
            name="CallVisit",
            fields=[
                ("pk", models.CompositePrimaryKey("entered_at", "queue_id", "call_id", blank=True, editable=False, primary_key=True, serialize=False)),
                ("call_id", models.CharField(help_text="The ACD's unique id for the call.", max_length=64)),
                ("entered_at", models.DateTimeField()),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                ("outcome", models.CharField(choices=[("answered", "Answered"), ("abandoned", "Abandoned (caller hung up)"), ("timeout", "Left the queue at its time limit"), ("exit_key", "Left the queue by pressing a key"), ("exit_empty", "Left the queue: no agents"), ("waiting", "Waiting now"), ("talking", "Talking now")], max_length=12)),
                ("wait_seconds", models.PositiveIntegerField(default=0, help_text="Time in the queue until answered, or until the caller left.")),
                ("talk_seconds", models.PositiveIntegerField(blank=True, null=True)),
                ("agent", models.CharField(blank=True, max_length=80)),
                ("transferred", models.BooleanField(default=False)),
                ("entry_position", models.PositiveIntegerField(blank=True, null=True)),
                ("queue", models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="telephony.queue")),
            ],
            options={
                "ordering": ["-entered_at"],
                "constraints": [models.CheckConstraint(condition=models.Q(("answered_at__isnull", True), ("answered_at__gte", models.F("entered_at")), _connector="OR"), name="call_answered_after_entering")],
            },
        ),
        migrations.RunSQL(
            f"INSERT INTO telephony_callvisit ({COLUMNS}) SELECT {COLUMNS} FROM telephony_callrecord",
            f"INSERT INTO telephony_callrecord ({COLUMNS}) SELECT {COLUMNS} FROM telephony_callvisit",
        ),
        migrations.DeleteModel(name="CallRecord"),
        migrations.RenameModel(old_name="CallVisit", new_name="CallRecord"),
        migrations.AlterField(
            model_name="callrecord",
            name="queue",
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="calls", to="telephony.queue"),
        ),
    ]
