#!/usr/bin/env bash
# Create .venv and install Podium. Usage: scripts/install.sh [EXTRAS], e.g. "dev,dl".
# torch is pinned through constraints.txt to the CPU build that pip finds on local disk.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
extras=${1:-}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
spec="."
[ -n "$extras" ] && spec=".[${extras}]"
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e "$spec" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import mlcore, django, celery" >/dev/null
