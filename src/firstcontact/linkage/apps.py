from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "firstcontact.linkage"
    verbose_name = "Record linkage"
