"""The audit trail is append-only: on PostgreSQL the database refuses to change or delete its
rows; only the retention purge (privacy.services.purge_audit_events) removes old ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import purge_audit_events, record_audit_event

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's"
)


def event(detail: str = "viewed") -> AuditEvent:
    return record_audit_event(
        user=None,
        username="someone",
        action="view",
        object_type="customer",
        object_id=1,
        customer_id=1,
        detail=detail,
    )


@postgresql_only
@pytest.mark.django_db
def test_the_database_refuses_to_change_an_audit_row():
    row = event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=row.pk).update(detail="nothing to see")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=row.pk).delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE privacy_auditevent SET username = 'x'")
    row.refresh_from_db()
    assert row.detail == "viewed" and row.username == "someone"


@postgresql_only
@pytest.mark.django_db
def test_the_purge_flag_does_not_outlive_the_purge():
    event()
    purge_audit_events(timezone.now() - dt.timedelta(days=1))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_the_retention_purge_removes_only_older_rows():
    old = event("old")
    event("new")
    # Back-date one row the way only a test may: past the trigger, as its owner.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE privacy_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE privacy_auditevent SET at = %s WHERE id = %s",
            [timezone.now() - dt.timedelta(days=400), old.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE privacy_auditevent ENABLE TRIGGER USER")
    assert purge_audit_events(timezone.now() - dt.timedelta(days=365)) == 1
    assert list(AuditEvent.objects.values_list("detail", flat=True)) == ["new"]
    assert purge_audit_events(timezone.now() - dt.timedelta(days=365)) == 0
