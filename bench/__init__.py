"""Benchmarks and synthetic data, apart from the product (docs/architecture.md, "Benchmarks and synthetic data").

Two things live here. The scripts (scale.py, captures.py, load.py, weekly_csv.py and common.py) are run
by path, `python bench/scale.py`, and are never imported by the desk. The rest is a Django app that
settings install only with DEBUG or BENCHMARK on, never in production: the scale seeder (seeding.py,
`manage.py seed_scale`), the Server-Timing middleware (middleware.py) and the bare page (views.py).
"""
