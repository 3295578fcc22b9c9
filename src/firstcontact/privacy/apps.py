from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "firstcontact.privacy"
    verbose_name = "Privacy: audit and data sharing"
