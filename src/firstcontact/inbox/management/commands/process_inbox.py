"""Process stored messages the worker has not (a task lost, or one that failed), and send
replies left queued or due to be tried again."""

from django.core.management.base import BaseCommand

from firstcontact.inbox.models import RawMessage, RawState
from firstcontact.inbox.services import process_raw, replies_due


class Command(BaseCommand):
    help = "Process inbound messages left pending or failed; send replies left unsent."

    def handle(self, *args, **options):
        from firstcontact.inbox.tasks import send_reply

        ids = list(
            RawMessage.objects.filter(state__in=[RawState.PENDING, RawState.FAILED])
            .order_by("received_at")
            .values_list("pk", flat=True)
        )
        states: dict[str, int] = {}
        for pk in ids:
            state = process_raw(pk)
            states[state] = states.get(state, 0) + 1
        self.stdout.write(f"{len(ids)} messages: {states}")
        replies: dict[str, int] = {}
        due = replies_due()
        for pk in due:
            state = send_reply.call(pk)
            replies[state] = replies.get(state, 0) + 1
        self.stdout.write(f"{len(due)} replies: {replies}")
