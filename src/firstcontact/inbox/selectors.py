"""Reads of conversations, scoped to the partners the user acts for (docs/access.md): a
conversation is held by its mailbox's partner, and read by those who act for it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from firstcontact.inbox.models import Attachment, AttachmentState, Conversation
from firstcontact.partners.selectors import acting_partner_ids
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from firstcontact.servicerequests.escalation import WARNING_FRACTION, warning_window

User = AbstractBaseUser | AnonymousUser


def visible_conversations(user: User) -> QuerySet[Conversation]:
    return Conversation.objects.filter(partner_id__in=acting_partner_ids(user))


def get_conversation(user: User, pk: int) -> Conversation:
    """One conversation the user may read, 404 otherwise; audited when it is a customer's."""
    conversation = (
        visible_conversations(user)
        .select_related("mailbox", "partner", "team", "customer", "assignee", "service_request")
        .filter(pk=pk)
        .first()
    )
    if conversation is None:
        raise Http404("No conversation with that number that you may see.")
    record_audit_event(
        user=user,
        action=AuditEvent.Action.VIEW,
        object_type="conversation",
        object_id=conversation.reference,
        customer_id=conversation.customer_id,
    )
    return conversation


def get_attachment(user: User, pk: int) -> Attachment:
    attachment = (
        Attachment.objects.filter(
            pk=pk,
            state=AttachmentState.STORED,
            message__conversation__partner_id__in=acting_partner_ids(user),
        )
        .select_related("message__conversation")
        .first()
    )
    if attachment is None or not attachment.file:
        raise Http404("No attachment with that number that you may see.")
    conversation = attachment.message.conversation
    record_audit_event(
        user=user,
        action=AuditEvent.Action.VIEW,
        object_type="conversation_attachment",
        object_id=attachment.pk,
        customer_id=conversation.customer_id,
        detail=conversation.reference,
    )
    return attachment


def first_response_state(conversation: Conversation, now: dt.datetime) -> str:
    """'' (on time, answered, or no standard), 'approaching' (due soon) or 'breached' (overdue),
    on the same rule as requests' SLA alerts (servicerequests.escalation)."""
    due = conversation.first_response_due_at
    if due is None or conversation.first_responded_at is not None or not conversation.is_open:
        return ""
    if due <= now:
        return "breached"
    span = max(due - conversation.created_at, dt.timedelta(0))
    if due - min(warning_window(), span * WARNING_FRACTION) <= now:
        return "approaching"
    return ""
