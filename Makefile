# The two commands a newcomer needs: `make run` and `make test`. Both set everything up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Local development runs with DEBUG on; production sets DEBUG=0 and SECRET_KEY.
export DEBUG ?= 1

.PHONY: run test setup pdf-libs chromium wrk lint fmt migrations-check check-deploy bench bench-quick bench-captures bench-intake load db-stop clean

# System packages the project needs are installed the platform's ordinary way when they are missing
# (as root on Debian); anywhere else the command stops and says what to install.
# $(1): the Debian packages; $(2): what needs them; $(3): another way out, if there is one.
apt_install = if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing $(1) for $(2) (apt-get install $(1))"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	else \
	  echo "ERROR: $(1) was not found, and $(2) cannot run without it. Install it (Debian: sudo apt-get install $(1))$(3)." >&2; \
	  exit 1; \
	fi

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "ERROR: '$(PYTHON) -m venv' failed. On Debian or Ubuntu install python3-venv (apt-get install python3-venv)." >&2; \
	  exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed pdf-libs
	$(BIN)/python manage.py migrate --no-input

# WeasyPrint (the PDF report) needs Pango from the system. Install it the platform's ordinary way
# when missing, or say what to install.
pdf-libs:
	@if ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' && ldconfig -p | grep -q 'libpangoft2-1.0.so'; then exit 0; fi; \
	$(call apt_install,libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core,the PDF report)

# The web server and a worker (captures, link watch, exports) together, from the Procfile, by honcho:
# one Ctrl-C stops both. The demo's own page set is served by this machine, so the worker may fetch
# from it (CAPTURE_ALLOW_PRIVATE_NETWORKS; never on in production).
run: setup
	$(BIN)/python manage.py load_demo
	@echo "Starting the web server on http://127.0.0.1:8000 and a background worker (honcho, see Procfile). Ctrl-C stops both."
	PATH="$(CURDIR)/$(BIN):$$PATH" CAPTURE_ALLOW_PRIVATE_NETWORKS=$${CAPTURE_ALLOW_PRIVATE_NETWORKS:-1} \
	  $(BIN)/honcho --procfile Procfile start

# Browser tests drive the system Chromium. Get one the platform's ordinary way if it is
# missing; never skip browser tests silently.
chromium:
	@if [ -n "$$CHROMIUM" ] && [ -x "$$CHROMIUM" ]; then exit 0; fi; \
	for candidate in chromium chromium-browser google-chrome google-chrome-stable; do \
	  if command -v $$candidate >/dev/null; then exit 0; fi; \
	done; \
	$(call apt_install,chromium,the browser tests, or set CHROMIUM=/path/to/chrome)

test: setup chromium
	$(BIN)/pytest
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.installed
	$(BIN)/python manage.py makemigrations --check --dry-run

# `manage.py check --deploy` with production-like settings: must report nothing above INFO.
check-deploy: $(VENV)/.installed
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=desk.example.org EMBEDDED_DATABASE=1 \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# wrk drives the load run. Get it the platform's ordinary way if it is missing.
wrk:
	@if command -v wrk >/dev/null; then exit 0; fi; \
	$(call apt_install,wrk,the load run)

# Benchmarks: the weekly CSV in-process (time and Python memory at two sizes), then the scale
# benchmark (bench/scale.py): a million seeded claims in the embedded database newsdesk_scale (or
# DATABASE_URL; an existing seed of that size is reused), every page timed through gunicorn against
# the targets of issue 7, with a 100-claim desk for the query counts and wrk for throughput. The table
# goes into docs/benchmarks.md. Options: make bench BENCH_OPTIONS="--requests 50 --duration 30".
# Then the captures benchmark (bench/captures.py, below), and last intake's (bench/intake.py, below).
# The load run (many connections for a minute on a small desk) is `make load`.
# The scripts set BENCHMARK=1 for the servers and the seeding they start: that installs the bench app
# (seed_scale, Server-Timing, the bare page) with DEBUG off (docs/architecture.md, "Benchmarks and synthetic data").
bench: setup wrk chromium
	$(BIN)/python bench/weekly_csv.py 5000
	$(BIN)/python bench/scale.py $(BENCH_OPTIONS)
	$(BIN)/python bench/captures.py $(CAPTURES_OPTIONS)
	$(BIN)/python bench/intake.py $(INTAKE_OPTIONS)

# A quick look while working on speed: 100,000 claims in a database of its own, fewer requests,
# short wrk runs; docs/benchmarks.md is left alone.
bench-quick: setup wrk
	EMBEDDED_DATABASE_NAME=newsdesk_scale_quick $(BIN)/python bench/scale.py --claims 100000 --requests 10 \
	  --duration 5 --no-doc $(BENCH_OPTIONS)

# Captures alone (about 2 minutes): captures per minute with one and two real workers, Chromium
# included, from a news site the script serves on 127.0.0.1, and linking evidence with the capture
# queued and without, in a database of its own (newsdesk_bench_captures). The tables go into
# docs/benchmarks.md. Options: make bench-captures CAPTURES_OPTIONS="--captures 100 --posts 200".
bench-captures: setup chromium
	$(BIN)/python bench/captures.py $(CAPTURES_OPTIONS)

# Intake alone (a minute once the million-claim desk exists; it seeds newsdesk_scale if missing): recall,
# precision, claimants and dates on the annotated stories per language, and the time to extract a
# 1,000-word story with its duplicate look-up at a million claims. The tables go into docs/benchmarks.md.
# Options: make bench-intake INTAKE_OPTIONS="--misses --no-doc".
bench-intake: setup
	$(BIN)/python bench/intake.py $(INTAKE_OPTIONS)

# Load run: gunicorn with production settings, 60 s of wrk at 64 connections on three pages; fails on
# any failed request. The figures go into docs/benchmarks.md.
load: setup wrk
	$(BIN)/python bench/load.py

# The embedded PostgreSQL keeps running between commands; this stops it (its data stays in var/).
db-stop:
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m newsdesk.embedded_db stop; fi

clean: db-stop
	rm -rf $(VENV) staticfiles
