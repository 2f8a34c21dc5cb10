#!/usr/bin/env bash
# Load benchmark: ruzu-load on a gen_social.py data directory, wall time, peak RSS, file size
# and per-phase times (RUZU_LOAD_PHASES: one line per table on stderr); with --kuzu, Kuzu's own
# loader on the same data right after (same machine, same command), so the figures can be
# quoted as ratios.
#
#   bench/load.sh DATA_DIR [--kuzu PYTHON] [--variants]
#
# PYTHON: a venv's python with kuzu installed. --variants also runs ruzu with
# --memory-limit 256MB and with --threads 1 and --threads 2 (the default uses all cores and
# the default memory limit). RUZU_LOAD_ARGS adds arguments to every ruzu run.
set -euo pipefail
data=${1:?usage: bench/load.sh DATA_DIR [--kuzu PYTHON] [--variants]}
shift
kuzu_py=""
variants=0
while [ $# -gt 0 ]; do
  case "$1" in
    --kuzu) kuzu_py=${2:?--kuzu needs the python of a venv with kuzu}; shift 2 ;;
    --variants) variants=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")/.." && pwd)
CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1} cargo build --release --bin ruzu-load --manifest-path "$here/Cargo.toml" >/dev/null
out=$(mktemp -d -p "$(dirname "$data")")
trap 'rm -rf "$out"' EXIT
run_ruzu() {
  local label=$1
  shift
  RUZU_LOAD_PHASES=1 /usr/bin/time -f "ruzu $label: %e s wall, %M KiB peak RSS" \
    "$here/target/release/ruzu-load" --quiet --force ${RUZU_LOAD_ARGS:-} "$@" \
    --schema "$data/schema.cypher" \
    --nodes "$data/Person.csv" "$data/City.csv" --rels "$data/knows.csv" "$data/livesIn.csv" \
    "$out/bench.ruzu"
  echo "ruzu $label: file $(stat -c %s "$out/bench.ruzu") bytes"
  rm -f "$out/bench.ruzu"
}
run_ruzu default
if [ "$variants" = 1 ]; then
  run_ruzu "256MB" --memory-limit 256MB
  run_ruzu "threads=1" --threads 1
  run_ruzu "threads=2" --threads 2
fi
if [ -n "$kuzu_py" ]; then
  bench=$(cd "$here/../shared/bench" && pwd)
  /usr/bin/time -f "kuzu: %e s wall, %M KiB peak RSS" "$kuzu_py" "$bench/kuzu_load.py" kuzu "$data" "$out/kuzu_db" --threads 2
  du -sb "$out"/kuzu_db* | awk '{s+=$1} END {print "kuzu: file " s " bytes"}'
fi
