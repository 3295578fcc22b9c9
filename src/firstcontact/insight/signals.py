"""Hooks: after a call import, refresh rollups and sampling; after a contact ends or a request
closes, maybe invite the customer to a survey (in a task, after the transaction commits)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from firstcontact.contacts.models import Contact
from firstcontact.customers.models import ConsentPurpose
from firstcontact.insight.models import IndicatorSettings
from firstcontact.servicerequests.models import ServiceRequest, Status
from firstcontact.telephony.importer import calls_imported


@receiver(calls_imported, dispatch_uid="insight_refresh_after_import")
def refresh_after_import(sender, run, first, last, **kwargs):
    from firstcontact.insight.indicators import local_zone
    from firstcontact.insight.tasks import refresh_after_import as task

    if first is None or last is None:
        return
    zone = local_zone()
    task.enqueue(
        first.astimezone(zone).date().isoformat(), last.astimezone(zone).date().isoformat()
    )


def _customer_consents(customer_id) -> bool:
    from firstcontact.customers.models import Consent

    return (
        customer_id is not None
        and Consent.objects.current()
        .filter(customer_id=customer_id, purpose=ConsentPurpose.SURVEYS)
        .exists()
    )


@receiver(post_save, sender=Contact, dispatch_uid="insight_contact_ended")
def contact_ended(sender, instance: Contact, created, raw=False, update_fields=None, **kwargs):
    if raw or instance.ended_at is None:
        return
    if update_fields is not None and "ended_at" not in update_fields:
        return
    if not _customer_consents(instance.customer_id):
        return
    from firstcontact.insight.tasks import invite_after_contact

    pk = instance.pk
    transaction.on_commit(lambda: invite_after_contact.enqueue(pk))


@receiver(post_save, sender=ServiceRequest, dispatch_uid="insight_request_closed")
def request_closed(
    sender, instance: ServiceRequest, created, raw=False, update_fields=None, **kwargs
):
    if raw or instance.status != Status.CLOSED:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    if not _customer_consents(instance.customer_id):
        return
    from firstcontact.insight.tasks import invite_after_request

    pk = instance.pk
    transaction.on_commit(lambda: invite_after_request.enqueue(pk))


@receiver(post_save, sender=IndicatorSettings, dispatch_uid="insight_thresholds_changed")
def thresholds_changed(sender, instance, raw=False, **kwargs):
    """Rollups hold counts for the old thresholds: stop reading them, and rebuild them (in a
    task) for the days they covered."""
    from firstcontact.insight.models import CallDailyRollup
    from firstcontact.insight.rollups import CALLS, reset, rolled_days
    from firstcontact.insight.tasks import rebuild_call_rollups

    if raw:
        return
    stale = CallDailyRollup.objects.exclude(
        service_level_seconds=instance.service_level_seconds,
        short_abandon_seconds=instance.short_abandon_seconds,
    )
    if stale.exists():
        span = rolled_days(CALLS)
        reset(CALLS)
        if span is not None:
            first, last = span[0].isoformat(), span[1].isoformat()
            transaction.on_commit(lambda: rebuild_call_rollups.enqueue(first, last))
