"""Staff see messages that failed to send (scoped to what they may see) and can retry them."""

from django.test import override_settings

from firstcontact.notify.models import Notification
from firstcontact.notify.services import queue_notification
from tests.desk.conftest import raise_pothole


def failed(**kwargs):
    return Notification.objects.create(
        channel="email",
        subject="Your request",
        body="Hi",
        status="failed",
        attempts=5,
        last_error="SMTP down",
        **kwargs,
    )


def test_failed_messages_are_listed_for_the_partner_and_can_be_sent_again(
    client, partnership, resident, django_capture_on_commit_callbacks
):
    request = raise_pothole(partnership, resident)
    message = failed(recipient="harriet@example.org", service_request=request)
    client.force_login(partnership.highways_officer)
    page = client.get("/work/notifications/").content.decode()
    assert "harriet@example.org" in page and "SMTP down" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/work/notifications/{message.pk}/retry/", follow=True)
    assert "queued to send again" in response.content.decode()
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1


def test_other_partners_do_not_see_or_retry_them(client, partnership, resident):
    request = raise_pothole(partnership, resident)
    message = failed(recipient="harriet@example.org", service_request=request)
    client.force_login(partnership.south_caseworker)
    assert "harriet@example.org" not in client.get("/work/notifications/").content.decode()
    assert client.post(f"/work/notifications/{message.pk}/retry/").status_code == 404
    message.refresh_from_db()
    assert message.status == "failed"


def test_team_messages_without_a_request_are_shown_to_that_partner(client, partnership):
    partnership.highways.email = "highways@wessex.example"
    partnership.highways.save()
    message = failed(recipient="highways@wessex.example")
    client.force_login(partnership.highways_officer)
    assert "highways@wessex.example" in client.get("/work/notifications/").content.decode()
    client.force_login(partnership.police_officer)
    assert "highways@wessex.example" not in client.get("/work/notifications/").content.decode()
    client.force_login(partnership.admin)
    assert client.get("/work/notifications/").status_code == 200
    assert message.pk


@override_settings(NOTIFY={"API_KEY": "", "EMAIL_TEMPLATE_ID": "", "SMS_TEMPLATE_ID": ""})
def test_sent_messages_cannot_be_retried(
    client, partnership, resident, django_capture_on_commit_callbacks
):
    request = raise_pothole(partnership, resident)
    with django_capture_on_commit_callbacks(execute=True):
        sent = queue_notification(
            channel="email",
            recipient="harriet@example.org",
            subject="s",
            body="b",
            service_request=request,
        )
    sent.refresh_from_db()
    assert sent.status == "sent"
    client.force_login(partnership.highways_officer)
    response = client.post(f"/work/notifications/{sent.pk}/retry/", follow=True)
    assert "Only failed messages can be sent again." in response.content.decode()


def test_a_failed_message_is_sent_again_when_the_partner_has_a_team_inbox_too(
    client, partnership, resident, django_capture_on_commit_callbacks
):
    # A team address puts the "message with no request" half into the officer's query (an
    # outer join), which PostgreSQL once refused to lock: the retry answered with an error.
    partnership.highways.email = "highways@wessex.example"
    partnership.highways.save()
    request = raise_pothole(partnership, resident)
    message = failed(recipient="harriet@example.org", service_request=request)
    client.force_login(partnership.highways_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/work/notifications/{message.pk}/retry/", follow=True)
    assert "queued to send again" in response.content.decode()
    message.refresh_from_db()
    assert message.status == "sent"
