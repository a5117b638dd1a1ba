# Info-PSOC — les commandes du projet. `make build` et `make test` suffisent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: build test serve check clean lock bench

build: $(STAMP)
	$(BIN)/infopsoc build

test: $(STAMP)
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/infopsoc serve

check: $(STAMP)
	$(BIN)/infopsoc check

# The virtual environment, from the committed lock file (hashes checked).
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Re-lock after changing dependencies in pyproject.toml (needs `uv`).
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf site .site-build-* .site-old

# Performance at 300 bulletins against bare Material and WeasyPrint (not a test; ~10 min).
bench: $(STAMP)
	$(BIN)/python scripts/bench.py
