# The README's two commands: `make demo` and `make test`. Both install what they
# need into .venv first (Python 3.11 is all the machine needs).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench bench-compare lint install generated browser

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

# Not in CI: installs Prowler (PyPI) into its own venv and times both on the same
# emulated estate, scale 1 and 10, over the FSBP controls both implement.
PROWLER_VENV ?= .venv-prowler
$(PROWLER_VENV)/bin/prowler:
	$(PYTHON) -m venv $(PROWLER_VENV)
	$(PROWLER_VENV)/bin/python -m pip install --quiet prowler

bench-compare: $(STAMP) $(PROWLER_VENV)/bin/prowler
	$(BIN)/assetpack bench --compare $(PROWLER_VENV)/bin/prowler --scales 1,10

lint: $(STAMP)
	$(BIN)/ruff check .

# Regenerate the documents derived from the policies (tests fail when they are stale).
generated: $(STAMP)
	$(BIN)/assetpack coverage --write
	$(BIN)/assetpack permissions --write

# The headless browser and Korean fonts the report's screenshot test uses (Debian).
browser:
	command -v chromium >/dev/null && fc-list :lang=ko | grep -q . || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }
