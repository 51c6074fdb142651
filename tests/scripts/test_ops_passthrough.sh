#!/usr/bin/env bash
# Column chunks that an operation does not change are carried over as encoded bytes
# (DESIGN §9), and what comes out is still right. DuckDB writes multi-row-group files; after
# FluxForge's update, delete or upsert, DuckDB's parquet_metadata() must show every chunk that should
# be untouched with the same codec, encodings, size, value count and statistics as before,
# only the changed chunks different, and the content equal to what DuckDB's own SQL gives
# (Polars must read the same aggregates). --compression makes every written chunk use it;
# --validate reads every written file back.
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
pt() { (cd "$interop" && node passthrough.mjs "$@"); }
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
pt make "$scratch/base"
ds="$scratch/ds"
reset() {
    rm -rf "$ds"
    cp -a "$scratch/base" "$ds"
}
# Lines of `before` missing from `after` (multiset difference).
gone() { comm -23 <(sort <<<"$1") <(sort <<<"$2"); }
chunks_before=$(pt chunks "$scratch/base")
[ "$(wc -l <<<"$chunks_before")" = 300 ] || fail "expected 300 chunks in the base dataset"

# ---- update: only the assigned column's chunks of affected row groups change ----
reset
ff update "$ds" --set "spread = price * 2" --where "spread IS NULL" --json >"$scratch/out.json"
grep -q '"rows_updated":' "$scratch/out.json" || fail "update printed no statistics"
chunks_after=$(pt chunks "$ds")
changed=$(gone "$chunks_before" "$chunks_after")
[ "$(grep -c . <<<"$changed")" = 4 ] ||
    fail "update: expected exactly 4 changed chunks (spread of 4 row groups), got: $changed"
if grep -v '"path_in_schema":"spread"' <<<"$changed" | grep -q .; then
    fail "update: a chunk of an unassigned column changed: $changed"
fi
pt rows "$ds" >"$scratch/got"
pt expect "$scratch/base" \
    "SELECT * REPLACE (CASE WHEN spread IS NULL THEN price * 2 ELSE spread END AS spread) FROM t" \
    >"$scratch/want"
cmp -s "$scratch/got" "$scratch/want" || fail "update: content differs from DuckDB's UPDATE"
pt summary "$ds" >/dev/null || fail "update: DuckDB and Polars disagree on the result"
ff verify "$ds" >/dev/null || fail "update: verify failed"
echo "update: 4 of 300 chunks re-encoded, content equal to DuckDB's"

# ---- delete: row groups without deleted rows keep every chunk ----
reset
ff delete "$ds" --where "id = 5000" --json >/dev/null
chunks_after=$(pt chunks "$ds")
changed=$(gone "$chunks_before" "$chunks_after")
[ "$(grep -c . <<<"$changed")" = 10 ] ||
    fail "delete: expected the 10 chunks of one row group to change, got: $changed"
[ "$(sed 's/.*"row_group_num_rows":"\([0-9]*\)".*/\1/' <<<"$changed" | sort -u | wc -l)" = 1 ] &&
    [ "$(sed 's/.*"path_in_schema":"\([a-z_]*\)".*/\1/' <<<"$changed" | sort -u | wc -l)" = 10 ] ||
    fail "delete: the changed chunks are not the 10 columns of one row group: $changed"
pt rows "$ds" >"$scratch/got"
pt expect "$scratch/base" "SELECT * FROM t WHERE NOT (id = 5000)" >"$scratch/want"
cmp -s "$scratch/got" "$scratch/want" || fail "delete: content differs from DuckDB's DELETE"
pt summary "$ds" >/dev/null || fail "delete: DuckDB and Polars disagree on the result"
echo "delete: 10 of 300 chunks re-encoded, content equal to DuckDB's"

# ---- upsert: only the columns a match changes, in the row groups it changes ----
pt write "$scratch/base" "SELECT * REPLACE (price + 1 AS price) FROM t WHERE id IN (3000, 3001)" \
    "$scratch/upsert.parquet"
reset
ff upsert "$ds" --from "$scratch/upsert.parquet" --key product_id,id --json >/dev/null
chunks_after=$(pt chunks "$ds")
changed=$(gone "$chunks_before" "$chunks_after")
[ "$(grep -c . <<<"$changed")" = 1 ] && grep -q '"path_in_schema":"price"' <<<"$changed" ||
    fail "upsert: expected only the price chunk of one row group to change, got: $changed"
pt rows "$ds" >"$scratch/got"
pt expect "$scratch/base" \
    "SELECT * REPLACE (CASE WHEN id IN (3000, 3001) THEN price + 1 ELSE price END AS price) FROM t" \
    >"$scratch/want"
cmp -s "$scratch/got" "$scratch/want" || fail "upsert: content differs from DuckDB's"
echo "upsert: 1 of 300 chunks re-encoded, content equal to DuckDB's"

# ---- an explicit codec re-encodes what it writes ----
reset
ff update "$ds" --set "spread = price * 2" --where "spread IS NULL" --compression snappy >/dev/null
pt chunks "$ds" >"$scratch/chunks"
snappy=$(grep -c '"compression":"SNAPPY"' "$scratch/chunks" || true)
zstd=$(grep -c '"compression":"ZSTD"' "$scratch/chunks" || true)
# Files 0 and 1 of both partitions are rewritten (200 chunks); file 2 is untouched.
[ "$snappy" = 200 ] && [ "$zstd" = 100 ] ||
    fail "--compression snappy: $snappy SNAPPY and $zstd ZSTD chunks, expected 200 and 100"
pt rows "$ds" >"$scratch/got"
pt expect "$scratch/base" \
    "SELECT * REPLACE (CASE WHEN spread IS NULL THEN price * 2 ELSE spread END AS spread) FROM t" \
    >"$scratch/want"
cmp -s "$scratch/got" "$scratch/want" || fail "--compression snappy: content differs"
echo "update --compression snappy: every rewritten chunk is SNAPPY"

# ---- --validate reads every written file back (and so decodes every column) ----
json_field() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" <<<"$1"; }
check_validate() {
    reset
    local out added validated
    out=$(ff "$@" --validate --json)
    added=$(json_field "$out" files_added)
    validated=$(json_field "$out" files_validated)
    [ "$added" -gt 0 ] && [ "$validated" = "$added" ] ||
        fail "$1 --validate: $validated of $added written files validated"
    ff verify "$ds" >/dev/null || fail "$1 --validate: verify failed"
}
check_validate update "$ds" --set "spread = price * 2" --where "spread IS NULL"
check_validate delete "$ds" --where "id % 3 = 0"
check_validate dedup "$ds" --key side,flag
reset
ff update "$ds" --set "spread = price * 2" --where "spread IS NULL" --validate >/dev/null
pt rows "$ds" >"$scratch/got"
pt expect "$scratch/base" \
    "SELECT * REPLACE (CASE WHEN spread IS NULL THEN price * 2 ELSE spread END AS spread) FROM t" \
    >"$scratch/want"
cmp -s "$scratch/got" "$scratch/want" || fail "update --validate: content differs"
echo "--validate: every written file read back and matched"
