#!/usr/bin/env bash
# Problem-ledger benchmark (issue 6): the province demo with 1,000,000 problems in all states
# (Benchmarks/gen_problems.py), release build, SQLite. Measures, in one run: rebuilding every
# unit's figures, the scheduled scan (the day's reminders and escalations, then the same scan
# again as the server repeats it every few minutes), a district's "my work" page, and the
# root's rolled-up figures (the API and the office's page).
# Targets: scan < 1 s; my-work page and root figures < 200 ms each.
# Usage: Benchmarks/problems.sh [COUNT, default 1000000]
#   PROBLEMS_BASE=FILE  start from a copy of an existing province demo database (skips ~3 min)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-1000000}
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt-get install sqlite3)"; exit 2; }

swift build -c release --product sanbao >/dev/null
BIN=$(swift build -c release --show-bin-path)/sanbao
WORK=$(mktemp -d ${PROBLEMS_TMP:-/tmp}/sanbao-problems.XXXXXX)
DB="$WORK/province.sqlite"
export DATABASE_URL="sqlite:$DB" LOG_LEVEL=warning SANBAO_SCAN_MINUTES=100000
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

if [ -n "${PROBLEMS_BASE:-}" ]; then
  cp "$PROBLEMS_BASE" "$DB"; [ -f "$PROBLEMS_BASE.key" ] && cp "$PROBLEMS_BASE.key" "$DB.key"
else
  /usr/bin/time -f "province demo loaded in %e s" "$BIN" demo --scale province >/dev/null
fi
python3 Benchmarks/gen_problems.py "$DB" "$COUNT"
sqlite3 "$DB" "ANALYZE"
echo "Sanbao problem-ledger benchmark — release build, SQLite (WAL), province demo, $(nproc) cores"
sqlite3 "$DB" "SELECT printf('%,d problems: %,d open (%,d overdue), %,d resolved or closed', COUNT(*),
  SUM(status IN ('reported','returned','dispatched','accepted','in_progress')),
  SUM(status IN ('reported','returned','dispatched','accepted','in_progress') AND deadline < date('now', '+8 hours') AND paused_since IS NULL),
  SUM(status IN ('resolved','closed'))) FROM problems"
"$BIN" problems retally
echo "scan, the day's first run:   $("$BIN" problems scan)"
echo "scan, run again the same day: $("$BIN" problems scan)"

DISTRICT=shushan.admin
TOKEN=$("$BIN" token create office --name bench 2>/dev/null)
"$BIN" user reset-password "$DISTRICT" --password Bench-2026-pass >/dev/null
"$BIN" user reset-password office --password Bench-2026-pass >/dev/null
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.1; done
python3 Benchmarks/time_pages.py "http://127.0.0.1:$PORT" "$DISTRICT" Bench-2026-pass /problems
python3 Benchmarks/time_pages.py "http://127.0.0.1:$PORT" office Bench-2026-pass --token "$TOKEN" /api/v1/problems/figures /problems /problems/overview
echo "server peak RSS: $(awk '/VmHWM/ {print $2 / 1024 " MiB"}' /proc/$PID/status)"
