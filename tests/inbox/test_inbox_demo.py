"""The demo's messages: every partner has a shared mailbox, the hub and the housing association
an SMS number, and the Messages page has conversations that came in through the real path
(raw message stored, then processed): matched and unknown senders, replied, followed up in the
thread, raised as a request, due soon and overdue."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from firstcontact.catalogue import sla
from firstcontact.demo.partnership import DEMO_SLUGS
from firstcontact.inbox.models import Conversation, Direction, Mailbox, RawMessage, RawState
from firstcontact.inbox.selectors import first_response_state


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", people=120, calls=False, no_progress=True, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo, db):
    return None


def test_every_partner_has_a_mailbox_and_messages_came_through_the_real_path(demo):
    boxes = Mailbox.objects.select_related("partner")
    assert {b.partner.slug for b in boxes} == set(DEMO_SLUGS)
    assert {"contact", "council.tax", "highways", "pals", "repairs"} <= {
        b.address.split("@")[0] for b in boxes
    }
    assert boxes.exclude(sms_number="").count() >= 2
    assert all(b.first_response_policy_id for b in boxes)
    # Every message was stored raw first and processed: none failed, none lost.
    states = set(RawMessage.objects.values_list("state", flat=True))
    assert states == {RawState.PROCESSED}
    received = Conversation.objects.filter(messages__direction=Direction.IN).distinct().count()
    assert received == Conversation.objects.count() >= 30


def test_the_conversations_show_what_staff_meet(demo):
    now = timezone.now()
    conversations = Conversation.objects.all()
    assert conversations.filter(customer__isnull=False).count() >= 10  # matched by email/phone
    assert conversations.filter(customer__isnull=True).count() >= 5  # unknown senders
    assert conversations.filter(channel="sms").count() >= 4
    assert conversations.filter(first_responded_at__isnull=False).count() >= 8  # replied
    assert conversations.filter(status="resolved").count() >= 5
    assert conversations.filter(status="claimed").exists()
    overdue = conversations.filter(first_response_due_at__lte=now, first_responded_at=None)
    assert overdue.count() >= 5
    # Falling due next: by the next working day's end, across a weekend or a bank holiday.
    waiting = conversations.filter(first_response_due_at__gt=now, first_responded_at=None)
    soon = waiting.filter(first_response_due_at__lte=now + timezone.timedelta(days=4))
    assert soon.count() >= 4
    # Shown as "due soon" in working hours (out of hours, before a weekend, nothing is due
    # within the warning window by the rule).
    policy = Mailbox.objects.filter(first_response_policy__isnull=False).first()
    policy = policy.first_response_policy
    next_working_minute = sla.calendar_for(policy).add(now, timezone.timedelta(minutes=1))
    if next_working_minute <= now + timezone.timedelta(hours=4):
        approaching = [c for c in soon if first_response_state(c, now) == "approaching"]
        assert len(approaching) >= 4
    # A resident's answer to a reply joined the same conversation (by In-Reply-To or text).
    threaded = [c for c in conversations if c.messages.filter(direction=Direction.IN).count() >= 2]
    assert len(threaded) >= 2
    assert conversations.filter(service_request__isnull=False).exists()
    assert conversations.filter(messages__attachments__isnull=False).exists()
    # Replies were sent after the message they answer, never before.
    for c in conversations.filter(first_responded_at__isnull=False):
        assert c.created_at < c.first_responded_at <= now


def test_the_hub_adviser_sees_the_messages_queue_with_due_and_overdue(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="adviser"))
    page = client.get("/messages/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bins not collected on Tuesday" in html
    assert "Overdue" in html or "overdue" in html
    overdue = client.get("/messages/", {"due": "overdue"}).content.decode()
    assert "Bins not collected on Tuesday" in overdue
    assert "Question about garden waste subscription" not in overdue
    conversation = Conversation.objects.get(subject="Dog fouling on the playing field")
    page = client.get(f"/messages/{conversation.pk}/").content.decode()
    assert "St Michael" in page
    assert "<script>alert" not in page and "tracker.example.com" not in page


def test_replies_show_their_delivery_and_the_raised_request_has_the_claim_form(demo):
    """What README's demo paragraph promises: replies sent (texts delivered), and the pothole
    raised from a message with its photo and its PDF on the request."""
    from firstcontact.inbox.models import Message

    replies = Message.objects.filter(direction=Direction.OUT)
    assert {m.delivery for m in replies.filter(conversation__channel="email")} == {"sent"}
    assert {m.delivery for m in replies.filter(conversation__channel="sms")} == {"delivered"}
    request = Conversation.objects.exclude(service_request=None).get().service_request
    assert request.photos.count() == 1
    [claim] = request.attachments.all()
    assert claim.name == "Vehicle damage claim.pdf" and claim.content_type == "application/pdf"
    client = Client()
    client.force_login(get_user_model().objects.get(username="highways"))
    page = client.get(f"/work/requests/{request.reference}/").content.decode()
    assert "Vehicle damage claim.pdf" in page
    # The county's own login sees its mailboxes, not Egdon Homes' repairs.
    queue = client.get("/messages/", {"status": "resolved"}).content.decode()
    assert "Pothole on the B3143" in queue
    assert (
        "Kitchen tap dripping"
        not in client.get("/messages/", {"status": "claimed"}).content.decode()
    )
