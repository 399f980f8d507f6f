# okrkit: `make lab` to start working, `make test` to run every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8888

.PHONY: lab test install lint typecheck pytest demo clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]'
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

pytest: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax --doctest-modules okrkit tests notebooks

## Run the whole test suite: lint, types, unit tests, doctests and every notebook under nbval.
test: lint typecheck pytest

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
