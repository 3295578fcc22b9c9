from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "firstcontact.catalogue"
    verbose_name = "Service catalogue"
