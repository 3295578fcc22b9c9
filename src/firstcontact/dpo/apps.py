from django.apps import AppConfig


class DpoConfig(AppConfig):
    name = "firstcontact.dpo"
    label = "dpo"
    verbose_name = "Data protection officer's pages"
