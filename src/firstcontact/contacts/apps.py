from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "firstcontact.contacts"
    verbose_name = "Contacts"
