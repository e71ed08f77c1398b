#!/usr/bin/env bash
# Times `customs db update --source ../shared/data/osv` (3 OSV exports, about 40,000 records) into
# a fresh database, and the no-op update that follows (nothing changed). Goal: the import takes
# at most 10 seconds on a 2-core machine.
#
# Usage: bench/db_update.sh [--runs N] [--check]
#   --runs N   import N times and report the median (default 3)
#   --check    exit 1 when the median import takes longer than 10 seconds
# Exit 3 when ../shared/data/osv is missing. Builds customs in release mode first (honouring
# CARGO_TARGET_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
check=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --check) check=1; shift ;;
    *) echo "usage: bench/db_update.sh [--runs N] [--check]" >&2; exit 2 ;;
  esac
done

source_dir=../shared/data/osv
if [ ! -f "$source_dir/npm/all.zip" ]; then
  echo "SKIPPED: $source_dir is missing" >&2
  exit 3
fi

cargo build --release --locked -p customs >&2
customs="${CARGO_TARGET_DIR:-target}/release/customs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

now() { date +%s%N; }
seconds() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }'; }

times=()
for run in $(seq "$runs"); do
  rm -rf "${work:?}"/*
  start=$(now)
  "$customs" db update --source "$source_dir" --db "$work/advisories.sqlite" >"$work/update.txt"
  times+=("$(( $(now) - start ))")
  echo "run $run: $(seconds "${times[-1]}") s" >&2
done
start=$(now)
"$customs" db update --source "$source_dir" --db "$work/advisories.sqlite" >"$work/again.txt"
noop=$(( $(now) - start ))
grep -q "is up to date" "$work/again.txt" || { echo "the second update was not a no-op" >&2; exit 1; }

median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
head -1 "$work/update.txt"
echo "db update from $source_dir: median $(seconds "$median") s over $runs runs (goal: at most 10 s); no-op update $(seconds "$noop") s; database $(du -h "$work/advisories.sqlite" | cut -f1)"
if [ "$check" = 1 ] && [ "$median" -gt 10000000000 ]; then
  echo "FAILED: the import took longer than 10 s" >&2
  exit 1
fi
