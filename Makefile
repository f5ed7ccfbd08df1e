# JIPP platform. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ADMIN_USER ?= admin
DEMO_ADMIN_PASSWORD ?= jipp-demo-2026
# PostgreSQL for the second test run; the test database gets a fresh name per run.
PG_URL ?= postgres://postgres@127.0.0.1:5432
ifndef PG_TEST_DB
PG_TEST_DB := jipp_$(shell date +%Y%m%d%H%M%S)_$(shell od -An -N2 -tu2 /dev/urandom | tr -d ' ')
endif
# Set to 1 (as .ci/run does) to make an unreachable PostgreSQL a failure, not a skip.
JIPP_REQUIRE_POSTGRES ?=

# pytest exits 5 when it collected no test: that fails the run like any other non-zero exit.
run_pytest = $(BIN)/pytest $(1) || { status=$$?; \
	[ $$status -ne 5 ] || echo "pytest collected no tests: this run FAILS" >&2; exit $$status; }

.PHONY: help install run serve test test-sqlite test-postgres checks browsers lint format messages bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(STAMP) ## Create .venv and install the project with its development tools

run: install ## Migrate, load reference and demo data, build the search index, serve on 127.0.0.1:8000
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_data --admin-username "$(DEMO_ADMIN_USER)" --admin-password "$(DEMO_ADMIN_PASSWORD)"
	$(MANAGE) search_index --rebuild
	$(MANAGE) update_index
	$(MAKE) serve

serve: install ## Serve the development site without reloading data
	$(MANAGE) runserver $(HOST):$(PORT)

browsers: ## Install Debian's Chromium for the browser tests when it is missing
	@command -v chromium >/dev/null || { \
		echo "Installing Debian's chromium and chromium-driver for the browser tests"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver; }

checks: install ## Django system checks, migrations up to date, ruff lint and format
	DJANGO_SETTINGS_MODULE=jipp.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=jipp.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: checks browsers ## Checks, then the whole suite on SQLite and again on PostgreSQL
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: install browsers ## The whole suite on SQLite
	@echo "== test suite on SQLite =="
	@unset DATABASE_URL; $(call run_pytest,)

test-postgres: install browsers ## The whole suite on PostgreSQL (skipped if unreachable, unless required)
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)/postgres', connect_timeout=5).close()" 2>/dev/null; then \
		echo "== test suite on PostgreSQL ($(PG_URL)/test_$(PG_TEST_DB)) =="; \
		export DATABASE_URL="$(PG_URL)/$(PG_TEST_DB)"; $(call run_pytest,--create-db); \
	elif [ -n "$(JIPP_REQUIRE_POSTGRES)" ]; then \
		echo "PostgreSQL is required but $(PG_URL) cannot be reached" >&2; exit 1; \
	else \
		echo "PostgreSQL at $(PG_URL) cannot be reached: the PostgreSQL run is SKIPPED"; \
	fi

bench: install ## Benchmarks: import of 2,000 cases, search quality, search speed at 20,000 cases
	$(BIN)/python bench/import_speed.py
	$(BIN)/python bench/search_quality.py
	$(BIN)/python bench/search_speed.py

lint: install ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Format and autofix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install ## Update the English catalogue from the source and compile it
	@command -v msgfmt >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq gettext; }
	$(MANAGE) makemessages -l en --no-obsolete --ignore=.venv --ignore=tests --ignore=fixtures --ignore=static_collected
	$(MANAGE) compilemessages --ignore=.venv

clean: ## Remove the virtualenv, caches and the development database
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache db.sqlite3 static_collected
