#!/usr/bin/env bash
# Dashboards and statistics benchmark (issue 7): the province demo (6,470 units, 1,000,000
# enterprises) with a visiting stage of 1,000,000 visits and about 5,800,000 answers
# (Benchmarks/gen_visits.py) and 1,000,000 problems (Benchmarks/gen_problems.py), release build,
# SQLite or PostgreSQL. Measures rebuilding the tallies, the root and a district's dashboard, cross-tabulations
# (by industry, by the units below, by size, by another question), the statistics page of a
# district over chosen days, a report's page, and the every-response CSV export (streamed: time,
# size, the server's peak memory).
# Targets: dashboards < 300 ms; a cross-tabulation < 1 s; the export in constant memory.
# Usage: Benchmarks/dashboards.sh [VISITS, default 1000000]
#   DASHBOARDS_BASE=FILE  start from a copy of an existing province demo database (skips ~3 min)
#   DASHBOARDS_POSTGRES=URL  measure on PostgreSQL: the database built above is copied into this
#                            (emptied) one (Benchmarks/sqlite_to_postgres.py) and served from it
set -euo pipefail
cd "$(dirname "$0")/.."
VISITS=${1:-1000000}
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt-get install sqlite3)"; exit 2; }

swift build -c release --product sanbao >/dev/null
BIN=$(swift build -c release --show-bin-path)/sanbao
WORK=$(mktemp -d ${DASHBOARDS_TMP:-/tmp}/sanbao-dashboards.XXXXXX)
DB="$WORK/province.sqlite"
export DATABASE_URL="sqlite:$DB" LOG_LEVEL=warning SANBAO_SCAN_MINUTES=100000
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

if [ -n "${DASHBOARDS_BASE:-}" ]; then
  cp "$DASHBOARDS_BASE" "$DB"; [ -f "$DASHBOARDS_BASE.key" ] && cp "$DASHBOARDS_BASE.key" "$DB.key"
else
  /usr/bin/time -f "province demo loaded in %e s" "$BIN" demo --scale province >/dev/null
fi
"$BIN" migrate -y >/dev/null
python3 Benchmarks/gen_visits.py "$DB" "$VISITS" | tail -1
python3 Benchmarks/gen_problems.py "$DB" 1000000 | tail -1
sqlite3 "$DB" "ANALYZE"
echo "Sanbao dashboards benchmark — release build, province demo, $(nproc) cores; built on SQLite (WAL)"
sqlite3 "$DB" "SELECT printf('%,d visits, %,d responses, %,d answers, %,d problems', (SELECT COUNT(*) FROM visits),
  (SELECT COUNT(*) FROM responses), (SELECT COUNT(*) FROM answers), (SELECT COUNT(*) FROM problems))"
echo "tallies: $("$BIN" visits retally)"
"$BIN" problems retally >/dev/null

ENGINE=SQLite
if [ -n "${DASHBOARDS_POSTGRES:-}" ]; then
  command -v psql >/dev/null || { echo "needs psql (apt-get install postgresql-client)"; exit 2; }
  # Personal fields stay encrypted as they are: the server reads them with the SQLite file's key.
  export SANBAO_SECRET="$(cat "$DB.key")"
  DATABASE_URL="$DASHBOARDS_POSTGRES" "$BIN" migrate -y >/dev/null
  python3 Benchmarks/sqlite_to_postgres.py "$DB" "$DASHBOARDS_POSTGRES" | tail -1
  psql "$DASHBOARDS_POSTGRES" -X -q -c "SET client_min_messages = error" -c "VACUUM ANALYZE"
  export DATABASE_URL="$DASHBOARDS_POSTGRES"
  ENGINE=PostgreSQL
  echo "tallies on PostgreSQL: $("$BIN" visits retally)"
fi
echo "serving from $ENGINE"
DISTRICT=shushan.admin
"$BIN" user reset-password "$DISTRICT" --password Bench-2026-pass >/dev/null
"$BIN" user reset-password office --password Bench-2026-pass >/dev/null
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.1; done
S="/statistics?q=enterprise&question=layoffs_planned"
WEEK=$(python3 -c 'import datetime as d; t=d.date.today()-d.timedelta(days=7); print("%d-W%02d" % t.isocalendar()[:2])')
python3 Benchmarks/time_pages.py "http://127.0.0.1:$PORT" office Bench-2026-pass --runs 10 /dashboard "$S&by=industry" "$S&by=district" "$S&by=size" \
  "$S&by=q:financing_need" /reports/completeness "/reports/3401/$WEEK" /
python3 Benchmarks/time_pages.py "http://127.0.0.1:$PORT" "$DISTRICT" Bench-2026-pass --runs 10 /dashboard "$S&by=industry" "$S&by=district" \
  "$S&by=q:financing_need" "$S&by=industry&from=$(date -d '-14 days' +%F)&to=$(date +%F)" /
python3 - "http://127.0.0.1:$PORT" <<'PY'
import http.cookiejar, re, sys, time, urllib.parse, urllib.request
base = sys.argv[1]
jar = http.cookiejar.CookieJar()
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
csrf = re.search(r'name="_csrf" value="([^"]+)"', op.open(base + "/sign-in").read().decode()).group(1)
op.open(base + "/sign-in", urllib.parse.urlencode({"username": "office", "password": "Bench-2026-pass", "_csrf": csrf}).encode()).read()
start, size, lines = time.perf_counter(), 0, 0
with op.open(base + "/statistics/export/responses.csv?q=enterprise") as r:
    while chunk := r.read(1 << 20):
        size += len(chunk)
        lines += chunk.count(b"\n")
print(f"        office GET every response as CSV: {lines - 1:,} rows, {size / 1e6:,.0f} MB in {time.perf_counter() - start:.1f} s")
PY
echo "server peak RSS: $(awk '/VmHWM/ {print $2 / 1024 " MiB"}' /proc/$PID/status)"
