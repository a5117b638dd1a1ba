#!/usr/bin/env bash
# Install the system packages of tools/system/packages.txt that this machine lacks (Debian or Ubuntu).
#   tools/system/install.sh          what `make build` and `make test` need
#   tools/system/install.sh build    what `make build` alone needs
#   tools/system/install.sh bench    what `make bench` needs (all of the above, and its references: Hugo)
#   tools/system/install.sh --check [build|test|bench]
#                                    install nothing: name what is missing, exit 1 if anything is
# Run as root, or with sudo available. Prints the packages it installs; installs nothing already present.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
check=""
if [ "${1:-}" = --check ]; then check=1; shift; fi
scope="${1:-test}"
case "$scope" in build|test|bench) ;; *) echo "usage : $0 [--check] [build|test|bench]" >&2; exit 2 ;; esac

present() {  # present KIND:WHAT
  local kind="${1%%:*}" what="${1#*:}"
  case "$kind" in
    cmd) command -v "$what" >/dev/null 2>&1 ;;
    file) [ -e "$what" ] ;;
    lib) /sbin/ldconfig -p 2>/dev/null | grep "lib${what}\.so" >/dev/null ;;  # not grep -q: ldconfig would die of SIGPIPE (pipefail)
    *) return 1 ;;
  esac
}

missing=()
while read -r package probe needed _; do
  case "$package" in ''|'#'*) continue ;; esac
  [ "$scope" = build ] && [ "$needed" = test ] && continue
  [ "$needed" = bench ] && [ "$scope" != bench ] && continue
  present "$probe" || missing+=("$package")
done < "$here/packages.txt"

if [ ${#missing[@]} -eq 0 ]; then
  [ -n "$check" ] || echo "Paquets système : tout est déjà installé."
  exit 0
fi
if [ -n "$check" ]; then
  echo "Il manque des paquets système : ${missing[*]}. Installez-les avec : sudo tools/system/install.sh${1:+ $scope}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "Paquets système manquants : ${missing[*]} — installez-les avec le gestionnaire de paquets de cette machine." >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "Paquets système à installer : ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Paquets système installés."
