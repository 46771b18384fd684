# Two entry points: `make portal` builds the example project, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: portal test lint clean

$(BIN)/gtm: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/gtm

portal: $(BIN)/gtm
	$(BIN)/gtm build

test: $(BIN)/gtm
	$(BIN)/ruff check gtm tests
	$(BIN)/ruff format --check gtm tests
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) output
