"""Background work for contacts: closing those left in progress."""

from __future__ import annotations

from django.tasks import task


@task()
def close_timed_out_contacts_task() -> str:
    from firstcontact.contacts.services import close_timed_out_contacts

    return f"{close_timed_out_contacts()} contact(s) closed as timed out"
