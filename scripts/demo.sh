#!/usr/bin/env bash
# The demo: SQLite, a real Celery worker on a SQLite-backed broker, no other services.
# Installs, migrates, loads the breast-cancer challenge, submits four participants' entries over HTTP,
# and serves the site on http://127.0.0.1:8000 until interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PORT=${PORT:-8000}
export PYTHONPATH="$ROOT/platform${PYTHONPATH:+:$PYTHONPATH}"
export PODIUM_VAR_DIR=${PODIUM_VAR_DIR:-$ROOT/var/demo-site}
unset DATABASE_URL CELERY_BROKER_URL

echo "== installing (first run takes a few minutes)"
scripts/install.sh
PY=.venv/bin/python
echo "== migrating the SQLite database in $PODIUM_VAR_DIR"
$PY manage.py migrate -v0
echo "== loading the demo challenge"
$PY manage.py demo_setup --out "$PODIUM_VAR_DIR/demo" >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
.venv/bin/celery -A podium worker -Q scoring -c 1 --pool solo -l warning >"$PODIUM_VAR_DIR/worker.log" 2>&1 &
pids+=($!)
.venv/bin/gunicorn podium.wsgi -b "127.0.0.1:$PORT" -w 2 --access-logfile "$PODIUM_VAR_DIR/access.log" >"$PODIUM_VAR_DIR/web.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done

echo "== submitting the demo participants' entries over HTTP"
$PY - "$PODIUM_VAR_DIR/demo/entries.json" "$PORT" <<'PYEOF'
import json, subprocess, sys
manifest = json.load(open(sys.argv[1]))
for name, p in manifest["participants"].items():
    subprocess.run([".venv/bin/podium", "submit", "--url", f"http://127.0.0.1:{sys.argv[2]}", "--phase", str(manifest["phase"]),
                    "--token", p["token"], "--method", p["method"], "--wait", p["file"]], check=True)
PYEOF
echo
echo "Podium demo running at http://127.0.0.1:$PORT/  (leaderboard: http://127.0.0.1:$PORT/challenges/breast-cancer/test/leaderboard/)"
echo "Press Ctrl-C to stop."
wait
