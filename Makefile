# Two commands for a fresh machine:  make run   and   make test
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO_HOME ?= $(CURDIR)/demo-data

.PHONY: run test lint bench system-deps install clean

system-deps:
	@bash scripts/install-system-deps.sh

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,postgres]'
	@touch $(STAMP)

install: $(STAMP)

# Install, fill a demo database (first time only) and open the app on it.
run: $(STAMP)
	@if [ ! -f "$(DEMO_HOME)/engagement-desk.sqlite3" ]; then \
		$(VENV)/bin/engagement-desk --data-dir "$(DEMO_HOME)" demo; fi
	$(VENV)/bin/engagement-desk --data-dir "$(DEMO_HOME)"

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

# Install everything, then lint, type-check and run the whole test suite.
test: lint
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
