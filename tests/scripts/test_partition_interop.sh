#!/usr/bin/env bash
# DuckDB and Polars decode the partition directory names FluxForge writes back to the values
# it encoded (tests/interop/partition_paths.mjs). Skipped (exit 0 with a note) when node or the
# pinned packages are not installed.
set -euo pipefail
interop="$FF_SOURCE_DIR/tests/interop"
if ! command -v node >/dev/null || [ ! -d "$interop/node_modules/@duckdb/node-api" ]; then
    echo "skipped: node or tests/interop/node_modules missing (run npm ci there)"
    exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$FF_BUILD_DIR/test_partition_path" --emit-interop-cases >"$scratch/cases.jsonl"
cd "$interop"
node partition_paths.mjs "$scratch/ds" <"$scratch/cases.jsonl"
