from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "firstcontact.directory"
    verbose_name = "Directory of services (Open Referral UK)"

    def ready(self) -> None:
        from firstcontact.directory import signals  # noqa: F401
