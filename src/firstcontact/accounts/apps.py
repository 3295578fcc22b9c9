from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "firstcontact.accounts"
    label = "accounts"
    verbose_name = "Staff sign-in"

    def ready(self) -> None:
        # Audit receivers for Django's and axes' sign-in signals.
        from firstcontact.accounts import signals  # noqa: F401
