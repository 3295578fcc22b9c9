from django.apps import AppConfig


class LifeEventsConfig(AppConfig):
    name = "firstcontact.lifeevents"
    label = "lifeevents"
    verbose_name = "Life events (tell us once)"
