# Info-PSOC — les commandes du projet. `make build` et `make test` suffisent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
NODE_STAMP := node_modules/.installed
NODE_DEV_STAMP := node_modules/.installed-dev
BENCH_STAMP := tools/bench/node_modules/.installed
ENGINES_STAMP := $(VENV)/.installed-engines
export NO_MKDOCS_2_WARNING := 1
# The project's own bytecode is compiled before each command that builds (into __pycache__/, as
# Python does on its first run): where writing it is forbidden (PYTHONDONTWRITEBYTECODE), each
# process would otherwise compile ~100 modules again, ~0.1 s of every build.
BYTECODE = @$(BIN)/python -m compileall -q scripts/infopsoc >/dev/null || true

# The site's configuration (the tests point it at a copy of the project).
CONFIG ?= mkdocs.yml
INFOPSOC = $(BIN)/infopsoc -f $(CONFIG)

.PHONY: build test serve edit check clean lock system new-bulletin new-term new-event bench

# make build ENGINE=zensical | ENGINE=properdocs : the same site by another engine (installed on first use,
# requirements-engines.lock); MkDocs is the default.
ENGINE ?= mkdocs
OTHER_ENGINE := $(filter-out mkdocs,$(ENGINE))

build: $(STAMP) $(NODE_STAMP) $(if $(OTHER_ENGINE),$(ENGINES_STAMP))
	$(BYTECODE)
	@$(INFOPSOC) build $(if $(OTHER_ENGINE),--engine $(ENGINE))

# The architecture's contracts (pyproject.toml, ARCHITECTURE.md), then every test.
# The tests leave the checkout as they found it: builds in temporary folders, and Python's bytecode
# (__pycache__, pytest's rewritten tests) under .venv/ rather than beside the sources.
# lint-imports --no-cache: it would keep .import_linter_cache/ in the checkout.
test: export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache
test: $(DEV_STAMP) $(NODE_DEV_STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

# make serve            aperçu avec brouillons ; make serve PDF=1 : avec les PDF ;
# autre port : make serve ADDR=127.0.0.1:8010 (comme make edit)
serve: $(STAMP)
	$(BYTECODE)
	@$(INFOPSOC) serve $(if $(PDF),--pdf) $(if $(ADDR),--dev-addr $(ADDR))

# make edit             l'éditeur de contenu sur http://127.0.0.1:8000/info-psoc/admin/ (aperçu compris) ;
# chaque enregistrement est un commit du dépôt local (une branche cms/… par texte en cours).
# Autres ports : make edit ADDR=127.0.0.1:8010 EDIT_PORT=8091
EDIT_PORT ?= 8081
edit: $(STAMP) $(NODE_STAMP)
	$(BYTECODE)
	@$(INFOPSOC) edit --port $(EDIT_PORT) $(if $(ADDR),--dev-addr $(ADDR))

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

# The virtual environment, from the committed locks (hashes checked), with the pip that comes with
# the Python (the locks pin every package with its extras, so that pip installs them as they are).
# requirements.lock: what the build needs; requirements-dev.lock adds what the tests need.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $(DEV_STAMP)

# The other engines (Zensical, ProperDocs: scripts/infopsoc/engines/), for `make build ENGINE=…`; the dev
# lock holds them too (the shadow build runs in `make test`).
$(ENGINES_STAMP): $(STAMP) requirements-engines.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-engines.lock
	touch $(ENGINES_STAMP)

# The content editor (decap-cms, decap-server, js-yaml: `make build` copies the editor into
# site/admin/), from the committed npm lock file; `make test` adds the checkers the quality tests run
# (vnu.jar, axe-core: the lock's devDependencies).
# --ignore-scripts: vnu-jar's install script would fetch a Java of its own; the machine's is used.
NPM_CI := npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
$(NODE_STAMP): package.json package-lock.json
	if [ $(NODE_DEV_STAMP) -nt package-lock.json ] && [ $(NODE_DEV_STAMP) -nt package.json ]; then :; \
	else $(NPM_CI) --omit=dev; fi
	touch $(NODE_STAMP)

$(NODE_DEV_STAMP): package.json package-lock.json
	$(NPM_CI)
	touch $(NODE_STAMP) $(NODE_DEV_STAMP)

# The system packages (tools/system/packages.txt: WeasyPrint's libraries, Chromium, Java…), for
# `make build` and `make test`, on Debian or Ubuntu (asks for sudo).
system:
	tools/system/install.sh

# Re-lock after changing dependencies in pyproject.toml: `make lock` keeps every pin it can,
# `make lock UPGRADE=1` takes the newest releases. uv (pinned with its hashes, tools/lock/uv.txt)
# runs from a small environment of its own. The dev lock is made first; the build's lock takes
# the same versions from it. The tools' own pins (uv, pip-audit: tools/lock/) are remade too.
LOCK_VENV := .venv-lock
LOCK_FLAGS := --generate-hashes --no-strip-extras --python-version 3.11
lock:
	test -x $(LOCK_VENV)/bin/uv || { $(PYTHON) -m venv $(LOCK_VENV) && \
		$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r tools/lock/uv.txt; }
	$(LOCK_VENV)/bin/uv pip compile --quiet $(if $(UPGRADE),--upgrade) pyproject.toml --extra setup --extra dev --extra engines $(LOCK_FLAGS) -o requirements-dev.lock
	$(LOCK_VENV)/bin/uv pip compile --quiet pyproject.toml --extra setup $(LOCK_FLAGS) -c requirements-dev.lock -o requirements.lock
	$(LOCK_VENV)/bin/uv pip compile --quiet pyproject.toml --extra setup --extra engines $(LOCK_FLAGS) -c requirements-dev.lock -o requirements-engines.lock
	$(LOCK_VENV)/bin/uv pip compile --quiet $(if $(UPGRADE),--upgrade) tools/lock/uv.in $(LOCK_FLAGS) -o tools/lock/uv.txt
	$(LOCK_VENV)/bin/uv pip compile --quiet $(if $(UPGRADE),--upgrade) tools/lock/audit.in $(LOCK_FLAGS) -o tools/lock/audit.txt

clean:
	rm -rf site .site-build-* .site-old .site-removed-* $(LOCK_VENV)

# Performance at 300 bulletins against bare Material and WeasyPrint (not a test; ~10 min).
bench: $(STAMP) $(BENCH_STAMP)
	tools/system/install.sh --check bench || tools/system/install.sh bench
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/search_quality.py

# Lighthouse and Pagefind (scripts/search_quality.py) for the benchmark, from its own committed npm lock file (tools/bench), so that
# `make test` does not install it. Chromium is the machine's (CHROME_PATH, /usr/bin/chromium).
$(BENCH_STAMP): tools/bench/package.json tools/bench/package-lock.json
	npm ci --prefix tools/bench --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(BENCH_STAMP)
