from django.apps import AppConfig


class ServiceRequestsConfig(AppConfig):
    name = "firstcontact.servicerequests"
    verbose_name = "Service requests"
