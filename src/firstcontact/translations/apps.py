from django.apps import AppConfig


class TranslationsConfig(AppConfig):
    name = "firstcontact.translations"
    verbose_name = "Translations of catalogue content"

    def ready(self) -> None:
        from firstcontact.translations import signals  # noqa: F401 - registers the receivers
