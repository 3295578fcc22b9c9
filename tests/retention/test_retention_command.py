"""`firstcontact apply_retention`: what is due goes, what is younger stays, a dry run changes
nothing, legal holds are honoured, a second run does nothing, and a run stopped half way
leaves each record done or untouched and resumes."""

from __future__ import annotations

import datetime as dt
import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from firstcontact.contacts.models import Contact
from firstcontact.customers.models import Customer
from firstcontact.notify.models import Notification
from firstcontact.privacy.models import AuditEvent
from firstcontact.retention import services
from firstcontact.retention.models import AnonymisedRecord, LegalHold, RetentionRule
from firstcontact.servicerequests.models import RequestPhoto, RequestUpdate, ServiceRequest
from tests.retention.conftest import ago, closed_pothole, contact, resident


def run(*args) -> str:
    out = io.StringIO()
    call_command("apply_retention", "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def line_for(output: str, start: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(start))


@pytest.fixture
def history(partnership):
    """An old customer history (3 and 7 years ago: past the default rules) and a recent
    one (a month ago) for a second resident."""
    old = resident(partnership)
    recent = resident(partnership, family="Brightwater", given="Ivo")
    return {
        "old": old,
        "recent": recent,
        "old_contact": contact(partnership, old, when=ago(days=3 * 365)),
        "recent_contact": contact(partnership, recent, when=ago(days=30)),
        "old_request": closed_pothole(partnership, old, when=ago(days=7 * 365)),
        "recent_request": closed_pothole(partnership, recent, when=ago(days=30)),
    }


def test_dry_run_prints_what_is_due_and_changes_nothing(history):
    audit_before = AuditEvent.objects.count()
    notifications_before = Notification.objects.count()
    output = run("--dry-run")

    assert "would anonymise 1" in line_for(output, "Contacts (with their callbacks), partnership")
    assert "would anonymise 1" in line_for(output, "Closed service requests, partnership")
    # The old request's photo is seven years old; the recent one's is not.
    assert "would delete 1" in line_for(output, "Photos of closed requests, partnership")
    assert "would delete 1" in line_for(output, "Emails and text messages sent, partnership")
    history["old_contact"].refresh_from_db()
    assert history["old_contact"].notes == "Rang about her bins"
    assert history["old_contact"].customer_id == history["old"].pk
    assert RequestPhoto.objects.count() == 2
    assert Notification.objects.count() == notifications_before
    assert not AnonymisedRecord.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_run_anonymises_and_deletes_what_is_due_and_not_what_is_younger(
    history, django_capture_on_commit_callbacks
):
    old_photo = RequestPhoto.objects.get(request=history["old_request"])
    old_file = default_storage.path(old_photo.file.name)
    recent_photo = RequestPhoto.objects.get(request=history["recent_request"])
    assert os.path.exists(old_file)

    # Files go once each record's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        output = run()

    assert "anonymised 1" in line_for(output, "Contacts (with their callbacks), partnership")
    old_contact = Contact.objects.get(pk=history["old_contact"].pk)
    assert old_contact.notes == "" and old_contact.customer_id is None
    assert old_contact.outcome == "resolved" and old_contact.channel == "phone"
    recent_contact = Contact.objects.get(pk=history["recent_contact"].pk)
    assert recent_contact.notes == "Rang about her bins"
    assert recent_contact.customer_id == history["recent"].pk

    old_request = ServiceRequest.objects.get(pk=history["old_request"].pk)
    assert old_request.description == "" and old_request.address == ""
    assert old_request.postcode == "WX2" and old_request.customer_id is None
    assert old_request.attributes == {}
    assert old_request.status == "closed" and old_request.outcome == "fixed"
    assert old_request.closed_at == history["old_request"].closed_at
    assert not RequestUpdate.objects.filter(request=old_request).exclude(text="").exists()
    assert not RequestPhoto.objects.filter(request=old_request).exists()
    assert not os.path.exists(old_file)
    # Its message from seven years ago is deleted; those sent today (acknowledgements) are
    # anonymised with the request.
    sent = Notification.objects.filter(service_request=old_request)
    assert not sent.filter(created_at__lt=ago(days=365)).exists()
    assert not sent.exclude(recipient="").exists()

    recent_request = ServiceRequest.objects.get(pk=history["recent_request"].pk)
    assert "4 Mill Lane" in recent_request.description
    assert RequestPhoto.objects.filter(pk=recent_photo.pk).exists()
    assert os.path.exists(default_storage.path(recent_photo.file.name))
    assert Notification.objects.filter(service_request=recent_request).exists()

    # Every change is audited, without the personal data it removed.
    events = AuditEvent.objects.filter(action__in=["anonymise", "delete"])
    assert {("contact", str(old_contact.pk)), ("service_request", str(old_request.pk))} <= {
        (e.object_type, e.object_id) for e in events
    }
    assert events.filter(object_type="request_photo", object_id=str(old_photo.pk)).exists()
    for event in events:
        assert "Harriet" not in event.detail and "Mill Lane" not in event.detail

    # The resident last seen 3 years ago is not yet past the 6-year customer rule.
    customer = Customer.objects.get(pk=history["old"].pk)
    assert customer.family_name == "Ambleside"


def test_a_second_run_does_nothing(history):
    run()
    audit_after_first = AuditEvent.objects.count()
    output = run()
    assert "nothing due" in line_for(output, "Contacts (with their callbacks), partnership")
    assert "nothing due" in line_for(output, "Closed service requests, partnership")
    assert AuditEvent.objects.count() == audit_after_first
    assert "would anonymise 0" in line_for(run("--dry-run"), "Closed service requests, partnership")


def test_a_legal_hold_keeps_a_customers_records_and_a_held_request(partnership, history):
    hold = LegalHold.objects.create(customer=history["old"], reason="Claim WX-2026-14")
    other = resident(partnership, family="Coldharbour", given="Jo")
    held_request = closed_pothole(partnership, other, when=ago(days=7 * 365))
    LegalHold.objects.create(service_request=held_request, reason="Insurance claim")

    dry = run("--dry-run")
    assert "1 kept by a legal hold" in line_for(dry, "Contacts (with their callbacks), partnership")
    assert "2 kept by a legal hold" in line_for(dry, "Closed service requests, partnership")
    run()

    old_contact = Contact.objects.get(pk=history["old_contact"].pk)
    assert old_contact.notes == "Rang about her bins"
    for pk in (history["old_request"].pk, held_request.pk):
        request = ServiceRequest.objects.get(pk=pk)
        assert "Mill Lane" in request.description
        assert request.photos.count() == 1

    # Lifted, the hold no longer protects them: the next run does them.
    hold.lifted_at = ago(minutes=1)
    hold.save()
    run()
    assert Contact.objects.get(pk=history["old_contact"].pk).notes == ""
    assert ServiceRequest.objects.get(pk=history["old_request"].pk).description == ""
    assert "Mill Lane" in ServiceRequest.objects.get(pk=held_request.pk).description


def test_a_partners_own_rule_replaces_the_default_for_its_records(partnership, history):
    RetentionRule.objects.create(
        partner=partnership.county, kind="contacts", amount=10, unit="years"
    )
    output = run("--dry-run", "--kind", "contacts")
    assert "would anonymise 0" in line_for(
        output, "Contacts (with their callbacks), Wessex County Council"
    )
    run("--partner", "wessex", "--kind", "contacts")
    assert Contact.objects.get(pk=history["old_contact"].pk).notes == "Rang about her bins"


def _contacts(partnership, n: int) -> list[Contact]:
    people = [resident(partnership, family=f"Person{i}", given="Sam") for i in range(n)]
    return [
        contact(partnership, person, when=ago(days=3 * 365, hours=i), notes=f"Private note {i}")
        for i, person in enumerate(people)
    ]


def _failing_on(monkeypatch, n: int, error: BaseException):
    real = services.anonymise_contact
    calls = {"n": 0}

    def flaky(contact, **kwargs):
        calls["n"] += 1
        real(contact, **kwargs)  # half done, then the failure: the transaction rolls back
        if calls["n"] == n:
            raise error

    monkeypatch.setattr(services, "anonymise_contact", flaky)


def test_a_record_that_fails_is_left_untouched_and_the_rest_are_done(partnership, monkeypatch):
    made = _contacts(partnership, 5)
    _failing_on(monkeypatch, 3, RuntimeError("disk full"))
    with pytest.raises(CommandError, match="1 record"):
        run("--kind", "contacts")

    notes = [Contact.objects.get(pk=c.pk).notes for c in made]
    assert notes == ["", "", "Private note 2", "", ""]
    assert Contact.objects.get(pk=made[2].pk).customer_id is not None
    assert not AnonymisedRecord.objects.filter(object_type="contact", object_id=made[2].pk)
    assert not AuditEvent.objects.filter(object_type="contact", object_id=str(made[2].pk))

    monkeypatch.undo()
    run("--kind", "contacts")
    assert Contact.objects.get(pk=made[2].pk).notes == ""


def test_a_run_stopped_half_way_resumes_where_it_stopped(partnership, monkeypatch):
    made = _contacts(partnership, 5)
    _failing_on(monkeypatch, 3, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        run("--kind", "contacts")
    notes = [Contact.objects.get(pk=c.pk).notes for c in made]
    assert notes == ["", "", "Private note 2", "Private note 3", "Private note 4"]
    assert AnonymisedRecord.objects.filter(object_type="contact").count() == 2

    monkeypatch.undo()
    output = run("--kind", "contacts")
    assert "anonymised 3" in line_for(output, "Contacts (with their callbacks), partnership")
    assert all(Contact.objects.get(pk=c.pk).notes == "" for c in made)


def test_an_inactive_customer_is_anonymised_with_everything_of_theirs(partnership):
    RetentionRule.objects.filter(partner=None, kind="inactive_customers").update(
        amount=2, unit="years"
    )
    person = resident(partnership, family="Dunmore", given="Ada")
    Customer.objects.filter(pk=person.pk).update(
        created_at=ago(days=4 * 365), updated_at=ago(days=4 * 365)
    )
    old = contact(partnership, person, when=ago(days=3 * 365))
    active = resident(partnership, family="Evergreen", given="Bo")
    Customer.objects.filter(pk=active.pk).update(
        created_at=ago(days=4 * 365), updated_at=ago(days=4 * 365)
    )
    contact(partnership, active, when=ago(days=10))

    run("--kind", "inactive_customers")

    person.refresh_from_db()
    assert (person.given_name, person.family_name) == ("", "Anonymised")
    assert not person.phones.exists() and not person.emails.exists()
    assert not person.addresses.exists()
    assert Contact.objects.get(pk=old.pk).notes == ""
    assert Customer.objects.get(pk=active.pk).family_name == "Evergreen"


def test_deleting_inactive_customers(partnership):
    RetentionRule.objects.filter(partner=None, kind="inactive_customers").update(
        amount=2, unit="years", action="delete"
    )
    person = resident(partnership, family="Dunmore", given="Ada")
    Customer.objects.filter(pk=person.pk).update(
        created_at=ago(days=4 * 365), updated_at=ago(days=4 * 365)
    )
    old = contact(partnership, person, when=ago(days=3 * 365))
    output = run("--kind", "inactive_customers")
    assert "deleted 1" in output
    assert not Customer.objects.filter(pk=person.pk).exists()
    kept = Contact.objects.get(pk=old.pk)
    assert kept.notes == "" and kept.outcome == "resolved"


def test_abandoned_portal_uploads_older_than_a_day_are_deleted(partnership):
    folder = services.uploads_dir()
    old = default_storage.save(f"{folder}/abandoned.png", ContentFile(b"old"))
    fresh = default_storage.save(f"{folder}/in-progress.png", ContentFile(b"new"))
    two_days_ago = time.time() - 2 * 86400
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))

    assert "would delete 1" in line_for(run("--dry-run"), "Resident site uploads never sent")
    assert default_storage.exists(old)
    run("--kind", "abandoned_uploads")
    assert not default_storage.exists(old)
    assert default_storage.exists(fresh)
    assert AuditEvent.objects.filter(object_type="portal_upload", action="delete").count() == 1
    assert "nothing due" in line_for(run(), "Resident site uploads never sent")


def test_abandoned_uploads_left_by_the_resident_site(partnership, client):
    """A photo uploaded on the report journey and never sent is found where the site keeps it."""
    from tests.portal.fixtures import build_portal_data

    build_portal_data(partnership)
    folder = services.uploads_dir()
    name = default_storage.save(f"{folder}/left.png", ContentFile(b"x"))
    assert services.abandoned_uploads(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)) == [name]
    assert services.abandoned_uploads(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)) == []


def test_old_audit_events_go_through_the_privacy_apps_purge(partnership, monkeypatch):
    from django.utils import timezone

    from firstcontact.privacy import services as privacy_services

    calls = []

    def purge(before):
        calls.append(before)
        return 7

    monkeypatch.setattr(privacy_services, "purge_audit_events", purge, raising=False)
    AuditEvent.objects.create(action="view", object_type="customer", object_id="1")
    # Seven years on, today's events are past the six-year rule.
    later = timezone.now() + dt.timedelta(days=7 * 365)
    [(item, result)] = list(services.apply_retention(kind="audit_events", now=later))
    assert item.due >= 1 and result.done == 7
    assert calls == [item.cutoff]
    assert AuditEvent.objects.filter(object_type="audit_event", action="delete").exists()


def test_unknown_partner_or_kind_is_a_clear_error(partnership):
    with pytest.raises(CommandError, match="No partner"):
        run("--partner", "atlantis")
    with pytest.raises(CommandError):
        run("--kind", "everything")
