"""A catalogue service's directory entry shows its name and description: when the catalogue
service changes, its entry counts as modified (ORUK's modified_after, an importer's next run)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from firstcontact.catalogue.models import Service as CatalogueService


@receiver(post_save, sender=CatalogueService, dispatch_uid="directory_catalogue_touch")
def touch_directory_entry(sender, instance: CatalogueService, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    from firstcontact.directory.models import Service

    Service.objects.filter(catalogue_service=instance).update(last_modified=timezone.now())
