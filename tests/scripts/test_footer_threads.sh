#!/usr/bin/env bash
# Footers are read on a pool of threads (src/ops/ops_footers.c): the union schema of the
# row-level commands and the per-file facts of `inspect` and `schema`. The result and the
# error must not depend on the number of threads. On a dataset with drifted schemas (a column
# only later files have, an INT32 column that later files store as INT64) update, dedup,
# inspect and schema give the same output for --threads 1, 2, 4 and 8; with broken files
# among many, every thread count names the same file, the first in path order.
# Skipped (exit 0 with a note) when node or the pinned packages are not installed.
set -euo pipefail
interop="$FF_SOURCE_DIR/tests/interop"
if ! command -v node >/dev/null || [ ! -d "$interop/node_modules/@duckdb/node-api" ]; then
    echo "skipped: node or tests/interop/node_modules missing (run npm ci there)"
    exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
ff() { "$FF_CLI" "$@"; }
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
ds="$scratch/ds"
(cd "$interop" && node ops_make_dataset.mjs "$ds" "$scratch/input.parquet" 12)
# Drift: files written later in path order carry a column `note` and a BIGINT `size`.
(cd "$interop" && node --input-type=module -e "
import { DuckDBInstance } from '@duckdb/node-api';
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const dir = '$ds/product_id=ETH-USD/date=2025-11-26';
await con.run(\`COPY (SELECT 'ETH-USD' AS product_id, DATE '2025-11-26' AS date,
  (900000 + i)::BIGINT AS trade_id, 1.5::DOUBLE AS price, i::BIGINT AS size, 'buy' AS side,
  NULL::DOUBLE AS spread, 1.0::DOUBLE AS best_bid, 2.0::DOUBLE AS best_ask,
  'late' AS note FROM range(0, 5) t(i)) TO '\${dir}/part-zz-drift.parquet' (FORMAT parquet)\`);
")
num_files=$(find "$ds" -name '*.parquet' | wc -l)
[ "$num_files" -ge 40 ] || fail "expected many files, got $num_files"

# ---- Same result for every thread count ----
reference=""
for threads in 1 2 4 8; do
    out=$(ff update "$ds" --set "note = 'x'" --where "trade_id < 30" --dry-run --json \
        --threads "$threads") || fail "update with --threads $threads failed: $out"
    dedup=$(ff dedup "$ds" --key side --dry-run --json --threads "$threads") ||
        fail "dedup with --threads $threads failed: $dedup"
    dedup="$dedup $(ff inspect "$ds" --json --threads "$threads" | cksum)"
    dedup="$dedup $(ff schema "$ds" --threads "$threads" | cksum)"
    if [ -z "$reference" ]; then
        reference="$out $dedup"
        echo "$out" | grep -q '"rows_updated":[1-9]' || fail "update found no rows: $out"
        ff schema "$ds" | grep -q "has a different schema" || fail "schema shows no drift"
    fi
    [ "$out $dedup" = "$reference" ] ||
        fail "--threads $threads: '$out $dedup' differs from --threads 1: '$reference'"
done

# ---- Same error for every thread count: the first broken file in path order ----
printf 'not a parquet file at all, but long enough to have a footer-sized tail.......' \
    >"$ds/product_id=BTC-USD/date=2025-11-26/part-zz-broken.parquet"
printf 'PAR1 garbage PAR1' >"$ds/product_id=ETH-USD/date=2025-11-25/part-zz-broken.parquet"
first_message=""
for threads in 1 2 4 8 8 4; do
    set +e
    msg=$(ff dedup "$ds" --key side --dry-run --threads "$threads" 2>&1)
    status=$?
    set -e
    [ "$status" != 0 ] || fail "--threads $threads: broken files were not reported"
    if [ -z "$first_message" ]; then
        first_message="$msg"
        echo "$msg" | grep -q "product_id=BTC-USD/date=2025-11-26/part-zz-broken.parquet" ||
            fail "the error does not name the first broken file: $msg"
    fi
    [ "$msg" = "$first_message" ] ||
        fail "--threads $threads: error '$msg' differs from '$first_message'"
    for command in inspect schema; do
        set +e
        msg=$(ff "$command" "$ds" --threads "$threads" 2>&1 >/dev/null)
        status=$?
        set -e
        [ "$status" = 2 ] || fail "$command --threads $threads: exit $status with broken files"
        echo "$msg" | grep -q "product_id=BTC-USD/date=2025-11-26/part-zz-broken.parquet" ||
            fail "$command --threads $threads: error does not name the first broken file: $msg"
    done
done
echo "ok: $num_files files, error: $first_message"
