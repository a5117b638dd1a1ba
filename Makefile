# Info-PSOC — les commandes du projet. `make build` et `make test` suffisent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
BENCH_STAMP := tools/bench/node_modules/.installed
export NO_MKDOCS_2_WARNING := 1

# The site's configuration (the tests point it at a copy of the project).
CONFIG ?= mkdocs.yml
INFOPSOC = $(BIN)/infopsoc -f $(CONFIG)

.PHONY: build test serve edit check clean lock new-bulletin new-term new-event bench

build: $(STAMP) $(NODE_STAMP)
	@$(INFOPSOC) build

# The architecture's contracts (pyproject.toml, ARCHITECTURE.md), then every test.
# The tests leave the checkout as they found it: builds in temporary folders, and Python's bytecode
# (__pycache__, pytest's rewritten tests) under .venv/ rather than beside the sources.
# lint-imports --no-cache: it would keep .import_linter_cache/ in the checkout.
test: export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

# make serve            aperçu avec brouillons ; make serve PDF=1 : avec les PDF
serve: $(STAMP)
	@$(INFOPSOC) serve $(if $(PDF),--pdf)

# make edit             l'éditeur de contenu sur http://127.0.0.1:8000/info-psoc/admin/ (aperçu compris) ;
# chaque enregistrement est un commit du dépôt local (une branche cms/… par texte en cours)
EDIT_PORT ?= 8081
edit: $(STAMP) $(NODE_STAMP)
	@MODE=git PORT=$(EDIT_PORT) BIND_HOST=127.0.0.1 GIT_REPO_DIRECTORY="$(CURDIR)" LOG_LEVEL=warn \
		node node_modules/decap-server/dist/index.js & proxy=$$!; \
	trap 'kill $$proxy 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python -c 'import sys, urllib.parse; from pathlib import Path; from infopsoc.content.model import Settings; \
		path = urllib.parse.urlsplit(Settings.from_mkdocs_yml(Path(sys.argv[1])).site_url).path; \
		print(f"Éditeur de contenu : http://127.0.0.1:8000{path}admin/   (Ctrl+C pour arrêter)")' "$(CONFIG)"; \
	INFOPSOC_EDITOR_PORT=$(EDIT_PORT) $(INFOPSOC) serve

# make check            vérifier ; make check STRICT=1 : les avertissements bloquent aussi
# (on errors make adds its own English « Error 1 » line: a failed recipe always gets it, PUBLIER.md says so)
check: $(STAMP)
	@$(INFOPSOC) check $(if $(STRICT),--strict)

# Staff shortcuts (see PUBLIER.md). Values travel through the environment ("$$TITLE"),
# so apostrophes and quotes in a title are safe.
# make new-bulletin TITLE="Le titre" [DATE=AAAA-MM-JJ] [NUMBER=5]
new-bulletin: $(STAMP)
	@test -n "$$TITLE" || { echo 'Indiquez le titre : make new-bulletin TITLE="Le titre du numéro"' >&2; exit 2; }
	@$(INFOPSOC) new bulletin --title "$$TITLE" $(if $(DATE),--date "$$DATE") $(if $(NUMBER),--number "$$NUMBER")

# make new-term SIGLE=CISSS EXPANSION="Centre intégré de santé et de services sociaux"
new-term: $(STAMP)
	@test -n "$$SIGLE" || { echo 'Indiquez le sigle : make new-term SIGLE=CISSS EXPANSION="La forme longue"' >&2; exit 2; }
	@$(INFOPSOC) new term "$$SIGLE" --expansion "$$EXPANSION"

# make new-event DATE=1994 TITLE="Régionalisation du PSOC"
new-event: $(STAMP)
	@test -n "$$DATE" || { echo 'Indiquez la date : make new-event DATE=AAAA-MM-JJ TITLE="Le titre"' >&2; exit 2; }
	@$(INFOPSOC) new event --date "$$DATE" --title "$$TITLE"

# The virtual environment, from the committed lock file (hashes checked).
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# The checkers the quality tests run (vnu.jar, axe-core) and the content editor (decap-cms, decap-server,
# js-yaml: `make build` copies the editor into site/admin/), from the committed npm lock file.
# --ignore-scripts: vnu-jar's install script would fetch a Java of its own; the machine's is used.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Re-lock after changing dependencies in pyproject.toml (needs `uv`).
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --no-strip-extras --python-version 3.11 -o requirements.lock

clean:
	rm -rf site .site-build-* .site-old

# Performance at 300 bulletins against bare Material and WeasyPrint (not a test; ~10 min).
bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python scripts/bench.py

# Lighthouse for the benchmark, from its own committed npm lock file (tools/bench), so that
# `make test` does not install it. Chromium is the machine's (CHROME_PATH, /usr/bin/chromium).
$(BENCH_STAMP): tools/bench/package.json tools/bench/package-lock.json
	npm ci --prefix tools/bench --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(BENCH_STAMP)
