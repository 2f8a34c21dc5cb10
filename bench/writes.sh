#!/usr/bin/env bash
# Write benchmark: `ruzu-bench writes` on a copy of the scale-0.1 benchmark database; with
# --kuzu, bench/kuzu_writes.py does the same steps on Kuzu right after (same machine, same
# command), repetitions interleaved, and a table of the medians with ratios is printed.
#
#   bench/writes.sh DATA_DIR [--kuzu PYTHON] [--reps N] [--rows N] [--reads N] [--work DIR]
#                   [--gen GEN_PY]
#
# DATA_DIR  gen_social.py's output; generated there (scale 0.1, seed 42) when it holds no
#           schema.cypher, with GEN_PY (default: ../shared/bench/gen_social.py beside the
#           repository).
# PYTHON    a venv's python with kuzu installed (0.11.3 for the published anchors).
# --reps    repetitions of each side (default 3); each starts from a fresh copy.
# --rows    statements per phase (default 2000).
# --reads   timed runs of each read query per state (default 15).
# --work    scratch directory (default: a new temporary one, removed at exit). Put it on
#           tmpfs (/dev/shm/...) to measure the engines without the disk's fdatasync time.
# Phases and JSON keys: see `ruzu-bench writes --help` and bench/kuzu_writes.py.
set -euo pipefail
usage="usage: bench/writes.sh DATA_DIR [--kuzu PYTHON] [--reps N] [--rows N] [--reads N] [--work DIR] [--gen GEN_PY]"
data=${1:?$usage}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
py="" reps=3 rows=2000 reads=15 work="" gen="$here/../shared/bench/gen_social.py"
while [ $# -gt 0 ]; do
  case "$1" in
    --kuzu) py=${2:?$usage}; shift 2 ;;
    --reps) reps=${2:?$usage}; shift 2 ;;
    --rows) rows=${2:?$usage}; shift 2 ;;
    --reads) reads=${2:?$usage}; shift 2 ;;
    --work) work=${2:?$usage}; shift 2 ;;
    --gen) gen=${2:?$usage}; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
if [ ! -f "$data/schema.cypher" ]; then
  echo "generating the scale-0.1 graph into $data with $gen" >&2
  python3 "$gen" --scale 0.1 --seed 42 --out "$data" >&2
fi
data=$(cd "$data" && pwd)
cargo build --release --bin ruzu-bench --bin ruzu-load --manifest-path "$here/Cargo.toml" >&2
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
else
  mkdir -p "$work"
  work=$(cd "$work" && pwd)
fi
rm -rf "$work/base" && mkdir -p "$work/base" "$work/ruzu" "$work/kuzu"
"$here/target/release/ruzu-load" --quiet --schema "$data/schema.cypher" \
  --nodes "$data/Person.csv" "$data/City.csv" --rels "$data/knows.csv" "$data/livesIn.csv" \
  "$work/base/bench.ruzu"
if [ -n "$py" ]; then
  "$py" "$here/bench/kuzu_writes.py" load "$data" "$work/base/bench.kuzu" >&2
fi
: >"$work/ruzu.jsonl"
: >"$work/kuzu.jsonl"
for rep in $(seq 1 "$reps"); do
  echo "repetition $rep of $reps: ruzu" >&2
  "$here/target/release/ruzu-bench" writes "$work/base/bench.ruzu" --data "$data" \
    --work "$work/ruzu" --rows "$rows" --reads "$reads" --json | tee -a "$work/ruzu.jsonl" >&2 || true
  if [ -n "$py" ]; then
    echo "repetition $rep of $reps: kuzu" >&2
    "$py" "$here/bench/kuzu_writes.py" run "$work/base/bench.kuzu" --data "$data" \
      --work "$work/kuzu" --rows "$rows" --reads "$reads" | tee -a "$work/kuzu.jsonl" >&2 || true
  fi
done
python3 "$here/bench/kuzu_writes.py" table "$work/ruzu.jsonl" "$work/kuzu.jsonl"
