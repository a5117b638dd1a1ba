#!/usr/bin/env bash
# Security advisories for the project's locks, run each week by .github/workflows/dependances.yml.
#   tools/audit.sh python   pip-audit on requirements-dev.lock (the build's lock is its subset)
#   tools/audit.sh npm      npm audit on package-lock.json and tools/bench/package-lock.json
# A known vulnerability fails the step. Where the advisory database cannot be reached (a machine
# without that network), the step says so and passes: it checked nothing, and says that too.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

reachable() {  # reachable URL [POST-BODY]: the advisory service answers a real question (200, JSON) within 20 s
  "$PYTHON" - "$@" <<'PY'
import json, sys, urllib.request
url, body = sys.argv[1], (sys.argv[2].encode() if len(sys.argv) > 2 else None)
request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(request, timeout=20) as answer:
        json.load(answer)
except Exception as error:
    print(f"({error})", file=sys.stderr)
    sys.exit(1)
PY
}

skip() {  # skip WHAT URL
  echo "Avis de sécurité : $1 injoignable ($2) ; rien n'a été vérifié sur cette machine, l'étape passe."
  [ -z "${GITHUB_ACTIONS:-}" ] || echo "::warning::$1 injoignable : l'audit n'a pas eu lieu."
  exit 0
}

case "${1:-}" in
  python)
    url="https://pypi.org/pypi/pip/23.2.1/json"  # pip-audit's default service: PyPI's JSON API, per release
    reachable "$url" || skip "la base d'avis de PyPI" "$url"
    venv=".venv-lock/audit"
    test -x "$venv/bin/pip-audit" || { "$PYTHON" -m venv "$venv" && \
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r tools/lock/audit.txt; }
    "$venv/bin/pip-audit" --progress-spinner off --require-hashes --disable-pip -r requirements-dev.lock
    ;;
  npm)
    url="https://registry.npmjs.org/-/npm/v1/security/advisories/bulk"
    reachable "$url" '{"left-pad":["1.3.0"]}' || skip "la base d'avis de npm" "$url"
    npm audit --package-lock-only
    npm audit --package-lock-only --prefix tools/bench
    ;;
  *)
    echo "usage : $0 python|npm" >&2
    exit 2
    ;;
esac
