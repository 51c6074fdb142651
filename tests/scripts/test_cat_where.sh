#!/usr/bin/env bash
# `cat --where/--partition/--explain` against DuckDB: for each predicate, the rows cat prints
# (as "trade_id,side" CSV lines, sorted) equal what DuckDB's SELECT ... WHERE returns on the
# same partitioned dataset (tests/interop/cat_where.mjs); every output format prints the same
# rows; --explain shows partitions skipped by their directory values and row groups skipped
# by statistics; bad expressions exit 2 naming the position. Skipped (exit 0 with a note)
# when node or the pinned packages are not installed.
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
# One predicate per line; the same text goes to DuckDB and to fluxforge.
cat >"$scratch/predicates.txt" <<'PREDICATES'
product_id = 'BTC-USD' AND date >= '2025-11-26'
spread IS NULL
spread IS NOT NULL AND price > 150
side IN ('offer', 'ask')
side IS NULL OR trade_id % 5 = 0
NOT (side = 'buy')
time BETWEEN TIMESTAMP '2025-11-26 01:00:00' AND TIMESTAMP '2025-11-26 02:00:00'
price * size > 700
coalesce(side, 'none') = 'none' AND date = DATE '2025-11-25'
date = DATE '2025-11-25' OR product_id LIKE 'E%'
lower(side) <> 'buy' AND spread < 0.7
trade_id BETWEEN 100 AND 20000 AND date <> '2025-11-27'
CASE WHEN side = 'buy' THEN price ELSE -price END > 120
product_id = 'DOGE-USD'
spread IS DISTINCT FROM 0.5 AND product_id <> 'ETH-USD' AND hour(time) = 3
PREDICATES
(cd "$interop" && node cat_where.mjs "$ds" "$scratch/predicates.txt" "$scratch/expected" \
    "$scratch/ints" "$scratch/bare")

n=0
while IFS= read -r predicate; do
    ff cat "$ds" --where "$predicate" --columns trade_id,side --format csv >"$scratch/out.csv" ||
        fail "cat --where \"$predicate\" exited $?"
    tail -n +2 "$scratch/out.csv" | LC_ALL=C sort >"$scratch/got.txt"
    LC_ALL=C sort "$scratch/expected/$n.txt" >"$scratch/want.txt"
    if ! cmp -s "$scratch/got.txt" "$scratch/want.txt"; then
        diff "$scratch/got.txt" "$scratch/want.txt" | head -5 >&2
        fail "predicate $n ($predicate): $(wc -l <"$scratch/got.txt") rows, DuckDB $(wc -l <"$scratch/want.txt")"
    fi
    n=$((n + 1))
done <"$scratch/predicates.txt"
[ "$n" -ge 12 ] || fail "only $n predicates ran"
echo "ok: $n predicates match DuckDB"

# Every format prints only the matching rows.
where="side = 'ask' AND size > 5"
cols=trade_id,side,size,price
want=$(ff cat "$ds" --where "$where" --columns $cols --format csv | tail -n +2 | wc -l)
[ "$want" -gt 0 ] || fail "no rows for the format check"
[ "$(ff cat "$ds" --where "$where" --format jsonl | wc -l)" = "$want" ] || fail "jsonl row count"
[ "$(ff cat "$ds" --where "$where" --columns $cols --format table | tail -n +3 | wc -l)" = "$want" ] ||
    fail "table row count"
[ "$(ff cat "$ds" --where "$where" --format jsonl --limit 3 | wc -l)" = 3 ] || fail "--limit"
# The same filter on a single file.
file="$ds/product_id=SOL-USD/date=2025-11-26/part-0.parquet"
[ "$(ff cat "$file" --where "$where" --format jsonl | wc -l)" = \
    "$(ff cat "$ds" --where "$where" --partition product_id=SOL-USD --partition date=2025-11-26 \
        --format jsonl | wc -l)" ] || fail "single file and --partition disagree"

# --explain: partition values skip every other partition; statistics skip row groups.
ff cat "$ds" --where "product_id = 'BTC-USD' AND date >= '2025-11-26'" --explain \
    --format csv >/dev/null 2>"$scratch/explain.txt"
cat "$scratch/explain.txt"
grep -q "^explain: where ((product_id = 'BTC-USD') AND (date >= DATE '2025-11-26'))" \
    "$scratch/explain.txt" || fail "explain: typed expression"
grep -q "^explain: partitions: 9, skipped by partition values: 7$" "$scratch/explain.txt" ||
    fail "explain: partitions"
grep -q "^explain: files: 10, skipped by partition values: 8$" "$scratch/explain.txt" ||
    fail "explain: files"
grep -q "^explain: row groups: 6, skipped by statistics: 0, all rows match: 6, evaluated: 0$" \
    "$scratch/explain.txt" || fail "explain: matching partitions need no evaluation"
ff cat "$ds" --where "time BETWEEN TIMESTAMP '2025-11-26 01:00:00' AND TIMESTAMP '2025-11-26 02:00:00'" \
    --explain --format jsonl >/dev/null 2>"$scratch/explain.txt"
cat "$scratch/explain.txt"
grep -q "^explain: row groups: 28, skipped by statistics: 25, all rows match: 0, evaluated: 3$" \
    "$scratch/explain.txt" || fail "explain: a time range skips row groups by statistics"
ff cat "$ds" --partition date=2025-11-27 --explain --format jsonl >/dev/null 2>"$scratch/explain.txt"
grep -q "^explain: partitions: 9, skipped by partition values: 6$" "$scratch/explain.txt" ||
    fail "explain: --partition prunes like a predicate"

# NULL partition values: rows moved into product_id=__HIVE_DEFAULT_PARTITION__ are found
# by IS NULL (every other partition skipped) and left out by comparisons, as SQL says.
cp -a "$ds" "$scratch/nulls"
ff update "$scratch/nulls" --set "product_id = NULL" --where "trade_id < 100" >/dev/null
[ "$(ff cat "$scratch/nulls" --where "product_id IS NULL" --explain --format jsonl \
    2>"$scratch/explain.txt" | wc -l)" = 100 ] || fail "IS NULL on the NULL partition"
grep -q "^explain: partitions: 10, skipped by partition values: 9$" "$scratch/explain.txt" ||
    fail "explain: IS NULL skips the other partitions"
[ "$(ff cat "$scratch/nulls" --partition product_id=__HIVE_DEFAULT_PARTITION__ --format jsonl |
    wc -l)" = 100 ] || fail "--partition K=__HIVE_DEFAULT_PARTITION__"
total=$(ff cat "$scratch/nulls" --format jsonl | wc -l)
eth=$(ff cat "$scratch/nulls" --where "product_id = 'ETH-USD'" --format jsonl | wc -l)
[ "$(ff cat "$scratch/nulls" --where "product_id <> 'ETH-USD'" --format jsonl | wc -l)" = \
    $((total - eth - 100)) ] || fail "<> must leave NULL partition values out"

# Partition columns the files do not store (DuckDB's default) come from the directories.
[ "$(ff cat "$scratch/bare" --where "product_id = 'ETH-USD' AND trade_id < 10" --format csv \
    --explain 2>"$scratch/explain.txt" | tail -n +2 | LC_ALL=C sort | tr '\n' ' ')" = "1 4 7 " ] ||
    fail "partition column known only from the directory"
grep -q "^explain: partitions: 3, skipped by partition values: 2$" "$scratch/explain.txt" ||
    fail "explain: pruning on a column the files lack"
[ "$(ff cat "$scratch/bare" --where "product_id || '' = 'SOL-USD'" --format jsonl | wc -l)" = 10 ] ||
    fail "evaluating a column the files lack"

# A file with a nested column: rows the predicate rejects are walked past level by level.
nested="${FF_CORPUS_DIR:-}/parquet-testing/repeated_no_annotation.parquet"
if [ -f "$nested" ]; then
    ff cat "$nested" --format jsonl | grep -E '^\[(2|4|6),' >"$scratch/want.txt"
    ff cat "$nested" --format jsonl --where "id % 2 = 0" >"$scratch/got.txt"
    cmp -s "$scratch/got.txt" "$scratch/want.txt" || fail "nested file: $(cat "$scratch/got.txt")"
    [ "$(ff cat "$nested" --format jsonl --where "id >= 5" | wc -l)" = 2 ] || fail "nested tail"
fi

# Bad expressions and options: exit 2 with a message naming the position.
expect_usage() {
    local pattern=$1
    shift
    local code=0
    ff cat "$ds" "$@" >"$scratch/out" 2>"$scratch/err" || code=$?
    [ "$code" = 2 ] || fail "cat $* exited $code, expected 2"
    [ ! -s "$scratch/out" ] || fail "cat $* printed rows"
    grep -q -- "$pattern" "$scratch/err" || fail "cat $*: message '$(cat "$scratch/err")'"
}
expect_usage "--where: at 0: unknown column 'sprd', did you mean 'spread'?" --where "sprd > 1"
expect_usage "--where: at 17: expected an expression" --where "price > 'abc' AND"
expect_usage "--where: at 7: comparison: cannot combine VARCHAR with BIGINT" --where "side = 1"
expect_usage "--where: at .*BOOLEAN" --where "price + 1"
expect_usage "not a partition column" --partition foo=1
expect_usage "cannot read '2025-13-01' as DATE" --partition date=2025-13-01
echo "ok"
