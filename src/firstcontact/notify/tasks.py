"""Background delivery of notifications, with retries that staff can see."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from firstcontact.notify.delivery import DeliveryUnavailable, deliver
from firstcontact.notify.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def retry_delay(attempt: int) -> dt.timedelta:
    """1, 4, 16, 64 minutes: back off so a provider outage is not hammered."""
    return dt.timedelta(minutes=4 ** (attempt - 1))


@task()
def send_notification(notification_id: int) -> str:
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status in {
            NotificationStatus.SENT,
            NotificationStatus.FAILED,
        }:
            return "nothing to do"
        notification.attempts += 1
        try:
            notification.provider_reference = deliver(notification)
        except DeliveryUnavailable as exc:
            notification.status = NotificationStatus.FAILED
            notification.last_error = str(exc)
        except Exception as exc:  # noqa: BLE001 - any provider failure is retried
            logger.warning("Notification %s failed: %s", notification_id, exc)
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = NotificationStatus.FAILED
            else:
                notification.status = NotificationStatus.RETRYING
        else:
            notification.status = NotificationStatus.SENT
            notification.sent_at = timezone.now()
            notification.last_error = ""
        notification.save()
    # Backends that cannot defer (the immediate one used in development) leave the message
    # as "retrying" for staff to see instead of retrying in a tight loop.
    if notification.status == NotificationStatus.RETRYING and (
        send_notification.get_backend().supports_defer
    ):
        retry_at = timezone.now() + retry_delay(notification.attempts)
        transaction.on_commit(
            lambda: send_notification.using(run_after=retry_at).enqueue(notification_id)
        )
    return notification.status
