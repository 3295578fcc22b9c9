"""Background work for messages in: processing what was stored, and sending staff replies."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from firstcontact.inbox import services
from firstcontact.inbox.models import Channel, DeliveryState, Direction, Message

# Replies are retried as notifications are (notify's MAX_ATTEMPTS tries, backing off by its
# retry_delay: 1, 4, 16, 64 minutes), so a mail server's outage is not hammered.
from firstcontact.notify.tasks import MAX_ATTEMPTS, retry_delay, send_notification

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
    for notification_id in notification_ids:
        send_notification.call(notification_id)
    return len(notification_ids)


class DeliveryUnavailable(Exception):
    """This reply cannot be sent with this configuration: trying again will not help."""


def _send_email(message: Message) -> str:
    """By SMTP (settings.EMAIL_BACKEND) with the thread's headers (Message-ID, In-Reply-To,
    References), so the resident's mail program shows it in the conversation."""
    mailbox = message.conversation.mailbox
    headers = {"Message-ID": message.message_id, "Auto-Submitted": "no"}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = message.references
    EmailMessage(
        subject=message.subject,
        body=message.text,
        from_email=mailbox.address or settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers=headers,
    ).send()
    return ""


def _send_sms(message: Message) -> str:
    """By GOV.UK Notify (its SMS template with ((body))); returns Notify's id, which its
    delivery receipts name. The reference names the message too."""
    from firstcontact.notify.delivery import _notify_client

    notify = getattr(settings, "NOTIFY", {}) or {}
    if not notify.get("API_KEY") or not notify.get("SMS_TEMPLATE_ID"):
        raise DeliveryUnavailable("Text messages need GOV.UK Notify to be configured.")
    response = _notify_client().send_sms_notification(
        phone_number=message.to,
        template_id=notify["SMS_TEMPLATE_ID"],
        personalisation={"body": message.text},
        reference=f"inbox-{message.pk}",
    )
    return str((response or {}).get("id", ""))[:100]


@task()
def send_reply(message_id: int) -> str:
    """Send a staff reply by email or by text. A failure is retried with backoff
    (MAX_ATTEMPTS tries) and shown on the conversation as trying again, then as failed:
    the reply itself is kept whatever happens."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("conversation__mailbox")
            .filter(pk=message_id, direction=Direction.OUT)
            .first()
        )
        if message is None or message.delivery not in {
            DeliveryState.QUEUED,
            DeliveryState.RETRYING,
        }:
            return "nothing to do"
        message.attempts += 1
        message.next_attempt_at = None
        try:
            if message.conversation.channel == Channel.SMS:
                message.provider_reference = _send_sms(message)
            else:
                _send_email(message)
        except DeliveryUnavailable as exc:
            message.delivery = DeliveryState.FAILED
            message.delivery_error = str(exc)
        except Exception as exc:  # noqa: BLE001 - shown to staff on the conversation
            logger.warning("Inbox: reply %s failed (try %s): %s", message_id, message.attempts, exc)
            message.delivery_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.delivery = DeliveryState.FAILED
            else:
                message.delivery = DeliveryState.RETRYING
                message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
        else:
            message.delivery = DeliveryState.SENT
            message.delivery_error = ""
        message.delivery_updated_at = timezone.now()
        message.save(
            update_fields=[
                "delivery",
                "delivery_error",
                "attempts",
                "next_attempt_at",
                "delivery_updated_at",
                "provider_reference",
            ]
        )
    # A backend that cannot defer (the immediate one in development) leaves it "trying
    # again" for `firstcontact process_inbox` to send when it is due.
    if message.delivery == DeliveryState.RETRYING and send_reply.get_backend().supports_defer:
        retry_at = message.next_attempt_at
        transaction.on_commit(lambda: send_reply.using(run_after=retry_at).enqueue(message_id))
    return message.delivery
