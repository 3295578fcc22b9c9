from django.apps import AppConfig


class StewardConfig(AppConfig):
    name = "firstcontact.steward"
    label = "steward"
    verbose_name = "Data steward's pages"
