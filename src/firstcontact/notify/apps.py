from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "firstcontact.notify"
    verbose_name = "Notifications"
