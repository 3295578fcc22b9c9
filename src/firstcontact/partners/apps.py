from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "firstcontact.partners"
    verbose_name = "Partners and staff"
