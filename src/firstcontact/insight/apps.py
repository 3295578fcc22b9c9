from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "firstcontact.insight"
    verbose_name = "Insight"

    def ready(self) -> None:
        from firstcontact.insight import signals  # noqa: F401
