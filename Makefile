# Two entry points: `make portal` builds the example project, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: portal test screenshots clean

# `gtm` was the distribution's name before `gtm-portal`: an older venv drops it first, or it
# keeps a second console script and import hook (pip only warns when it is not there).
$(BIN)/gtm: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip uninstall --quiet --yes gtm
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/gtm

portal: $(BIN)/gtm
	$(BIN)/gtm build

test: $(BIN)/gtm
	$(BIN)/ruff check gtm tests docs benchmarks
	$(BIN)/ruff format --check gtm tests docs benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# The pictures in the README: the portal in Chromium, and the first page of each PDF.
screenshots: portal
	GTM_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/integration/test_browser.py
	for doc in battlecards/pagestorm launch-briefs/relay-2 personas/devops-dana messaging/relay sales-kit; do \
		pdftoppm -png -r 50 -f 1 -l 1 -singlefile output/pdf/$$doc.pdf docs/screenshots/pdf-$$(basename $$doc); \
	done

clean:
	rm -rf $(VENV) output
