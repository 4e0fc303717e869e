# Casework: `make run` to try it, `make test` to test it. Everything installs itself on first use.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: setup run worker serve migrate demo test test-postgres test-e2e lint types bench clean help
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/casework_bench
LINT_PATHS := casework config tests bench conftest.py manage.py

help:
	@echo "make run            set up, migrate, load demo data on a new database, serve http://$(HOST):$(PORT)"
	@echo "make test           set up and run the whole test suite on SQLite"
	@echo "make test-postgres  the suite on PostgreSQL (DATABASE_URL, default $(POSTGRES_URL))"
	@echo "make bench          benchmarks at council scale on PostgreSQL (DATABASE_URL, default $(BENCH_DATABASE_URL))"
	@echo "make lint           ruff check and ruff format --check (no findings allowed)"
	@echo "make types          mypy (strict on every app's services, selectors and policies)"

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

var/build/casework.css: node_modules/.installed $(shell find frontend -type f)
	npm run --silent build

setup: $(VENV)/.installed node_modules/.installed var/build/casework.css
	@mkdir -p var

migrate: setup
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo --if-empty

run: demo
	@echo "Starting the background worker (manage.py casework_worker) beside the web server"
	@DEBUG=$${DEBUG:-1} $(PY) manage.py casework_worker --interval 2 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

worker: migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py casework_worker

test: setup
	$(PY) -m pytest -q

test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-$(POSTGRES_URL)} $(PY) -m pytest -q

test-e2e: setup
	$(PY) -m pytest -q tests/e2e

bench: setup
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(PY) bench/run.py
	$(PY) bench/identify.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)

# The settings are imported by the django-stubs plugin: development mode needs no SECRET_KEY.
types: $(VENV)/.installed
	DEBUG=$${DEBUG:-1} $(VENV)/bin/mypy

clean:
	rm -rf $(VENV) node_modules var/build
