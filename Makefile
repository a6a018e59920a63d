# The README's two commands: `make demo` and `make test`. Both install what they
# need into .venv first (Python 3.11 is all the machine needs).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint install generated

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/assetpack demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/assetpack bench

lint: $(STAMP)
	$(BIN)/ruff check .

# Regenerate the documents derived from the policies (tests fail when they are stale).
generated: $(STAMP)
	$(BIN)/assetpack coverage --write
	$(BIN)/assetpack permissions --write
