#!/usr/bin/env bash
# Readers during commits (docs/commit-protocol.md "What readers see"). DuckDB queries
# read_parquet('ROOT/**/*.parquet', hive_partitioning = true) in a tight loop
# (tests/interop/reader_loop.mjs) while FluxForge commits a series of deletes, updates and
# upserts to the ETH-USD partitions; the BTC-USD partitions are never touched.
# tests/interop/reader_check.mjs then asserts only what the protocol guarantees: no read ever
# fails on a half-written or invalid file, every count lies between the untouched rows and
# untouched + twice the largest touched state, and a read wholly between two operations sees
# exactly the dataset's state then. Reads that overlap a commit may see a mix of the files
# before and after it, or a file the commit unlinked after DuckDB listed it ("No such file");
# the test prints how often.
# Skipped (exit 0 with a note) when node or the pinned packages are not installed.
set -euo pipefail
interop="$FF_SOURCE_DIR/tests/interop"
if ! command -v node >/dev/null || [ ! -d "$interop/node_modules/@duckdb/node-api" ]; then
    echo "skipped: node or tests/interop/node_modules missing (run npm ci there)"
    exit 0
fi
scratch=$(mktemp -d)
reader=""
cleanup() {
    touch "$scratch/stop"
    [ -z "$reader" ] || wait "$reader" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT
ff() { "$FF_CLI" "$@"; }
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
ds="$scratch/ds"
rounds=${FF_READER_ROUNDS:-10}
(cd "$interop" && node ops_make_dataset.mjs "$ds" "$scratch/unused.parquet" 4)
# Upsert inputs, ETH-USD only: three existing trades with a new price, three new ones.
(cd "$interop" && node --input-type=module -e "
import { DuckDBInstance } from '@duckdb/node-api';
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
for (let i = 1; i <= $rounds; i++) {
  await con.run(\`COPY (SELECT 'ETH-USD' AS product_id,
      CASE WHEN t.i % 2 = 0 THEN DATE '2025-11-25' ELSE DATE '2025-11-26' END AS date,
      (CASE WHEN t.i < 3 THEN 81 + \${i} * 3 + t.i * 40 ELSE 200000 + \${i} * 10 + t.i END)::BIGINT
        AS trade_id, (1000 + \${i})::DOUBLE AS price, 1 AS size, 'buy' AS side,
      NULL::DOUBLE AS spread, 1.0::DOUBLE AS best_bid, 2.0::DOUBLE AS best_ask
    FROM range(0, 6) t(i)) TO '$scratch/input-\${i}.parquet' (FORMAT parquet)\`);
}
")
rows_of() { ff inspect "$1" | awk '$1 == "rows" { print $2 }'; }
now_ms() { date +%s%3N; }
static_rows=$(ff cat "$ds" --where "product_id = 'BTC-USD'" --format csv | tail -n +2 | wc -l)
{
    echo "static $static_rows"
    echo "init $(rows_of "$ds")"
} >"$scratch/ops.txt"

(cd "$interop" && exec node reader_loop.mjs "$ds" "$scratch/stop" "$scratch/reads.jsonl") &
reader=$!
# Let the reader get going, and give it a quiet stretch to measure the initial state.
for _ in $(seq 100); do
    [ "$(cat "$scratch/reads.jsonl" 2>/dev/null | wc -l)" -ge 3 ] && break
    sleep 0.1
done
run_op() {
    local start end
    start=$(now_ms)
    ff "$@" >"$scratch/op.out" 2>&1 || fail "$*: $(cat "$scratch/op.out")"
    end=$(now_ms)
    echo "$start $end $(rows_of "$ds")" >>"$scratch/ops.txt"
    sleep 0.2 # a quiet stretch: reads here must see exactly this state
}
for i in $(seq "$rounds"); do
    run_op delete "$ds" --where "trade_id % 17 = $i" --partition product_id=ETH-USD
    run_op update "$ds" --set "price = price + 1" --where "trade_id % 5 = $((i % 5))" \
        --partitions product_id=ETH-USD
    run_op upsert "$ds" --from "$scratch/input-$i.parquet" --key trade_id
done
touch "$scratch/stop"
wait "$reader"
reader=""
[ "$(ff cat "$ds" --where "product_id = 'BTC-USD'" --format csv | tail -n +2 | wc -l)" = \
    "$static_rows" ] || fail "the BTC-USD partitions changed"
ff verify "$ds" >/dev/null || fail "verify failed"
(cd "$interop" && node reader_check.mjs "$scratch/reads.jsonl" "$scratch/ops.txt") ||
    fail "a reader saw something the protocol rules out"
