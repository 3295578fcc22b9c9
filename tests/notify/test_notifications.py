import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from firstcontact.customers.services import create_customer, record_consent
from firstcontact.notify import tasks as notify_tasks
from firstcontact.notify.models import Notification
from firstcontact.servicerequests.services import change_status, clean_location, raise_request

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def resident(partnership):
    return create_customer(
        user=None,
        partner=partnership.county,
        given_name="Edith",
        family_name="Pargeter",
        emails=["edith@example.org"],
        phones=["0113 496 0999"],
    )


def raise_pothole(partnership, customer):
    return raise_request(
        user=partnership.hub_adviser,
        service=partnership.pothole,
        channel="phone",
        location=clean_location(postcode="WX1 1AA"),
        attributes={"depth": "deep"},
        customer=customer,
    )


def test_acknowledgement_with_reference_is_emailed_after_commit(
    partnership, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = raise_pothole(partnership, resident)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["edith@example.org"]
    assert request.formatted_reference in mail.outbox[0].body
    assert Notification.objects.get().status == "sent"


def test_nothing_is_sent_when_the_transaction_rolls_back(
    partnership, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        raise_pothole(partnership, resident)
    # Callbacks only run on commit; none ran here, so no email went inline.
    assert callbacks and mail.outbox == []


def test_closure_and_public_updates_reach_the_customer(
    partnership, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = raise_pothole(partnership, resident)
        change_status(
            user=partnership.highways_officer,
            request=request,
            status="closed",
            outcome="fixed",
            text="We filled the pothole today.",
        )
    assert len(mail.outbox) == 2
    assert "We filled the pothole today." in mail.outbox[1].body
    assert "Outcome: Fixed" in mail.outbox[1].body


def test_sms_needs_notify_and_failure_is_visible(
    partnership, resident, django_capture_on_commit_callbacks
):
    record_consent(user=None, customer=resident, purpose="sms_updates")
    with django_capture_on_commit_callbacks(execute=True):
        raise_pothole(partnership, resident)
    sms = Notification.objects.get(channel="sms")
    assert sms.status == "failed"
    assert "Notify" in sms.last_error


@override_settings(NOTIFY={"API_KEY": "k", "EMAIL_TEMPLATE_ID": "", "SMS_TEMPLATE_ID": "t"})
def test_sms_goes_through_notify_when_configured(
    partnership, resident, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []

    class FakeNotify:
        def send_sms_notification(self, **kwargs):
            sent.append(kwargs)
            return {"id": "notify-123"}

    monkeypatch.setattr("firstcontact.notify.delivery._notify_client", lambda: FakeNotify())
    record_consent(user=None, customer=resident, purpose="sms_updates")
    with django_capture_on_commit_callbacks(execute=True):
        raise_pothole(partnership, resident)
    sms = Notification.objects.get(channel="sms")
    assert (sms.status, sms.provider_reference) == ("sent", "notify-123")
    assert sent[0]["phone_number"] == "+441134960999" and sent[0]["template_id"] == "t"


# The worker closes database connections between tasks, as it should in production, so this
# runs with real commits rather than inside a rolled-back test transaction.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_database_worker_delivers_and_retries_failures(partnership, resident, monkeypatch):
    request = raise_pothole(partnership, resident)
    # Queued in the database, not sent inside the request.
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1

    def broken(notification):
        raise ConnectionError("SMTP server unreachable")

    monkeypatch.setattr(notify_tasks, "deliver", broken)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, reload=False)
    notification = Notification.objects.get(service_request=request)
    assert (notification.status, notification.attempts) == ("retrying", 1)
    assert "SMTP server unreachable" in notification.last_error
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after > timezone.now() + dt.timedelta(seconds=50)

    monkeypatch.undo()
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, reload=False)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1
