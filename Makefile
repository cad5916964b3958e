# The two commands: `make run` (the platform) and `make test` (every check). README explains.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test bench lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

# DEBUG and private partner URLs are on unless the environment says otherwise; it serves plain
# HTTP on 127.0.0.1, so the HTTPS redirect is off unless SECURE_HTTPS=1
# (`DEBUG=0 make run` runs as in production, over plain HTTP). Unless DEMO=0, a CPO simulator
# (Procfile "simulator") registers with the platform and plays live data into it.
run: $(VENV)/.run-deps
	@set -e; \
	export DEBUG="$${DEBUG:-1}" SECURE_HTTPS="$${SECURE_HTTPS:-0}" OCPI_ALLOW_PRIVATE_URLS="$${OCPI_ALLOW_PRIVATE_URLS:-1}" \
	  OCPI_BASE_URL="$${OCPI_BASE_URL:-http://127.0.0.1:$(PORT)}" PATH="$(CURDIR)/$(BIN):$$PATH"; \
	python manage.py migrate --noinput; \
	python manage.py collectstatic --noinput --verbosity 0; \
	python manage.py ensure_admin; \
	python manage.py run_banner; \
	if [ "$${DEMO:-1}" = "0" ]; then processes="web worker beat"; else processes=""; fi; \
	exec honcho start --procfile Procfile --port $(PORT) $$processes

test: $(VENV)/.dev-deps
	@if [ -n "$$DATABASE_URL" ]; then \
	  echo "make test: database from DATABASE_URL ($${DATABASE_URL%%://*}), broker $${CELERY_BROKER_URL:-filesystem://}"; \
	else \
	  echo "make test: DATABASE_URL is not set, so tests run on SQLite; PostgreSQL-only tests are skipped (.ci/run uses PostgreSQL)"; \
	fi
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=0 SECURE_HTTPS=1 ALLOWED_HOSTS=emsp.example.com OCPI_BASE_URL=https://emsp.example.com \
	  SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python manage.py dependency_audit --requirements requirements-dev.txt
	$(BIN)/pytest

bench: $(VENV)/.dev-deps
	$(BIN)/python -m bench

format: $(VENV)/.dev-deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/static test-artifacts .pytest_cache .mypy_cache .ruff_cache
