from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "firstcontact.customers"
    verbose_name = "Customers"
