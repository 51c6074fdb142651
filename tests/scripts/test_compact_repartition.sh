#!/usr/bin/env bash
# compact and repartition end to end, with DuckDB (and Polars) as the oracle
# (tests/interop/layout_oracle.mjs builds the dataset and runs the queries):
#  - compact: the content is the same multiset of rows; each partition has the expected number
#    of files (small files of partitions with enough of them merged, cut by --target-size);
#    every other file keeps its inode and bytes; the dry run reports what the real run does and
#    writes nothing; a second run finds nothing to do; bad options exit 2 and change nothing.
#  - repartition: DST holds exactly DuckDB's SELECT *, derived FROM the source, each row in the
#    directory of its partition values, readable by DuckDB and Polars with hive partitioning;
#    --estimate writes nothing and predicts the partitions; --in-place replaces the layout and
#    its backup restores the old one; bad input (unknown --by column, bad --derive, DST not
#    empty or inside SRC) exits 2 and changes nothing.
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
oracle() { (cd "$interop" && node layout_oracle.mjs "$@"); }
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
oracle make "$scratch/base"
ds="$scratch/ds"
reset() {
    rm -rf "$ds"
    cp -a "$scratch/base" "$ds"
}
# Name, inode and checksum of every data file: what must not move.
state() {
    (cd "$1" && find . -name '*.parquet' -not -path './_fluxforge/*' | sort |
        while read -r f; do echo "$f $(stat -c %i "$f") $(md5sum <"$f" | cut -c1-32)"; done)
}
json_field() { sed -n "s/.*\"$2\":\"\{0,1\}\([^,}\"]*\).*/\1/p" <<<"$1"; }
files_in() { find "$1" -maxdepth 1 -name '*.parquet' | wc -l; }
glob() { echo "read_parquet('$1/**/*.parquet', hive_partitioning = false)"; }
# Rows of query a that query b lacks, plus the reverse: 0 when they are equal multisets.
multiset_diff() {
    oracle sql "SELECT (SELECT count(*) FROM ($1 EXCEPT ALL $2)) + (SELECT count(*) FROM ($2 EXCEPT ALL $1))"
}
expect_usage() {
    local before
    before=$(state "$ds")
    set +e
    ff "$@" >/dev/null 2>"$scratch/err"
    local status=$?
    set -e
    [ "$status" = 2 ] || fail "$* exited $status, want 2"
    [ -s "$scratch/err" ] || fail "$*: no message"
    [ "$(state "$ds")" = "$before" ] || fail "$* changed the dataset"
}
cases=0
pass() {
    cases=$((cases + 1))
    echo "$1: ok"
}

BTC25=product_id=BTC-USD/date=2025-11-25
BTC26=product_id=BTC-USD/date=2025-11-26
ETH25=product_id=ETH-USD/date=2025-11-25
ETH26=product_id=ETH-USD/date=2025-11-26
SOL25=product_id=SOL-USD/date=2025-11-25

# ---- compact: which files, which partitions; dry run; untouched files ----
reset
before=$(state "$ds")
fp_before=$(ff fingerprint "$ds")
dry=$(ff compact "$ds" --max-file-size 50K --dry-run --json)
[ "$(state "$ds")" = "$before" ] || fail "compact --dry-run changed the dataset"
real=$(ff compact "$ds" --max-file-size 50K --json)
for field in files_rewritten files_added files_before files_after partitions_touched bytes_before; do
    [ "$(json_field "$dry" $field)" = "$(json_field "$real" $field)" ] ||
        fail "compact: dry run $field $(json_field "$dry" $field), real run $(json_field "$real" $field)"
done
[ "$(json_field "$real" files_rewritten)" = 18 ] || fail "compact: want 18 small files merged: $real"
[ "$(json_field "$real" files_before)" = 23 ] || fail "compact: want files_before 23: $real"
[ "$(json_field "$real" files_after)" = 8 ] || fail "compact: want files_after 8: $real"
[ "$(json_field "$real" partitions_touched)" = 3 ] || fail "compact: want 3 partitions: $real"
for want in "$BTC25 1" "$BTC26 3" "$ETH25 2" "$ETH26 1" "$SOL25 1"; do
    set -- $want
    [ "$(files_in "$ds/$1")" = "$2" ] || fail "compact: $1 has $(files_in "$ds/$1") files, want $2"
done
ls "$ds/$BTC25" | grep -q "^part-$(json_field "$real" txid)-[0-9]*\.parquet$" ||
    fail "compact: output not named part-<txid>-<n>.parquet: $(ls "$ds/$BTC25")"
# Untouched: all of BTC-USD/2025-11-26 and SOL-USD, and ETH-USD/2025-11-25's large file.
[ "$(state "$ds" | grep -E "$BTC26|$SOL25|$ETH25/part-5")" = \
    "$(grep -E "$BTC26|$SOL25|$ETH25/part-5" <<<"$before")" ] || fail "compact: an untouched file changed"
[ "$(ff fingerprint "$ds")" = "$fp_before" ] || fail "compact: fingerprint changed"
[ "$(multiset_diff "SELECT * FROM $(glob "$scratch/base")" "SELECT * FROM $(glob "$ds")")" = 0 ] ||
    fail "compact: DuckDB sees different rows"
ff verify "$ds" >/dev/null || fail "compact: verify"
pass "compact --max-file-size 50K (dry run, counts, untouched files, content)"

# A second run has nothing to do and writes nothing.
before=$(state "$ds")
out=$(ff compact "$ds" --max-file-size 50K)
grep -q "nothing to compact" <<<"$out" || fail "second compact: $out"
[ "$(state "$ds")" = "$before" ] || fail "second compact changed files"
pass "compact again: nothing to do"

# The backup restores the small files.
ff backups "$ds" restore "$(json_field "$real" txid)" >/dev/null
[ "$(files_in "$ds/$BTC25")" = 6 ] || fail "restore: BTC25 has $(files_in "$ds/$BTC25") files"
[ "$(ff fingerprint "$ds")" = "$fp_before" ] || fail "restore: fingerprint"
pass "compact backup restore"

# Default --max-file-size (20 MiB): the large file counts as small too.
reset
ff compact "$ds" >/dev/null
for want in "$BTC25 1" "$BTC26 3" "$ETH25 1" "$ETH26 1" "$SOL25 1"; do
    set -- $want
    [ "$(files_in "$ds/$1")" = "$2" ] || fail "compact defaults: $1 has $(files_in "$ds/$1") files, want $2"
done
[ "$(ff fingerprint "$ds")" = "$fp_before" ] || fail "compact defaults: fingerprint"
pass "compact defaults"

# --min-files 7 leaves only ETH-USD/2025-11-26; a --target-size of 2/5 of its bytes cuts it
# into 3 files (outputs are cut by the source bytes they took).
reset
before=$(state "$ds")
eth26_bytes=$(cat "$ds/$ETH26"/*.parquet | wc -c)
target=$((eth26_bytes * 2 / 5))
ff compact "$ds" --min-files 7 --target-size "$target" --threads 2 >/dev/null
[ "$(files_in "$ds/$ETH26")" = 3 ] || fail "--target-size $target of $eth26_bytes: $ETH26 has $(files_in "$ds/$ETH26") files, want 3"
[ "$(state "$ds" | grep -v "$ETH26")" = "$(grep -v "$ETH26" <<<"$before")" ] ||
    fail "--min-files 7: another partition changed"
[ "$(ff fingerprint "$ds")" = "$fp_before" ] || fail "--target-size: fingerprint"
[ "$(multiset_diff "SELECT * FROM $(glob "$scratch/base")" "SELECT * FROM $(glob "$ds")")" = 0 ] ||
    fail "--target-size: DuckDB sees different rows"
pass "compact --min-files 7 --target-size (2/5 of the partition)"

# --partition limits the work; other partitions stay.
reset
before=$(state "$ds")
ff compact "$ds" --partition product_id=BTC-USD --json >/dev/null
[ "$(files_in "$ds/$BTC25")" = 1 ] && [ "$(files_in "$ds/$ETH26")" = 7 ] ||
    fail "--partition product_id=BTC-USD: wrong partitions compacted"
pass "compact --partition"

# --sort-by: every new file is sorted (NULLs last), also when --target-size cuts a partition
# into several; rows as before.
for extra in "" "--target-size $((eth26_bytes / 3))"; do
    reset
    out=$(ff compact "$ds" --sort-by spread,trade_id --json $extra)
    txid=$(json_field "$out" txid)
    unsorted=$(oracle sql "SELECT count(*) FROM (
        SELECT spread, trade_id,
               lag(spread) OVER w AS prev_spread, lag(trade_id) OVER w AS prev_id,
               row_number() OVER w AS n
        FROM read_parquet('$ds/**/part-$txid-*.parquet', hive_partitioning = false,
                          filename = true, file_row_number = true)
        WINDOW w AS (PARTITION BY filename ORDER BY file_row_number))
      WHERE n > 1 AND ((prev_spread IS NULL AND spread IS NOT NULL)
                       OR prev_spread > spread
                       OR (prev_spread = spread AND prev_id > trade_id)
                       OR (prev_spread IS NULL AND spread IS NULL AND prev_id > trade_id))")
    [ "$unsorted" = 0 ] || fail "--sort-by spread,trade_id $extra: $unsorted rows out of order"
    new_files=$(find "$ds" -name "part-$txid-*.parquet" | wc -l)
    [ "$new_files" = "$(json_field "$out" files_added)" ] || fail "--sort-by $extra: $new_files files"
    [ "$(ff fingerprint "$ds")" = "$fp_before" ] || fail "--sort-by $extra: fingerprint"
done
[ "$(files_in "$ds/$ETH26")" -ge 3 ] || fail "--sort-by with --target-size: $ETH26 not cut"
expect_usage compact "$ds" --sort-by no_such_column
grep -q "no_such_column" "$scratch/err" || fail "--sort-by unknown column not named"
pass "compact --sort-by (with and without --target-size)"

# A file with nested columns is left as it is; the flat small files around it are merged.
nested_src="${FF_CORPUS_DIR:-}/parquet-testing/nested_structs.rust.parquet"
if [ -f "$nested_src" ]; then
nested="$scratch/nested"
mkdir -p "$nested/k=a"
for f in 0 1 2 3 4; do cp "$scratch/base/$BTC25/part-$f.parquet" "$nested/k=a/part-$f.parquet"; done
cp "$nested_src" "$nested/k=a/nested.parquet"
nested_before=$(md5sum <"$nested/k=a/nested.parquet")
out=$(ff compact "$nested" --json)
[ "$(json_field "$out" files_rewritten)" = 5 ] || fail "nested: want 5 files merged: $out"
[ "$(files_in "$nested/k=a")" = 2 ] || fail "nested: $(ls "$nested/k=a")"
[ "$(md5sum <"$nested/k=a/nested.parquet")" = "$nested_before" ] || fail "nested: the nested file changed"
pass "compact leaves files with nested columns"
else
    echo "compact with nested columns: skipped (no corpus at FF_CORPUS_DIR)"
fi

# Bad options: exit 2, nothing changed.
reset
expect_usage compact "$ds" --target-size lots
expect_usage compact "$ds" --min-files 0
expect_usage compact "$ds" --max-file-size -5
expect_usage compact "$ds" --no-such-option
expect_usage compact "$scratch/no-such-dataset"
pass "compact bad input"

# ---- repartition SRC DST: W1's layout, derived from time ----
reset
src_before=$(state "$ds")
derive=(--derive "year=year(time)" --derive "month=month(time)" --derive "day=day(time)"
    --derive "hour=hour(time)")
by=(--by product_id,year,month,day,hour)
est=$(ff repartition "$ds" "$scratch/out" "${by[@]}" "${derive[@]}" --estimate --json)
[ ! -e "$scratch/out" ] || fail "--estimate created DST"
real=$(ff repartition "$ds" "$scratch/out" "${by[@]}" "${derive[@]}" --json)
[ "$(state "$ds")" = "$src_before" ] || fail "repartition changed SRC"
want_parts=$(oracle sql "SELECT count(*) FROM (SELECT DISTINCT product_id, year(time), month(time), day(time), hour(time) FROM $(glob "$ds"))")
[ "$(json_field "$est" partitions_after)" = "$want_parts" ] ||
    fail "--estimate: partitions_after $(json_field "$est" partitions_after), DuckDB $want_parts"
[ "$(json_field "$real" partitions_after)" = "$want_parts" ] ||
    fail "repartition: partitions_after $(json_field "$real" partitions_after), DuckDB $want_parts"
[ "$(json_field "$est" files_added)" = "$(json_field "$real" files_added)" ] ||
    fail "--estimate: files_added $(json_field "$est" files_added), real $(json_field "$real" files_added)"
leaves=$(find "$scratch/out" -name '*.parquet' -not -path '*/_fluxforge/*' -printf '%h\n' | sort -u | wc -l)
[ "$leaves" = "$want_parts" ] || fail "repartition: $leaves leaf directories, want $want_parts"
cols="product_id, date, trade_id, price, side, time, spread"
[ "$(multiset_diff "SELECT $cols, year(time)::BIGINT, month(time)::BIGINT, day(time)::BIGINT, hour(time)::BIGINT FROM $(glob "$ds")" \
    "SELECT $cols, year::BIGINT, month::BIGINT, day::BIGINT, hour::BIGINT FROM $(glob "$scratch/out")")" = 0 ] ||
    fail "repartition: DST differs from DuckDB's SELECT *, derived"
misplaced=$(oracle sql "SELECT count(*) FROM read_parquet('$scratch/out/**/*.parquet', hive_partitioning = false, filename = true)
    WHERE regexp_extract(filename, '/product_id=([^/]*)/', 1) <> product_id
       OR regexp_extract(filename, '/year=([^/]*)/', 1) <> year::VARCHAR
       OR regexp_extract(filename, '/month=([^/]*)/', 1) <> month::VARCHAR
       OR regexp_extract(filename, '/day=([^/]*)/', 1) <> day::VARCHAR
       OR regexp_extract(filename, '/hour=([^/]*)/', 1) <> hour::VARCHAR")
[ "$misplaced" = 0 ] || fail "repartition: $misplaced rows outside the directory of their values"
want_sum=$(oracle sql "SELECT count(*) || ' ' || sum(trade_id) FROM $(glob "$ds")")
got=$(oracle sql "SELECT count(*) || ' ' || sum(trade_id) FROM read_parquet('$scratch/out/**/*.parquet', hive_partitioning = true)")
[ "$got" = "$want_sum" ] || fail "repartition: DuckDB with hive partitioning reads $got, want $want_sum"
got=$(oracle sql "SELECT count(DISTINCT hour) FROM read_parquet('$scratch/out/**/*.parquet', hive_partitioning = true)")
[ "$got" = 24 ] || fail "repartition: DuckDB sees $got distinct hours"
got=$(oracle polars "$scratch/out/**/*.parquet")
[ "$got" = "$want_sum" ] || fail "repartition: Polars reads $got, want $want_sum"
ff verify "$scratch/out" >/dev/null || fail "repartition: verify DST"
pass "repartition SRC DST --by product_id,year,month,day,hour (estimate, DuckDB, Polars, directories)"

# An existing empty DST is fine; a string expression as partition column.
rm -rf "$scratch/out2"
mkdir "$scratch/out2"
ff repartition "$ds" "$scratch/out2" --by side,band --derive "band=CASE WHEN price >= 200 THEN 'high' ELSE 'low' END" --threads 1 >/dev/null
[ -d "$scratch/out2/side=buy/band=high" ] && [ -d "$scratch/out2/side=sell/band=low" ] ||
    fail "repartition --by side,band: directories $(ls "$scratch/out2"/*)"
[ "$(multiset_diff "SELECT $cols FROM $(glob "$ds")" "SELECT $cols FROM $(glob "$scratch/out2")")" = 0 ] ||
    fail "repartition --by side,band: rows differ"
pass "repartition into an empty DST, string derived column"

# Bad input: exit 2, SRC unchanged, DST not created or unchanged.
expect_usage repartition "$ds" "$scratch/bad" --by no_such_column
[ ! -e "$scratch/bad" ] || fail "unknown --by column created DST"
grep -q "no_such_column" "$scratch/err" || fail "unknown --by column not named: $(cat "$scratch/err")"
expect_usage repartition "$ds" "$scratch/bad" --by h --derive "h=hour(time"
[ ! -e "$scratch/bad" ] || fail "bad --derive created DST"
expect_usage repartition "$ds" "$scratch/bad" --by h --derive "h=hour(no_such)"
expect_usage repartition "$ds" "$scratch/bad" --by h --derive "h=price +"
expect_usage repartition "$ds" "$scratch/bad" --by h --derive "nonsense"
expect_usage repartition "$ds" "$scratch/bad"
[ ! -e "$scratch/bad" ] || fail "bad input created DST"
out_before=$(state "$scratch/out")
expect_usage repartition "$ds" "$scratch/out" --by side
[ "$(state "$scratch/out")" = "$out_before" ] || fail "non-empty DST changed"
grep -q "not empty" "$scratch/err" || fail "non-empty DST: $(cat "$scratch/err")"
expect_usage repartition "$ds" "$ds/sub" --by side
[ ! -e "$ds/sub" ] || fail "DST inside SRC created"
pass "repartition bad input"

# ---- repartition --in-place, and its backup ----
reset
fp_before=$(ff fingerprint "$ds")
real=$(ff repartition "$ds" --in-place --by side --json)
[ "$(ls "$ds" | grep -v '^_' | sort | tr '\n' ' ')" = "side=buy side=sell " ] ||
    fail "--in-place: top level is $(ls "$ds")"
[ "$(ff fingerprint "$ds")" = "$fp_before" ] || fail "--in-place: content changed"
[ "$(multiset_diff "SELECT * FROM $(glob "$scratch/base")" "SELECT * FROM $(glob "$ds")")" = 0 ] ||
    fail "--in-place: DuckDB sees different rows"
[ "$(json_field "$real" files_rewritten)" = 23 ] || fail "--in-place: $real"
ff verify "$ds" >/dev/null || fail "--in-place: verify"
ff backups "$ds" restore "$(json_field "$real" txid)" >/dev/null
[ -d "$ds/$BTC25" ] && [ "$(files_in "$ds/$BTC25")" = 6 ] || fail "--in-place restore: old layout missing"
pass "repartition --in-place and restore"

echo "compact/repartition: $cases cases"
