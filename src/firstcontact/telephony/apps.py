from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "firstcontact.telephony"
    verbose_name = "Telephony"
