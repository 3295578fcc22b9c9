from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "firstcontact.open311"
    verbose_name = "Open311 GeoReport v2"
