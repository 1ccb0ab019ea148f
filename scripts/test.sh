#!/usr/bin/env bash
# The whole test suite: installs what it needs, starts PostgreSQL, Redis and Docker when missing,
# runs ruff and pytest against PostgreSQL with real worker processes. With CI=true a missing service
# fails the run instead of skipping the tests that need it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
start=$(date +%s)

echo "== services"
if ! bash scripts/services.sh; then
  if [ "${CI:-}" = "true" ]; then echo "a service is missing and CI=true: failing"; exit 1; fi
  echo "a service is missing: the tests that need it will be skipped"
fi

echo "== browser (Debian's chromium package, driven by Playwright; no browser download)"
if [ ! -x /usr/lib/chromium/chromium ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >/dev/null 2>&1 \
    || { echo "chromium could not be installed"; [ "${CI:-}" = "true" ] && exit 1; }
fi

echo "== installing (.venv, extras dev,dl; torch pinned by constraints.txt)"
command -v python3 >/dev/null && python3 -m venv --help >/dev/null 2>&1 || \
  { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }
scripts/install.sh dev,dl
echo "   install done after $(( $(date +%s) - start )) s"

echo "== ruff"
.venv/bin/ruff check mlcore platform tests benchmarks containers manage.py

echo "== pytest"
export PYTHONPATH="$ROOT/platform:$ROOT"
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/podium}
export CELERY_BROKER_URL=${TEST_BROKER_URL:-redis://127.0.0.1:6379/14}
PODIUM_VAR_DIR=$(mktemp -d /tmp/podium-test-XXXXXX)
export PODIUM_VAR_DIR
export PODIUM_TEST_ARTIFACTS=${PODIUM_TEST_ARTIFACTS:-$ROOT/test-artifacts}
mkdir -p "$PODIUM_TEST_ARTIFACTS"
status=0
.venv/bin/python -m pytest -p no:cacheprovider "$@" || status=$?
echo "== test run took $(( $(date +%s) - start )) s in all"
exit $status
