from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Development and benchmarks only: newsdesk/settings.py installs it with DEBUG or BENCHMARK on."""

    name = "bench"
    verbose_name = "Benchmarks (development only)"
