"""Saving or deleting a translation forgets what this process read for the request."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from firstcontact.translations.models import Translation


@receiver(post_save, sender=Translation, dispatch_uid="translations-saved")
@receiver(post_delete, sender=Translation, dispatch_uid="translations-deleted")
def forget(sender, **kwargs) -> None:
    from firstcontact.translations.services import forget_memo

    forget_memo()
