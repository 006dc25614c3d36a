# Aviator Predictor. `make run` starts the app; `make test` sets everything up and runs the checks.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run

.PHONY: run serve test lint typecheck pytest bench browser npm vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# What the app needs (the base install, the browser collector and the plots); the tests add the rest.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[browser,plots]'
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $(RUN_STAMP)

# The page's lighter chart library and the browser tests' accessibility engine, from the npm registry
# into the git-ignored vendor/ folder (never committed). Without npm the page falls back to the full
# plotly bundle of the plotly wheel, and the accessibility tests cannot run.
NPM_PACKAGES := plotly.js-basic-dist-min@4.1.1 axe-core@4.14.1
VENDOR_STAMP := vendor/.installed-4.1.1-4.14.1

# A failed install only warns (the page still runs); the accessibility tests then fail in CI.
$(VENDOR_STAMP):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-save --no-audit --no-fund --prefix vendor $(NPM_PACKAGES) && touch $(VENDOR_STAMP) \
		|| echo "npm install failed: the dashboard serves the full plotly bundle; accessibility tests need axe-core"; \
	else echo "npm not found: the dashboard serves the full plotly bundle; accessibility tests need npm"; fi

vendor: $(VENDOR_STAMP)

run: $(RUN_STAMP) vendor
	$(BIN)/aviator run

browser:
	bash scripts/install-debian.sh chromium chromium fonts-dejavu-core

npm:
	bash scripts/install-debian.sh npm npm

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks app.py
	$(BIN)/ruff format --check src tests benchmarks app.py
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) browser npm vendor
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache artifacts vendor
