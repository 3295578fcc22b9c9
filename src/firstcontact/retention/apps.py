from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "firstcontact.retention"
    verbose_name = "Retention and erasure"
