from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "firstcontact.inbox"
    label = "inbox"
    verbose_name = "Email and text messages in"
    default_auto_field = "django.db.models.BigAutoField"
