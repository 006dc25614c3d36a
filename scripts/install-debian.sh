#!/usr/bin/env bash
# Installs Debian packages when a command they provide is missing:
#   scripts/install-debian.sh COMMAND PACKAGE...
# Used by `make test` for Debian's chromium (playwright drives it; playwright's own browser download is
# not used) and npm (the page's chart library and the accessibility engine come from the npm registry).
set -euo pipefail
command_name="$1"; shift
if command -v "$command_name" >/dev/null 2>&1; then
  exit 0
fi
echo "$command_name is missing: installing Debian's $* ..."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "error: need root (or sudo) to install $*: apt-get install $*" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "$@" >/dev/null
command -v "$command_name" >/dev/null 2>&1 || { echo "error: $* did not install $command_name" >&2; exit 1; }
