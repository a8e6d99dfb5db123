# Everything a developer or CI needs, from a fresh clone with only Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Test processes: a run mostly waits on PostgreSQL, Redis, SMTP and the browser, so more
# processes than cores still shortens it. A file's tests stay in one process (--dist loadfile).
TEST_WORKERS ?= 4

.PHONY: run test lint typecheck layers bench clean services translations browser lock

# The versions CI tested: every install resolves the same ones (`make lock` refreshes the file).
CONSTRAINTS = constraints.txt

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e .
	touch $@

$(VENV)/.installed-dev: setup.cfg pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	touch $@ $(VENV)/.installed

## lock: after changing dependencies in setup.cfg, resolve them afresh (newest versions the
## ranges allow) in a scratch environment and write what was installed to constraints.txt
lock: | $(BIN)/python
	rm -rf $(VENV)-lock
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet --upgrade pip
	$(VENV)-lock/bin/pip install --quiet -e '.[dev]'
	{ echo "# What a fresh install resolves to (make lock); the Makefile installs with -c."; \
	  $(VENV)-lock/bin/pip freeze --exclude-editable; } > $(CONSTRAINTS)
	rm -rf $(VENV)-lock

## run: set up, migrate, load the demo data (once) and serve on http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(BIN)/matchmaker db upgrade
	$(BIN)/matchmaker demo load --if-empty
	$(BIN)/matchmaker serve --host $(HOST) --port $(PORT)

## test: set up with the dev extras, lint, type-check, check the layers, and run every test
test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

## layers: what may import what (the import-linter contracts in setup.cfg)
layers: $(VENV)/.installed-dev
	$(BIN)/lint-imports

## services: make sure the local PostgreSQL and Redis are up (CI uses this)
services:
	bash scripts/services.sh

## browser: install Debian's Chromium for the browser tests (tests/e2e) when it is missing
browser:
	bash scripts/browser.sh

## translations: after changing page text, refresh the catalogs, translate the new
## entries in matchmaker/web/translations/vi/LC_MESSAGES/messages.po, then run it again
TRANSLATIONS = matchmaker/web/translations
translations: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
		--project "OCOP Matchmaker" --copyright-holder "OCOP Matchmaker" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --width 100
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/import.py

clean:
	rm -rf $(VENV) $(VENV)-lock instance build *.egg-info .pytest_cache .ruff_cache .mypy_cache
