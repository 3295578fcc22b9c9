"""The messages queue, a conversation (with an HTML body, a photo and an unknown sender) and a
reply, in a real browser: the queue's filters, a reply left empty (GOV.UK error summary), a
reply sent (in the thread with its delivery state, the email sent with the thread's headers);
axe-core on each."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from firstcontact.inbox import services
from firstcontact.inbox.models import Conversation, Direction, Mailbox, RawMessage
from tests.browser.conftest import assert_no_axe_violations, save_screenshot, sign_in
from tests.images import plain

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _arrive(mailbox: Mailbox, *, subject: str, sender: str, hours_ago: float, **parts) -> None:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mailbox.address
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = f"<{abs(hash(subject))}@example.net>"
    msg.set_content(parts.get("text", "Hello"))
    if parts.get("html"):
        msg.add_alternative(parts["html"], subtype="html")
    if parts.get("photo"):
        msg.add_attachment(parts["photo"], maintype="image", subtype="png", filename="hole.png")
    # Stored and backdated in one transaction: the worker processes it after the commit.
    with transaction.atomic():
        row, _new = services.store_raw(mailbox, msg.as_bytes(), source="webhook")
        RawMessage.objects.filter(pk=row.pk).update(
            received_at=timezone.now() - dt.timedelta(hours=hours_ago)
        )
    services.process_raw(row.pk)  # a no-op where the worker already has


def test_an_officer_finds_a_message_in_the_queue_and_replies(page, page_problems, partnership):
    mailbox = Mailbox.objects.create(
        partner=partnership.county,
        team=partnership.highways,
        name="Highways enquiries",
        address="highways@wessex.example",
        first_response_policy=partnership.five_days,
    )
    _arrive(
        mailbox,
        subject="Pothole on Mill Lane",
        sender="Rita Resident <rita@example.org>",
        hours_ago=2,
        text="There is a deep pothole outside number 4.",
        html="<p>There is a <b>deep</b> pothole.</p><script>alert(1)</script>",
        photo=plain("PNG", (32, 24)),
    )
    _arrive(
        mailbox,
        subject="Hedge over the pavement",
        sender="walker@example.net",
        hours_ago=24 * 14,
        text="The hedge on Back Lane blocks the pavement.",
    )
    mail.outbox.clear()

    sign_in(page, "highways-officer")
    page.goto("/messages/")
    table = page.locator("table")
    expect(table).to_contain_text("Pothole on Mill Lane")
    expect(table).to_contain_text("Hedge over the pavement")
    expect(table.locator(".govuk-tag--red")).to_contain_text("Overdue")
    assert_no_axe_violations(page)
    save_screenshot(page, "messages-queue")

    page.get_by_label("First response").select_option("overdue")
    page.get_by_role("button", name="Filter").click()
    expect(table).to_contain_text("Hedge over the pavement")
    expect(table).not_to_contain_text("Pothole on Mill Lane")
    assert_no_axe_violations(page)

    page.goto("/messages/?status=unassigned")
    conversation = Conversation.objects.get(subject="Pothole on Mill Lane")
    page.locator("table").get_by_role(
        "link", name=conversation.formatted_reference, exact=True
    ).click()
    expect(page.locator("h1")).to_have_text("Pothole on Mill Lane")
    expect(page.get_by_text("hole.png")).to_be_visible()
    page.get_by_text("Formatted message").click()
    expect(page.locator(".govuk-details__text b")).to_have_text("deep")
    assert page.locator(".govuk-details__text script").count() == 0
    assert_no_axe_violations(page)
    save_screenshot(page, "messages-conversation")

    # An empty reply: the error summary, the title starts "Error: ", nothing sent.
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)
    # The form's answer was a 400 on purpose; anything else that failed still fails the test.
    assert [f.split()[0] for f in page_problems.failed] == ["400"]
    page_problems.failed.clear()

    page.get_by_label("Your reply").fill("Thank you: an inspector will visit within 5 days.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("on its way")
    expect(page.locator(".fc-thread")).to_contain_text("an inspector will visit")
    # Its state: sent by the worker (the immediate backend here) through the mail server.
    expect(page.locator(".fc-thread .govuk-tag--blue")).to_have_text("Sent")
    assert_no_axe_violations(page)
    save_screenshot(page, "messages-replied")

    sent = conversation.messages.get(direction=Direction.OUT)
    assert sent.in_reply_to == conversation.messages.get(direction=Direction.IN).message_id
    conversation.refresh_from_db()
    assert conversation.first_responded_at is not None
    assert conversation.assignee.username == "highways-officer"
