from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims desk"

    def ready(self) -> None:
        # Registers the database system check and the failed sign-in log.
        from newsdesk import checks, security  # noqa: F401
