#!/usr/bin/env bash
# `make demo`: generates a small market-data dataset and shows FluxForge working on it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ff="$root/build/fluxforge"
demo="${FF_DEMO_DIR:-/tmp/fluxforge-demo}"
rm -rf "$demo"
echo "== generating a sample dataset in $demo (200,000 trades, 4 products x 3 days)"
bash "$root/scripts/sample-data.sh" "$demo" --rows 200000 --days 3 --products 4 --seed 7 >/dev/null
data="$demo/trades"
step() { echo; echo "== $*"; "$@"; }
first_file="$(find "$data" -name '*.parquet' | sort | head -1)"
step "$ff" inspect "$data"
step "$ff" schema "$first_file"
step "$ff" cat "$data" --limit 5
step "$ff" fingerprint "$data"
