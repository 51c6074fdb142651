#!/usr/bin/env bash
# Differential test of delete, update, upsert and dedup against DuckDB on random drifted,
# partitioned datasets (tests/interop/ops_diff.mjs). FF_OPS_DIFF_CASES and FF_OPS_DIFF_SEED
# override the number of cases and the seed (a failure prints the seed of its case, which
# replays it alone with FF_OPS_DIFF_CASES=1). Skipped (exit 0 with a note) when node or the
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
node ops_diff.mjs "$scratch" "${FF_OPS_DIFF_CASES:-240}" "${FF_OPS_DIFF_SEED:-20251126}"
