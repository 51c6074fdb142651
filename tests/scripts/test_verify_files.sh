#!/usr/bin/env bash
# `verify` per-file checks: datasets DuckDB wrote verify (partition columns stored in the
# files as DATE, VARCHAR and INTEGER, one directory spelled size=003); a truncated file, a
# file with a damaged page, a file whose stored partition value disagrees with its directory
# (string, date and integer columns), a NULL directory over non-NULL values, and a leftover in
# _fluxforge/stage each make verify exit 1 with a line naming the file. Skipped (exit 0 with
# a note) when node or the pinned packages are not installed.
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
: >"$scratch/none.txt"
(cd "$interop" && node cat_where.mjs "$scratch/base" "$scratch/none.txt" "$scratch/expected" \
    "$scratch/ints")
ds="$scratch/ds"
reset() {
    rm -rf "$ds"
    cp -a "$scratch/base" "$ds"
}
# verify must fail (exit 1) with a problem line matching each given pattern.
expect_problem() {
    local code=0
    ff verify "$ds" >"$scratch/out" 2>&1 || code=$?
    cat "$scratch/out"
    [ "$code" = 1 ] || fail "verify exited $code, expected 1"
    for pattern in "$@"; do
        grep -q -- "^problem: .*$pattern" "$scratch/out" || fail "no problem line matching '$pattern'"
    done
}

reset
ff verify "$ds" >"$scratch/out" || fail "a good dataset does not verify: $(cat "$scratch/out")"
grep -q "10 file(s) in 9 partition(s), 0 problem(s)" "$scratch/out" || fail "summary: $(cat "$scratch/out")"

# A truncated file: the footer is gone.
reset
f="$ds/product_id=ETH-USD/date=2025-11-26/part-0.parquet"
head -c 20000 "$f" >"$f.cut" && mv "$f.cut" "$f"
expect_problem "product_id=ETH-USD/date=2025-11-26/part-0.parquet: not a Parquet file"

# A file whose pages are damaged behind an intact footer: every row group must decode.
reset
f="$ds/product_id=SOL-USD/date=2025-11-25/part-0.parquet"
size=$(stat -c %s "$f")
printf '\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377' |
    dd of="$f" bs=1 seek=$((size / 3)) conv=notrunc status=none
expect_problem "product_id=SOL-USD/date=2025-11-25/part-0.parquet: .*row group 0: column"

# A file in the wrong directory: its stored product_id and date disagree with the path.
reset
cp "$ds/product_id=BTC-USD/date=2025-11-25/part-0.parquet" \
    "$ds/product_id=ETH-USD/date=2025-11-25/part-1.parquet"
expect_problem "product_id=ETH-USD/date=2025-11-25/part-1.parquet: row group 0: column 'product_id': 2048 of 2048 rows disagree with the directory (product_id=ETH-USD); row 0 holds 'BTC-USD'"
cp "$ds/product_id=BTC-USD/date=2025-11-25/part-0.parquet" \
    "$ds/product_id=BTC-USD/date=2025-11-27/part-1.parquet"
expect_problem "product_id=BTC-USD/date=2025-11-27/part-1.parquet: row group 0: column 'date': .*row 0 holds '2025-11-25'"

# A NULL directory over values.
reset
mkdir -p "$ds/product_id=__HIVE_DEFAULT_PARTITION__/date=2025-11-25"
cp "$ds/product_id=BTC-USD/date=2025-11-25/part-0.parquet" \
    "$ds/product_id=__HIVE_DEFAULT_PARTITION__/date=2025-11-25/part-0.parquet"
expect_problem "product_id=__HIVE_DEFAULT_PARTITION__/date=2025-11-25/part-0.parquet: .*column 'product_id'.*row 0 holds 'BTC-USD'"

# Integer partitions compare as integers: size=003 holds 3; size=2 holding 1 is a problem.
ff verify "$scratch/ints" >"$scratch/out" || fail "integer partitions: $(cat "$scratch/out")"
cp "$scratch/ints/size=1/part-0.parquet" "$scratch/ints/size=2/part-1.parquet"
ds="$scratch/ints"
expect_problem "size=2/part-1.parquet: row group 0: column 'size': 100 of 100 rows disagree with the directory (size=2); row 0 holds '1'"

ds="$scratch/ds"

# A leftover of an interrupted commit.
reset
mkdir -p "$ds/_fluxforge/stage/20251126T000000000000-deadbeef"
cp "$ds/product_id=BTC-USD/date=2025-11-25/part-0.parquet" \
    "$ds/_fluxforge/stage/20251126T000000000000-deadbeef/part.parquet.tmp"
expect_problem "_fluxforge/stage/20251126T000000000000-deadbeef"

# A dataset rewritten by fluxforge itself still verifies.
reset
ff delete "$ds" --where "side = 'buy' AND size > 3" >/dev/null
ff verify "$ds" >"$scratch/out" || fail "verify after delete: $(cat "$scratch/out")"
echo "ok"
