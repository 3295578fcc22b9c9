"""Write a realistic Asterisk queue_log (for demonstrations and benchmarks) to stdout."""

from __future__ import annotations

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from firstcontact.telephony.generator import DEMO_PROFILES, QueueProfile, generate_queue_log
from firstcontact.telephony.models import Queue


def parse_profile(text: str) -> QueueProfile:
    """NAME[:CALLS_PER_DAY[:AHT_SECONDS[:PATIENCE_SECONDS]]]"""
    parts = text.split(":")
    try:
        numbers = [float(p) for p in parts[1:]]
    except ValueError:
        raise CommandError(f"{text!r}: use NAME[:CALLS_PER_DAY[:AHT[:PATIENCE]]]") from None
    defaults = [300.0, 240.0, 180.0]
    values = numbers + defaults[len(numbers) :]
    return QueueProfile(parts[0], values[0], aht_seconds=values[1], patience_seconds=values[2])


class Command(BaseCommand):
    help = (
        "Write a generated queue_log to standard output (or --output): arrivals by time of "
        "day and weekday, Erlang-staffed agents, abandonment with patience, transfers. "
        "Pipe it into import_calls: generate_queue_log --days 30 | import_calls -"
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument(
            "--start", help="first day, YYYY-MM-DD (default: DAYS days before today)"
        )
        parser.add_argument(
            "--until-now",
            action="store_true",
            help="stop at the current time, leaving today's calls in progress open",
        )
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            metavar="NAME[:CALLS_PER_DAY[:AHT[:PATIENCE]]]",
            help="a queue to generate (repeat); default: the queues in the database, else "
            + ", ".join(p.name for p in DEMO_PROFILES),
        )
        parser.add_argument("--scale", type=float, default=1.0, help="multiply every volume")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--output", "-o", help="a file to write instead of stdout")

    def handle(self, *args, days, start, until_now, queues, scale, seed, output, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        today = timezone.localdate()
        if start:
            try:
                first = dt.date.fromisoformat(start)
            except ValueError:
                raise CommandError("--start must be YYYY-MM-DD") from None
        else:
            first = today - dt.timedelta(days=days - (1 if until_now else 0))
        if queues:
            profiles = [parse_profile(q) for q in queues]
        else:
            names = list(Queue.objects.values_list("name", flat=True)) if _has_db() else []
            profiles = [QueueProfile(n, 300) for n in names] or list(DEMO_PROFILES)
        if scale != 1.0:
            profiles = [
                QueueProfile(p.name, p.calls_per_day * scale, p.aht_seconds, p.patience_seconds)
                for p in profiles
            ]
        until = timezone.now() if until_now else None
        out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            buffer: list[str] = []
            for line in generate_queue_log(profiles, first, days, seed=seed, until=until):
                buffer.append(line)
                if len(buffer) >= 10_000:
                    out.write("".join(buffer))
                    buffer = []
            out.write("".join(buffer))
        finally:
            if output:
                out.close()


def _has_db() -> bool:
    from django.db import DatabaseError

    try:
        Queue.objects.exists()
    except DatabaseError:
        return False
    return True
