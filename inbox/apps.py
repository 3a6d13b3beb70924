from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        # Connects the receivers to the desk's events (claims/signals.py; docs/architecture.md, "Notifications").
        from inbox import receivers  # noqa: F401
