#!/usr/bin/env bash
# Writer interoperability (issue 3): DuckDB and Polars write a matrix of files that FluxForge
# must read exactly, and read back FluxForge's copies of them exactly, statistics included.
# The work is in tests/interop/writer_sources.mjs and writer_interop.mjs; this script finds
# the tools, makes a scratch folder and runs them. Without node or the pinned packages
# (`npm ci` in tests/interop) it reports a skip and passes.
set -euo pipefail

source_dir=${FF_SOURCE_DIR:?FF_SOURCE_DIR is not set}
cli=${FF_CLI:?FF_CLI is not set}
corpus_dir=${FF_CORPUS_DIR:-$source_dir/../shared/corpus}
interop=$source_dir/tests/interop
make_expected=$corpus_dir/make_expected.mjs

if ! command -v node >/dev/null 2>&1 || [ ! -d "$interop/node_modules/@duckdb/node-api" ] ||
   [ ! -d "$interop/node_modules/nodejs-polars" ] || [ ! -f "$make_expected" ]; then
  echo "SKIP: node, tests/interop/node_modules (npm ci) or $make_expected missing"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ff-writer-interop-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$interop"
node writer_sources.mjs "$work"
node writer_interop.mjs "$work" "$cli" "$make_expected"
