#!/usr/bin/env bash
# Registry import benchmark (issue 3): N enterprises from CSV into SQLite through
# `sanbao import enterprises`, with time and peak RSS; the same file through sqlite3's own
# `.import` into a bare table as the floor; then `sanbao export enterprises` of all rows.
# With SANBAO_BENCH_POSTGRES_URL set, the same import into PostgreSQL.
# Usage: Benchmarks/import.sh [rows, default 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt-get install sqlite3)"; exit 2; }
swift build -c release --product sanbao >/dev/null
BIN=$(swift build -c release --show-bin-path)/sanbao
WORK=$(mktemp -d /tmp/sanbao-import-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export LOG_LEVEL=warning DATABASE_URL="sqlite:$WORK/bench.sqlite"

"$BIN" demo >/dev/null 2>&1    # the demo org tree (and its 10,000 enterprises) to import into
"$BIN" export org-units 2>/dev/null | awk -F, '$3 == "town" || $3 == "street" {print $1}' > "$WORK/divisions.txt"
python3 Benchmarks/gen_enterprises.py "$ROWS" < "$WORK/divisions.txt" > "$WORK/enterprises.csv"
SIZE=$(du -m "$WORK/enterprises.csv" | cut -f1)

measure() {  # prints "seconds peak_MiB" for a command
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>&1 || { cat "$WORK/out.txt" | tail -5; exit 1; }
  awk '{printf "%s %d\n", $1, $2 / 1024}' "$WORK/time.txt"
}

read -r t_import m_import < <(measure "$BIN" import enterprises "$WORK/enterprises.csv")
summary=$(grep -v '^\[' "$WORK/out.txt" | head -1)
read -r t_floor m_floor < <(measure sqlite3 "$WORK/floor.sqlite" -cmd ".mode csv" ".import $WORK/enterprises.csv bare")
read -r t_export m_export < <(measure "$BIN" export enterprises -o "$WORK/export.csv")
exported=$(($(wc -l < "$WORK/export.csv") - 1))

echo "Sanbao registry import benchmark — release build, $(nproc) cores, $ROWS rows, ${SIZE} MB CSV"
printf '%-52s %10s %12s\n' "step" "seconds" "peak RSS MiB"
printf '%-52s %10s %12s\n' "sanbao import enterprises → SQLite" "$t_import" "$m_import"
printf '%-52s %10s %12s\n' "sqlite3 .import into a bare table (floor)" "$t_floor" "$m_floor"
printf '%-52s %10s %12s\n' "sanbao export enterprises ($exported rows) → CSV" "$t_export" "$m_export"
echo "import said: $summary"
if [ -n "${SANBAO_BENCH_POSTGRES_URL:-}" ]; then
  export DATABASE_URL="$SANBAO_BENCH_POSTGRES_URL" SANBAO_SECRET=${SANBAO_SECRET:-$(head -c 32 /dev/urandom | base64)}
  "$BIN" demo >/dev/null 2>&1 || true
  read -r t_pg m_pg < <(measure "$BIN" import enterprises "$WORK/enterprises.csv")
  printf '%-52s %10s %12s\n' "sanbao import enterprises → PostgreSQL" "$t_pg" "$m_pg"
  echo "import said: $(grep -v '^\[' "$WORK/out.txt" | head -1)"
  read -r t_pgx m_pgx < <(measure "$BIN" export enterprises -o "$WORK/export-pg.csv")
  printf '%-52s %10s %12s\n' "sanbao export enterprises ($(($(wc -l < "$WORK/export-pg.csv") - 1)) rows) ← PostgreSQL" "$t_pgx" "$m_pgx"
fi
