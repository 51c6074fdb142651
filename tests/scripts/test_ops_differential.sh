#!/usr/bin/env bash
# Differential test of delete, update, upsert and dedup against DuckDB on random drifted,
# partitioned datasets (tests/interop/ops_diff.mjs). FF_OPS_DIFF_CASES and FF_OPS_DIFF_SEED
# override the number of cases and the seed (a failure prints the seed of its case, which
# replays it alone with FF_OPS_DIFF_CASES=1 FF_OPS_DIFF_SEED=<seed>). Skipped (exit 0 with a note) when node or the
# pinned packages are not installed.
set -euo pipefail
interop="$FF_SOURCE_DIR/tests/interop"
if ! command -v node >/dev/null || [ ! -d "$interop/node_modules/@duckdb/node-api" ]; then
    echo "skipped: node or tests/interop/node_modules missing (run npm ci there)"
    exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$interop"
# Two generators in parallel (the cases wait on fsync as much as on the CPU), each with its own
# scratch directory and seed.
cases=${FF_OPS_DIFF_CASES:-240}
seed=${FF_OPS_DIFF_SEED:-20251126}
mkdir -p "$scratch/a" "$scratch/b"
node ops_diff.mjs "$scratch/a" $(((cases + 1) / 2)) "$seed" &
first=$!
status=0
if [ "$cases" -gt 1 ]; then
    node ops_diff.mjs "$scratch/b" $((cases / 2)) $((seed + 1)) || status=1
fi
wait "$first" || status=1
exit "$status"
