# Two commands on a fresh machine: `make run` (terminal chat + badge server) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run serve test lint typecheck unit bench schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("questbot needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(STAMP)
	$(BIN)/questbot run $(ARGS)

serve: $(STAMP)
	$(BIN)/questbot serve $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python benchmarks/engine_throughput.py

schema: $(STAMP)
	$(BIN)/questbot schema -o assets/schema/quest-v1.json

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
