"""Queue messages. Sending happens in a task after the surrounding transaction commits, never
inside a web request."""

from __future__ import annotations

from django.db import transaction

from firstcontact.notify.models import Notification, NotificationChannel


def queue_notification(
    *, channel: str, recipient: str, subject: str, body: str, service_request=None
) -> Notification:
    from firstcontact.notify.tasks import send_notification

    notification = Notification.objects.create(
        channel=channel,
        recipient=recipient,
        subject=subject[:200],
        body=body,
        service_request=service_request,
    )
    transaction.on_commit(lambda: send_notification.enqueue(notification.pk))
    return notification


def notify_customer_of_request(
    service_request, *, subject: str, body: str, customer=None
) -> list[Notification]:
    """Tell the request's customer (or `customer`: someone who reported the same problem and
    was added to the request), by email and/or text as their consents allow.

    A customer who has recorded no channel consent still gets email about their own request:
    that is the service they asked for, not marketing.
    """
    customer = customer or service_request.customer
    if customer is None or customer.deceased:
        # Told of their death (tell us once, or staff): nobody writes to them any more.
        return []
    purposes = set(customer.consents.current().values_list("purpose", flat=True))
    sent = []
    email = customer.emails.first()
    wants_sms = "sms_updates" in purposes
    if email is not None and ("email_updates" in purposes or not wants_sms):
        sent.append(
            queue_notification(
                channel=NotificationChannel.EMAIL,
                recipient=email.address,
                subject=subject,
                body=body,
                service_request=service_request,
            )
        )
    phone = customer.phones.first()
    if phone is not None and wants_sms:
        sent.append(
            queue_notification(
                channel=NotificationChannel.SMS,
                recipient=phone.number,
                subject=subject,
                body=body,
                service_request=service_request,
            )
        )
    return sent
