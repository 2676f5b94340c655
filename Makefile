PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# npm tools for the browser tests (axe-core, vnu-jar), when npm is there; without them those skip.
NPM_STAMP := $(if $(shell command -v npm),node_modules/.installed-stamp)
export FLASK_APP := wsgi.py

.PHONY: help install translations run test lint format extract-messages screenshots

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(NPM_STAMP) ## Create the virtual environment and install

node_modules/.installed-stamp: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

translations: install ## Compile the Dutch catalogue
	$(BIN)/pybabel compile -d portal/translations --statistics

run: export PORTAL_ENV := development
run: translations ## Migrate, load demo data and serve on http://127.0.0.1:5000 (development)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Every core (pytest-xdist); each test module stays in one worker (--dist loadscope), so that
# the browser crawls (tests/browser/test_pages.py) are made once each. (--dist loadgroup did
# not group the crawls' tests under pytest 9 with xdist 3.8: workers crawled them again.)
PYTEST_ARGS ?= -n auto --dist loadscope

test: export PORTAL_ENV := test
test: translations ## Run the whole test suite (TEST_DATABASE_URL selects PostgreSQL)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install ## ruff: lint and format check; vulture: no dead code under portal/
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/dead_code.py

format: install ## ruff: fix what can be fixed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

extract-messages: install ## Extract strings and update the Dutch catalogue
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output -o portal/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i portal/translations/messages.pot -d portal/translations
	@# No timestamps in the catalogues: they only make merge conflicts.
	sed -i '/^"POT-Creation-Date: /d; /^"PO-Revision-Date: /d' portal/translations/messages.pot portal/translations/nl/LC_MESSAGES/messages.po

screenshots: translations ## Screenshots at 320 and 1,280 px for docs/accessibility.md (live server, Chromium)
	$(BIN)/python scripts/screenshots.py
