from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # The receivers listen to the desk's events (claims/signals.py; docs/architecture.md, "Webhooks").
        from webhooks import events

        events.connect()
