"""Calls offered to the ACD's queues, which partner and service each queue answers for, what
agents did, and each import of a queue_log or CSV file."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Queue(models.Model):
    """An ACD queue, mapped to the partner the calls are for and (optionally) a service.

    Import creates a queue the first time its name appears, unmapped; until a partnership
    administrator maps it to a partner its calls are seen only by partnership administrators.
    """

    name = models.CharField(
        max_length=128, unique=True, help_text="The queue's name exactly as the ACD logs it."
    )
    label = models.CharField(max_length=200, blank=True, help_text="A name for people to read.")
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="call_queues",
        help_text="The partner the calls are for.",
    )
    service = models.ForeignKey(
        "catalogue.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_queues",
        help_text="The service callers choose when they reach this queue, if there is one.",
    )
    handled_by = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="call_queues_handled",
        help_text="The hub whose advisers answer this queue, if not the partner's own staff.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label or self.name

    @property
    def display_name(self) -> str:
        return self.label or self.name


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", "Answered"
    ABANDONED = "abandoned", "Abandoned (caller hung up)"
    TIMEOUT = "timeout", "Left the queue at its time limit"
    EXIT_KEY = "exit_key", "Left the queue by pressing a key"
    EXIT_EMPTY = "exit_empty", "Left the queue: no agents"
    WAITING = "waiting", "Waiting now"
    TALKING = "talking", "Talking now"


OPEN_OUTCOMES = (CallOutcome.WAITING, CallOutcome.TALKING)


class CallRecord(models.Model):
    """One call's visit to one queue: when it entered, whether and when it was answered, how
    long it waited and talked. A call that moves to another queue has a record in each.

    A visit is identified by when it entered, the queue and the ACD's call id: that is the
    primary key, so importing a file twice adds nothing. It is also the one index, which
    serves "the calls in this period" (of every queue or of some): a surrogate id would be a
    second index to fill for every imported call, a third of the database's work. (Django's
    admin cannot list a model with a composite key; the insight pages and their CSV exports
    show the calls.)"""

    pk = models.CompositePrimaryKey("entered_at", "queue_id", "call_id")
    # No index of its own (the primary key begins with the time) and no foreign-key
    # constraint in the database: checking one costs a trigger per row, the largest part of
    # importing millions of calls. The importer creates every queue before its calls, and
    # PROTECT still stops a queue with calls being deleted through Django.
    queue = models.ForeignKey(
        Queue,
        on_delete=models.PROTECT,
        related_name="calls",
        db_index=False,
        db_constraint=False,
    )
    call_id = models.CharField(max_length=64, help_text="The ACD's unique id for the call.")
    entered_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=CallOutcome.choices)
    wait_seconds = models.PositiveIntegerField(
        default=0, help_text="Time in the queue until answered, or until the caller left."
    )
    talk_seconds = models.PositiveIntegerField(null=True, blank=True)
    agent = models.CharField(max_length=80, blank=True)
    transferred = models.BooleanField(default=False)
    entry_position = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-entered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=models.F("entered_at")),
                name="call_answered_after_entering",
            ),
        ]

    def __str__(self) -> str:
        return f"Call {self.call_id} in {self.queue_id} at {self.entered_at:%Y-%m-%d %H:%M:%S}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class AgentEventKind(models.TextChoices):
    LOGIN = "login", "Logged in"
    LOGOFF = "logoff", "Logged off"
    ADD_MEMBER = "add_member", "Joined the queue"
    REMOVE_MEMBER = "remove_member", "Left the queue"
    PAUSE = "pause", "Paused"
    UNPAUSE = "unpause", "Unpaused"
    RING_NO_ANSWER = "ring_no_answer", "Rang, not answered"


class AgentEvent(models.Model):
    """What an agent did: joined or left a queue, logged in or off, paused, missed a ring.

    `queue_name` is the queue as logged ("NONE" for events about every queue); `queue` is set
    when it names a known queue.
    """

    at = models.DateTimeField()
    agent = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=AgentEventKind.choices)
    queue_name = models.CharField(max_length=128)
    # No foreign-key constraint in the database (PROTECT still applies through Django): its
    # check locks the queue's row for every event stored, the most of an import's events'
    # cost. The importer creates every queue before its events.
    queue = models.ForeignKey(
        Queue,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agent_events",
        db_constraint=False,
    )
    reason = models.CharField(max_length=80, blank=True)
    call_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["at", "agent", "kind", "queue_name"], name="agent_event_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.get_kind_display().lower()} at {self.at:%Y-%m-%d %H:%M:%S}"


class ImportFormat(models.TextChoices):
    QUEUE_LOG = "queue_log", "Asterisk queue_log"
    CSV = "csv", "CSV call records"


class ImportRun(models.Model):
    """One import of a file: what it held, what it added, and the lines that were wrong."""

    source = models.CharField(max_length=500)
    format = models.CharField(max_length=10, choices=ImportFormat.choices)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    lines = models.PositiveIntegerField(default=0)
    calls_written = models.PositiveIntegerField(
        default=0, help_text="Call records added, or completed from an earlier import."
    )
    agent_events_written = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="The first malformed lines: line number and problem."
    )
    new_queues = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source} at {self.started_at:%Y-%m-%d %H:%M}"
