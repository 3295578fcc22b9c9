from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "firstcontact.casework"
    verbose_name = "Case work staples"
