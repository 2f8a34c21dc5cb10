#!/usr/bin/env bash
# Load benchmark: ruzu-load on a gen_social.py data directory, wall time, peak RSS and file
# size; with --kuzu, Kuzu's own loader on the same data right after (same machine, same
# command), so the figures can be quoted as ratios.
#
#   bench/load.sh DATA_DIR [--kuzu PYTHON]     (PYTHON: a venv's python with kuzu installed)
set -euo pipefail
data=${1:?usage: bench/load.sh DATA_DIR [--kuzu PYTHON]}
here=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --bin ruzu-load --manifest-path "$here/Cargo.toml" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
/usr/bin/time -f "ruzu: %e s wall, %M KiB peak RSS" \
  "$here/target/release/ruzu-load" --quiet --schema "$data/schema.cypher" \
  --nodes "$data/Person.csv" "$data/City.csv" --rels "$data/knows.csv" "$data/livesIn.csv" \
  "$out/bench.ruzu"
echo "ruzu: file $(stat -c %s "$out/bench.ruzu") bytes"
if [ "${2:-}" = "--kuzu" ]; then
  py=${3:?--kuzu needs the python of a venv with kuzu}
  bench=$(cd "$here/../shared/bench" && pwd)
  /usr/bin/time -f "kuzu: %e s wall, %M KiB peak RSS" "$py" "$bench/kuzu_load.py" kuzu "$data" "$out/kuzu_db" --threads 2
  du -sb "$out"/kuzu_db* | awk '{s+=$1} END {print "kuzu: file " s " bytes"}'
fi
