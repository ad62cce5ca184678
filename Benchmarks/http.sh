#!/usr/bin/env bash
# HTTP benchmark (issue 2): on a release build and the demo city, in one run —
#   * requests/s and p99 of GET /healthz and of an authenticated, scoped
#     GET /api/v1/org-units?page=1 (a district admin's token), with wrk over 127.0.0.1;
#   * cold start to first response on an already migrated database;
#   * idle RSS of the server.
# Usage: Benchmarks/http.sh [seconds per wrk run, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 2; }

swift build -c release --product sanbao >/dev/null
BIN=$(swift build -c release --show-bin-path)/sanbao
WORK=$(mktemp -d /tmp/sanbao-bench.XXXXXX)
export DATABASE_URL="sqlite:$WORK/bench.sqlite" LOG_LEVEL=warning
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN" demo >/dev/null 2>&1
TOKEN=$("$BIN" token create shushan.admin --name bench 2>/dev/null)

# Cold start: process start to the first answered request, database already migrated.
start=$(date +%s%N)
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.005; done
cold_ms=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 2
idle_rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)

items=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/org-units?page=1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["items"]), d["total"])')

run() { wrk -t2 -c32 -d"${DURATION}s" --latency "$@" 2>&1; }
curl -s "http://127.0.0.1:$PORT/healthz" >/dev/null
health=$(run "http://127.0.0.1:$PORT/healthz")
scoped=$(run -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/org-units?page=1")
loaded_rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)

rps() { echo "$1" | awk '/Requests\/sec/ {print $2}'; }
p99() { echo "$1" | awk '$1 == "99%" {print $2}'; }
errors() { echo "$1" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' '; }
h_rps=$(rps "$health"); s_rps=$(rps "$scoped")
ratio=$(awk -v s="$s_rps" -v h="$h_rps" 'BEGIN { printf "%.1f", 100 * s / h }')

echo "Sanbao HTTP benchmark — release build, SQLite (WAL), demo city, wrk -t2 -c32 -d${DURATION}s, $(nproc) cores"
printf '%-48s %12s %10s\n' "endpoint" "requests/s" "p99"
printf '%-48s %12s %10s\n' "GET /healthz" "$h_rps" "$(p99 "$health")"
printf '%-48s %12s %10s\n' "GET /api/v1/org-units?page=1 (district admin)" "$s_rps" "$(p99 "$scoped")"
echo "scoped list answered $items (items on page, total in scope)"
echo "scoped/healthz: ${ratio}% (target >= 30%)"
echo "cold start to first response: ${cold_ms} ms (target < 1000 ms)"
echo "idle RSS: $((idle_rss_kb / 1024)) MiB; after load: $((loaded_rss_kb / 1024)) MiB"
e1=$(errors "$health"); e2=$(errors "$scoped")
[ -z "$e1$e2" ] || echo "wrk reported: $e1 $e2"
