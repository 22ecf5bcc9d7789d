# Two commands on a fresh machine: `make run` (terminal chat + badge server) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
OB2_VENV := .venv-ob2
OB2_STAMP := $(OB2_VENV)/.installed
NODE_DIR := tests/interop/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed

.PHONY: run serve test lint typecheck unit bench schema lock clean interop-deps messages

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("questbot needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Independent verifiers the interoperability tests run: 1EdTech's Open Badges 2.0 validator
# (its own environment: its pins cannot share ours) and digitalbazaar's VC libraries (Node).
$(OB2_STAMP): tests/interop/ob2/requirements.txt
	$(PYTHON) -m venv $(OB2_VENV)
	$(OB2_VENV)/bin/python -m pip install --quiet --no-deps -r tests/interop/ob2/requirements.txt
	touch $@

# Without npm (a laptop) the Node tests skip with the reason; CI has it and never skips them.
$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	@if command -v npm >/dev/null; then \
	  cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error && touch $(CURDIR)/$@; \
	else echo "npm not found: the Node interoperability tests will skip"; fi

interop-deps: $(OB2_STAMP) $(NODE_STAMP)

run: $(STAMP)
	$(BIN)/questbot run $(ARGS)

serve: $(STAMP)
	$(BIN)/questbot serve $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) interop-deps
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck unit

# Every benchmark, one table and benchmarks/results/latest.json; `make bench QUICK=1` (or
# BENCH_ARGS=--quick) in under two minutes, BENCH_ARGS='--json PATH' to write elsewhere.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.suite $(if $(QUICK),--quick) $(BENCH_ARGS)

schema: $(STAMP)
	$(BIN)/questbot schema -o questbot/assets/schema/quest-v1.json
	$(BIN)/questbot schema --kind community -o questbot/assets/schema/community-v1.json
	$(BIN)/questbot schema --kind pathway -o questbot/assets/schema/pathway-v1.json

# The .mo files beside the .po catalogues (git ignores them; questbot compiles a missing or
# older one in memory, so this only saves that work at start-up).
messages: $(STAMP)
	$(BIN)/pybabel compile -d questbot/locale -D questbot
	for name in console telegram discord; do \
	  $(BIN)/pybabel compile -d adapters/questbot_$$name/locale -D questbot_$$name; done

# requirements.lock: what the image installs (the dependencies and the telegram and discord
# extras, for every platform, with hashes), pinned at the versions the .venv tests with.
UV_VERSION := 0.13.8
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet 'uv==$(UV_VERSION)'
	$(BIN)/python -m pip freeze --exclude-editable | grep -iv '^questbot' > $(VENV)/tested.txt
	$(BIN)/uv pip compile pyproject.toml --extra telegram --extra discord --universal \
	  --python-version 3.11 --generate-hashes --annotation-style line \
	  --constraint $(VENV)/tested.txt --custom-compile-command 'make lock' -o requirements.lock

clean:
	rm -rf $(VENV) $(OB2_VENV) $(NODE_DIR)/node_modules .mypy_cache .ruff_cache .pytest_cache
