#!/usr/bin/env bash
# Visit submission benchmark (issue 5): on a release build and the demo city, wrk posts
# realistic visits (one enterprise questionnaire, three worker questionnaires, two problems),
# each with its own Idempotency-Key, at 32 connections; /healthz in the same run for scale.
# Target: visits at ≥ 20 % of the /healthz rate, p99 < 50 ms, on SQLite.
# Usage: Benchmarks/visits.sh [seconds per wrk run, default 15]
#        SANBAO_BIN=path/to/sanbao Benchmarks/visits.sh …   (an A/B against another build)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 2; }
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt-get install sqlite3)"; exit 2; }

if [ -n "${SANBAO_BIN:-}" ]; then
  BIN=$SANBAO_BIN
else
  swift build -c release --product sanbao >/dev/null
  BIN=$(swift build -c release --show-bin-path)/sanbao
fi
WORK=$(mktemp -d ${VISITS_TMP:-/tmp}/sanbao-visits.XXXXXX)
export DATABASE_URL="sqlite:$WORK/bench.sqlite" LOG_LEVEL=warning
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN" demo >/dev/null 2>&1
CADRE=$(sqlite3 "$WORK/bench.sqlite" "SELECT username FROM users WHERE roles LIKE '%cadre%' AND password_hash IS NOT NULL LIMIT 1")
export VISIT_TOKEN=$("$BIN" token create "$CADRE" --name bench 2>/dev/null)
# Enterprises the cadre's district covers: the visits are ad hoc to these.
sqlite3 "$WORK/bench.sqlite" "SELECT DISTINCT e.credit_code FROM enterprises e JOIN enterprise_units eu ON eu.enterprise_id = e.id
  JOIN org_units o ON o.id = eu.unit_id JOIN users u ON u.username = '$CADRE' JOIN org_units mine ON mine.id = u.unit_id
  WHERE o.path LIKE mine.path || '%'" > "$WORK/enterprises.txt"
export VISIT_ENTERPRISES="$WORK/enterprises.txt" VISIT_TEMPLATE="$PWD/Benchmarks/visit-template.json"

"$BIN" serve --hostname 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.05; done
sleep 1

run() { wrk -t2 -c32 -d"${DURATION}s" --latency "$@" 2>&1; }
health=$(run "http://127.0.0.1:$PORT/healthz")
visits=$(run -s Benchmarks/visits.lua "http://127.0.0.1:$PORT/api/v1/visits")
rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)

rps() { echo "$1" | awk '/Requests\/sec/ {print $2}'; }
p99() { echo "$1" | awk '$1 == "99%" {print $2}'; }
errors() { echo "$1" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' '; }
h_rps=$(rps "$health"); v_rps=$(rps "$visits")
stored=$(sqlite3 "$WORK/bench.sqlite" "SELECT COUNT(*) FROM visits")
answers=$(sqlite3 "$WORK/bench.sqlite" "SELECT COUNT(*) FROM answers")
echo "Sanbao visit benchmark — release build, SQLite (WAL), demo city, wrk -t2 -c32 -d${DURATION}s, $(nproc) cores"
printf '%-48s %12s %10s\n' "endpoint" "requests/s" "p99"
printf '%-48s %12s %10s\n' "GET /healthz" "$h_rps" "$(p99 "$health")"
printf '%-48s %12s %10s\n' "POST /api/v1/visits (1+3 questionnaires, 2 problems)" "$v_rps" "$(p99 "$visits")"
echo "visits at $(awk -v v="$v_rps" -v h="$h_rps" 'BEGIN { printf "%.1f", 100 * v / h }') % of /healthz; stored $stored visits, $answers answer rows; server peak RSS $((rss_kb / 1024)) MiB"
echo "errors: healthz [$(errors "$health")] visits [$(errors "$visits")]"
# The tallies take the new visits in later (the writer only notes them): the office's first
# dashboard after the run brings them all in, so that cost is measured here, not hidden.
pending=$(sqlite3 "$WORK/bench.sqlite" "SELECT COUNT(*) FROM tally_pending")
python3 - "http://127.0.0.1:$PORT" "$pending" <<'PY'
import http.cookiejar, re, sys, time, urllib.parse, urllib.request
base, pending = sys.argv[1], int(sys.argv[2])
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
csrf = re.search(r'name="_csrf" value="([^"]+)"', op.open(base + "/sign-in").read().decode()).group(1)
op.open(base + "/sign-in", urllib.parse.urlencode({"username": "office", "password": "Sanbao-2026", "_csrf": csrf}).encode()).read()
for label in ("first", "next"):
    start = time.perf_counter()
    op.open(base + "/dashboard").read()
    took = time.perf_counter() - start
    extra = "" if label != "first" else f" (brings {pending:,} waiting visits into the tallies: {1000 * took / pending:.2f} ms a visit)" if pending else " (no visit was waiting for the tallies)"
    print(f"office's {label} dashboard after the run: {took:.2f} s{extra}")
PY
