#!/usr/bin/env bash
# Generates a market-data sample dataset with the shared benchmark generator
# (../shared/bench/gen.mjs, written by DuckDB, so the files are third-party Parquet).
#   scripts/sample-data.sh OUT_DIR [generator args...]
# The generator's folder may be read-only, so it runs from a scratch copy that borrows the
# pinned DuckDB from tests/interop/node_modules.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"; shift
bench_src="${FF_BENCH_SRC:-$root/../shared/bench}"
[ -f "$bench_src/gen.mjs" ] || { echo "sample-data: no generator at $bench_src/gen.mjs" >&2; exit 2; }
if [ ! -d "$root/tests/interop/node_modules/@duckdb/node-api" ]; then
  (cd "$root/tests/interop" && npm ci --no-audit --no-fund --loglevel=error)
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -r "$bench_src/gen.mjs" "$bench_src/lib" "$scratch/"
ln -s "$root/tests/interop/node_modules" "$scratch/node_modules"
node "$scratch/gen.mjs" --out "$out" "$@"
