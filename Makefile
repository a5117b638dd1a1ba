# Info-PSOC — les commandes du projet. `make build` et `make test` suffisent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: build test serve check clean lock

build: $(STAMP)
	$(BIN)/infopsoc build

test: $(STAMP) $(NODE_STAMP)
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

# The checkers the quality tests run (vnu.jar, axe-core), from the committed npm lock file.
# --ignore-scripts: vnu-jar's install script would fetch a Java of its own; the machine's is used.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Re-lock after changing dependencies in pyproject.toml (needs `uv`).
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf site .site-build-* .site-old
