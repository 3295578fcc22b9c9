"""Background work for messages in: processing what was stored, and sending staff replies."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task

from firstcontact.inbox import services
from firstcontact.inbox.models import DeliveryState, Direction, Message

logger = logging.getLogger("firstcontact.inbox")


@task()
def process_pending() -> dict[str, int]:
    """Thread every stored message waiting into its conversation, in batches (see
    services.process_batch). The webhook queues this only when no such task is waiting, so
    one worker runs one task per burst, not one per message. A failure leaves the raw message
    stored and marked failed; `firstcontact process_inbox` tries again."""
    return services.process_pending()


@task()
def process_message(raw_id: int) -> str:
    """One stored message (idempotent: see services.process_raw); kept for tasks queued before
    process_pending."""
    return services.process_raw(raw_id)


@task()
def send_acknowledgements(notification_ids: list[int]) -> int:
    """A batch's automatic acknowledgements, each sent (and retried on failure) as notify's
    own send_notification does."""
    from firstcontact.notify.tasks import send_notification

    for notification_id in notification_ids:
        send_notification.call(notification_id)
    return len(notification_ids)


@task()
def send_reply(message_id: int) -> str:
    """Send a staff reply by email with the thread's headers (Message-ID, In-Reply-To,
    References), so the resident's mail program shows it in the conversation."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("conversation__mailbox")
            .filter(pk=message_id, direction=Direction.OUT)
            .first()
        )
        if message is None or message.delivery != DeliveryState.QUEUED:
            return "nothing to do"
        mailbox = message.conversation.mailbox
        headers = {"Message-ID": message.message_id, "Auto-Submitted": "no"}
        if message.in_reply_to:
            headers["In-Reply-To"] = message.in_reply_to
        if message.references:
            headers["References"] = message.references
        email = EmailMessage(
            subject=message.subject,
            body=message.text,
            from_email=mailbox.address or settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers=headers,
        )
        try:
            email.send()
        except Exception as exc:  # noqa: BLE001 - shown to staff on the conversation
            logger.warning("Inbox: reply %s failed: %s", message_id, exc)
            message.delivery = DeliveryState.FAILED
            message.delivery_error = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            message.delivery = DeliveryState.SENT
            message.delivery_error = ""
        message.save(update_fields=["delivery", "delivery_error"])
    return message.delivery
