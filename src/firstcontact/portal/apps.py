from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(sender, using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """The shared cache's table (settings.CACHES, DatabaseCache), after every `migrate`: so
    `make run`, a production migrate and the test databases all have it. Does nothing when
    the table exists or the cache is Redis."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))


class PortalConfig(AppConfig):
    name = "firstcontact.portal"
    label = "portal"
    verbose_name = "Resident site"

    def ready(self) -> None:
        # The resident site's rate limits count in the shared cache (firstcontact/cache.py).
        post_migrate.connect(
            create_cache_table, sender=self, dispatch_uid="firstcontact.create_cache_table"
        )
