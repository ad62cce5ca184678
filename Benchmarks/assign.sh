#!/usr/bin/env bash
# Assignment solver benchmark (issue 4): our solver (`sanbao solver run`, release build)
# against OR-Tools' SimpleMinCostFlow on the reference generator's instances, in one run on
# this machine. For each instance: OR-Tools' solve time and cost (as the generator prints
# them), our solve time, peak RSS of our whole process (reading the file included), our cost,
# and the generator's independent check of our assignment.
# Usage: Benchmarks/assign.sh [quick]     quick: only the 10k x 1k and 200k x 10k instances
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SANBAO_SHARED:-../shared}
GEN="$SHARED/bench/assign/gen_and_solve.py"
[ -f "$GEN" ] || { echo "needs $GEN (set SANBAO_SHARED)"; exit 2; }
python3 -c "import numpy, ortools" 2>/dev/null || pip install -q numpy ortools
swift build -c release --product sanbao >/dev/null
BIN=$(swift build -c release --show-bin-path)/sanbao
WORK=$(mktemp -d /tmp/sanbao-assign-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

instances=(
  "--n 10000 --m 1000 --seed 1"
  "--n 10000 --m 1000 --seed 2"
  "--n 10000 --m 1000 --seed 1 --slack 1.1"
  "--n 10000 --m 1000 --seed 1 --slack 1.0"
  "--n 10000 --m 1000 --seed 1 --balance 0.8:2000"
  "--n 200000 --m 10000 --seed 1"
  "--n 200000 --m 10000 --seed 2"
  "--n 200000 --m 10000 --seed 1 --slack 1.1"
  "--n 200000 --m 10000 --seed 1 --slack 1.0"
  "--n 200000 --m 10000 --seed 1 --balance 0.8:2000"
)
if [ "${1:-}" != "quick" ]; then
  instances+=("--n 1000000 --m 50000 --seed 1" "--n 1000000 --m 50000 --seed 2")
fi

field() { grep -o "$1=[^ ]*" | head -1 | cut -d= -f2; }

printf '%-42s %9s %12s | %9s %8s %12s %s\n' instance "ortools_s" ortools_cost "ours_s" "ours_MB" ours_cost check
for args in "${instances[@]}"; do
  # shellcheck disable=SC2086
  python3 "$GEN" solve $args --bin "$WORK/i.bin" > "$WORK/ref.txt" 2>&1
  ref_s=$(grep '^ortools' "$WORK/ref.txt" | field solve_s)
  ref_cost=$(grep '^ortools' "$WORK/ref.txt" | field cost)
  balance=$(echo "$args" | grep -o -- '--balance [^ ]*' || true)
  # shellcheck disable=SC2086
  /usr/bin/time -f "%M" -o "$WORK/rss.txt" "$BIN" solver run --input "$WORK/i.bin" --output "$WORK/ours.asg" $balance > "$WORK/ours.txt"
  ours_s=$(tail -1 "$WORK/ours.txt" | field seconds)
  ours_cost=$(tail -1 "$WORK/ours.txt" | field cost)
  unassigned=$(tail -1 "$WORK/ours.txt" | field unassigned)
  rss=$(( $(cat "$WORK/rss.txt") / 1024 ))
  if [ "$unassigned" = "0" ]; then
    # shellcheck disable=SC2086
    check=$(python3 "$GEN" check $args --assignment "$WORK/ours.asg" | grep '^check' | awk '{print $2, $5}')
  else
    check="unassigned=$unassigned (OR-Tools: $(grep '^ortools' "$WORK/ref.txt" | field status))"
  fi
  printf '%-42s %9s %12s | %9s %8s %12s %s\n' "$args" "$ref_s" "${ref_cost:-none}" "$ours_s" "$rss" "$ours_cost" "$check"
  rm -f "$WORK/i.bin" "$WORK/ours.asg"
done
