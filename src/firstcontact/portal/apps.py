from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "firstcontact.portal"
    label = "portal"
    verbose_name = "Resident site"
