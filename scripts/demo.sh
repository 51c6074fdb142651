#!/usr/bin/env bash
# `make demo`: generates a small market-data dataset and runs the everyday maintenance jobs
# on it: look at it, merge its small files, fix data quality, load corrections, check for
# duplicates, verify, and undo the last change from its backup.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ff="$root/build/fluxforge"
demo="${FF_DEMO_DIR:-/tmp/fluxforge-demo}"
rm -rf "$demo"
echo "== generating a sample dataset in $demo (200,000 trades, 4 products x 3 days, DuckDB-written)"
bash "$root/scripts/sample-data.sh" "$demo" --rows 200000 --days 3 --products 4 --seed 7 >/dev/null
data="$demo/trades"
step() { echo; echo "\$ fluxforge ${*:2}"; "$@"; }

# The report lists every small file; show its head (through a file, so that the pipe closing
# early cannot fail the script).
"$ff" inspect "$data" >"$demo/inspect.txt"
echo; echo "\$ fluxforge inspect $data | head -40"; head -40 "$demo/inspect.txt"
step "$ff" cat "$data" --where "product_id = 'BTC-USD' AND spread_bps > 500" --limit 3 --explain
fingerprint_before="$("$ff" fingerprint "$data")"
echo; echo "# fingerprint before: $fingerprint_before"

echo; echo "## 1. Merge the small files"
step "$ff" compact "$data" --dry-run
step "$ff" compact "$data"
echo; echo "# fingerprint after compaction: $("$ff" fingerprint "$data") (the same rows, fewer files)"
[ "$("$ff" fingerprint "$data")" = "$fingerprint_before" ]

echo; echo "## 2. Fix data quality"
step "$ff" delete "$data" --where "product_id = 'BTC-USD' AND spread_bps > 500" --dry-run
step "$ff" delete "$data" --where "product_id = 'BTC-USD' AND spread_bps > 500"
step "$ff" update "$data" --set "spread = best_ask - best_bid" --where "spread IS NULL"

echo; echo "## 3. Incremental load: corrected and new trades"
before_upsert="$("$ff" fingerprint "$data")"
step "$ff" upsert "$data" --from "$demo/upserts/upsert.parquet" --key product_id,trade_id --dry-run
step "$ff" upsert "$data" --from "$demo/upserts/upsert.parquet" --key product_id,trade_id

echo; echo "## 4. Duplicates?"
step "$ff" dedup "$data" --key product_id,trade_id --dry-run

echo; echo "## 5. Verify and undo"
step "$ff" verify "$data"
step "$ff" backups "$data" list
last_txid="$("$ff" backups "$data" list | awk 'NR > 1 { txid = $1 } END { print txid }')"
step "$ff" backups "$data" restore "$last_txid"
after_restore="$("$ff" fingerprint "$data")"
echo; echo "# fingerprint before the upsert: $before_upsert, after restoring its backup: $after_restore"
[ "$before_upsert" = "$after_restore" ] && echo "# the restore brought back exactly the data before the upsert"
