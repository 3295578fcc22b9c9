"""Send one message: GOV.UK Notify when a key is configured, else Django's mailer.

SMS is only possible through Notify. Notify templates are generic: one email template with
((subject)) and ((body)) placeholders, and one SMS template with ((body)).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from firstcontact.notify.models import Notification, NotificationChannel


class DeliveryUnavailable(Exception):
    """The channel cannot be used with this configuration; retrying will not help."""


def _notify_client():
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(settings.NOTIFY["API_KEY"])


def deliver(notification: Notification) -> str:
    """Send it now; returns the provider's reference. Raises on failure."""
    notify = getattr(settings, "NOTIFY", {}) or {}
    if notification.channel == NotificationChannel.SMS:
        if not notify.get("API_KEY") or not notify.get("SMS_TEMPLATE_ID"):
            raise DeliveryUnavailable("Text messages need GOV.UK Notify to be configured.")
        response = _notify_client().send_sms_notification(
            phone_number=notification.recipient,
            template_id=notify["SMS_TEMPLATE_ID"],
            personalisation={"body": notification.body},
            reference=str(notification.pk),
        )
        return str(response.get("id", ""))
    if notify.get("API_KEY") and notify.get("EMAIL_TEMPLATE_ID"):
        response = _notify_client().send_email_notification(
            email_address=notification.recipient,
            template_id=notify["EMAIL_TEMPLATE_ID"],
            personalisation={"subject": notification.subject, "body": notification.body},
            reference=str(notification.pk),
        )
        return str(response.get("id", ""))
    send_mail(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient],
    )
    return ""
