# okrkit: `make lab` to start working, `make test` to run every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8888

.PHONY: lab test install lint typecheck pytest demo browser postgres clean

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test,postgres]'
	touch $(STAMP)

install: $(STAMP)

## Start JupyterLab on notebooks/ with the demo workspace (created from the templates if absent).
lab: $(STAMP)
	$(BIN)/okrkit demo
	$(BIN)/jupyter-lab --no-browser --allow-root --ServerApp.ip=127.0.0.1 \
		--ServerApp.port=$(PORT) --ServerApp.root_dir=notebooks

demo: $(STAMP)
	$(BIN)/okrkit demo

lint: $(STAMP)
	$(BIN)/ruff check okrkit tests conftest.py
	$(BIN)/ruff format --check okrkit tests conftest.py

typecheck: $(STAMP)
	$(BIN)/mypy

## Debian's chromium for the real-browser tests (tests/browser): installed when missing, as root.
browser:
	@if [ -x /usr/bin/chromium ]; then \
		echo "browser tests use /usr/bin/chromium"; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
		echo "/usr/bin/chromium is missing and this is not root: the real-browser tests will be" \
			"skipped (they fail under CI=true); enable them with:" \
			"sudo apt-get install -y chromium && $(BIN)/pip install playwright"; \
	fi

## Debian's PostgreSQL for the store tests: installed when missing, as root. The tests start
## their own server on 127.0.0.1 from a temporary folder and stop it at the end.
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "store tests use $$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)"; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; \
	else \
		echo "PostgreSQL is missing and this is not root: the PostgreSQL store tests will be" \
			"skipped (they fail under CI=true); enable them with:" \
			"sudo apt-get install -y postgresql, or set OKRKIT_TEST_POSTGRES_URL"; \
	fi

pytest: $(STAMP) browser postgres
	$(BIN)/python -m pytest --nbval-lax --doctest-modules okrkit tests notebooks

## Run the whole test suite: lint, types, unit tests, doctests and every notebook under nbval.
test: lint typecheck pytest

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
