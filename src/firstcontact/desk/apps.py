from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "firstcontact.desk"
    verbose_name = "Adviser desktop"
