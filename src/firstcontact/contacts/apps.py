from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "firstcontact.contacts"
    verbose_name = "Contacts"

    def ready(self) -> None:
        from firstcontact.contacts import signals  # noqa: F401 - registers the receivers
