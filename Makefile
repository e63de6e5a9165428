# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# pytest-xdist workers for `make test`, one per core; each has its own test database and Redis database.
# A test file runs whole on one worker (--dist loadfile): the tests of one file may share a server or a folder.
# Files run in the order tests/conftest.py gives them, the longest first (--no-loadscope-reorder).
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: run test dated audit bench backup restore lint format messages compilemessages clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Serve the portal on http://127.0.0.1:8000 in the embedded mode (SQLite, console mail, Celery on the filesystem).
run: $(STAMP)
	scripts/ensure-system-packages gettext pango fonts
	scripts/run-embedded

## The whole suite, browser tests included, on real PostgreSQL and Redis (throwaway ones unless configured).
test: $(STAMP)
	scripts/ensure-system-packages postgresql redis-server chromium gettext pango fonts wrk apertium
	$(MAKE) --no-print-directory lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py compilemessages --ignore='.venv/*' -v 0
	$(PY) -m pytest -n $(WORKERS) --dist loadfile --no-loadscope-reorder $(ARGS)
	@if [ -z "$(ARGS)" ]; then $(MAKE) --no-print-directory dated; fi

# The modules whose code reads today's date, run again on three other days (tests/clock.py): the suite
# must pass whatever day it runs. The permission matrices and browser sweeps read no date and run once.
DATED_TESTS := tests/reviews tests/reminders tests/consultations tests/discussions tests/funding tests/portal \
	tests/test_clock.py \
	tests/deployment/test_processes.py::test_a_due_reminder_goes_through_redis_and_a_real_worker_to_smtp \
	tests/deployment/test_processes.py::test_embedded_mode_delivers_a_due_reminder_to_the_console
# Modules whose outcome cannot depend on the day (races between threads, the timing and per-minute limits of
# signing in, the static checks of the catalogues and of the personal-data registry): they run once, in the suite.
DATED_SKIP := --ignore=tests/consultations/test_concurrency.py --ignore=tests/portal/test_sign_in_abuse.py \
	--ignore=tests/portal/test_locale.py --ignore=tests/portal/test_privacy_registry.py \
	--ignore=tests/portal/test_machine_translation.py
CLOCK_DAYS := 2027-01-02 2028-06-30 2030-12-31

## The date-sensitive modules with the clock moved to each of CLOCK_DAYS (make test runs it after the suite).
dated: $(STAMP)
	scripts/test-on-other-days $(PY) "$(CLOCK_DAYS)" $(DATED_SKIP) $(DATED_TESTS)

## The benchmark: scale data, gunicorn as in production, wrk against every key page and a bare reference view.
bench: $(STAMP)
	scripts/ensure-system-packages postgresql redis-server gettext wrk
	$(PY) manage.py compilemessages --ignore='.venv/*' -v 0
	env -u DATABASE_URL -u REDIS_URL $(PY) -m bench.run $(ARGS)

## Write var/backups/portal-YYYYmmdd-HHMMSS.tar.gz: the database, the media and private files, a manifest.
backup: $(STAMP)
	$(PY) manage.py backup $(ARGS)

## Put a backup back and check it against its manifest: make restore FILE=var/backups/portal-….tar.gz
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/portal-YYYYmmdd-HHMMSS.tar.gz"; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(ARGS)

## Vulnerability audit of the pinned Python packages (pip-audit); exits non-zero on a known vulnerability.
audit: $(STAMP)
	$(PY) scripts/audit

## ruff (lint and format), then the layer contracts of pyproject.toml (import-linter): an upward import fails.
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## Extract the strings to translate into locale/*/LC_MESSAGES/django.po.
messages: $(STAMP)
	$(PY) manage.py makemessages -l ar -l zh_Hans -l fr -l ru -l es --ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --no-obsolete

compilemessages: $(STAMP)
	$(PY) manage.py compilemessages --ignore='.venv/*'

clean:
	rm -rf var
