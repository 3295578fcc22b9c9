"""An adviser's sign-in closes the contacts their last session left in progress: the desk
keeps one contact per session, and that session is gone."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in, dispatch_uid="contacts-close-on-sign-in")
def close_left_contacts(sender, request, user, **kwargs) -> None:
    from firstcontact.contacts.services import close_timed_out_contacts

    close_timed_out_contacts(adviser=user)
