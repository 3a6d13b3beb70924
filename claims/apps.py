from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims desk"

    def ready(self) -> None:
        import newsdesk.checks  # noqa: F401 - registers the database check
