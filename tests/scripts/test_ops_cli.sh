#!/usr/bin/env bash
# The row-level commands end to end: dry runs change nothing and report the same counts as
# the real run; files without affected rows keep their inode and bytes; "nothing to change"
# changes nothing; bad input exits 2 and changes nothing; --no-backup, --backup-dir, --json,
# --wait, --add-columns, upsert from stdin and from a directory of drifted files, partition
# moves, and restoring a backup.
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
(cd "$interop" && node ops_make_dataset.mjs "$scratch/base" "$scratch/input.parquet" 2)
ds="$scratch/ds"
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
# Name, inode and checksum of every data file, and the history length: what must not move.
state() {
    (cd "$1" && find . -name '*.parquet' -not -path './_fluxforge/*' | sort |
        while read -r f; do echo "$f $(stat -c %i "$f") $(md5sum <"$f" | cut -c1-32)"; done
    wc -l 2>/dev/null <"$1/_fluxforge/history.jsonl" || echo 0)
}
json_field() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" <<<"$1"; }
# duck SQL...: runs the statements in one in-memory DuckDB and prints the first row of the
# last one's result, its values joined by spaces.
duck() {
    node --input-type=module -e "
const { DuckDBInstance } = await import('$interop/node_modules/@duckdb/node-api/lib/index.js');
const c = await (await DuckDBInstance.create(':memory:')).connect();
let rows = [];
for (const sql of process.argv.slice(1)) rows = (await c.runAndReadAll(sql)).getRows();
if (rows.length) console.log(rows[0].join(' '));
" "$@"
}
reset() {
    rm -rf "$ds"
    cp -a "$scratch/base" "$ds"
}

# ---- dry runs: same counts, nothing written ----
check_dry_run() {
    reset
    local before dry real
    before=$(state "$ds")
    dry=$(ff "$@" --dry-run --json)
    [ "$(state "$ds")" = "$before" ] || fail "$1 --dry-run changed the dataset"
    [ "$(json_field "$dry" dry_run)" = true ] || fail "$1 --dry-run: not reported as dry run"
    [ ! -d "$ds/_fluxforge/backups" ] || [ -z "$(ls -A "$ds/_fluxforge/backups")" ] ||
        fail "$1 --dry-run left a backup"
    real=$(ff "$@" --json)
    local field
    for field in rows_deleted rows_updated rows_inserted rows_unchanged rows_removed \
        files_rewritten files_removed partitions_touched bytes_before; do
        [ "$(json_field "$dry" $field)" = "$(json_field "$real" $field)" ] ||
            fail "$1: dry run $field $(json_field "$dry" $field), real run $(json_field "$real" $field)"
    done
    echo "$1 --dry-run: ok"
}
check_dry_run delete "$ds" --where "price > 120 AND side = 'ask'"
check_dry_run update "$ds" --set "spread=best_ask - best_bid" --where "spread IS NULL"
check_dry_run upsert "$ds" --from "$scratch/input.parquet" --key trade_id
check_dry_run dedup "$ds" --key side --order-by price

# ---- untouched files keep inode and bytes; removed files go, not rewritten empty ----
reset
eth_before=$(state "$ds" | grep ETH-USD)
out=$(ff delete "$ds" --where "product_id = 'BTC-USD' AND trade_id <= 10" --json)
[ "$(state "$ds" | grep ETH-USD)" = "$eth_before" ] || fail "delete touched files of another partition"
[ "$(json_field "$out" files_removed)" = 1 ] || fail "a fully deleted file was not removed: $out"
[ "$(json_field "$out" files_added)" = 0 ] || fail "a fully deleted file was rewritten: $out"
[ "$(json_field "$out" rows_deleted)" = 10 ] || fail "rows_deleted: $out"
echo "untouched files and removal: ok"

# ---- nothing to change ----
reset
before=$(state "$ds")
out=$(ff delete "$ds" --where "price < 0")
grep -q "nothing to change" <<<"$out" || fail "no 'nothing to change' message: $out"
[ "$(state "$ds")" = "$before" ] || fail "a no-op delete changed the dataset"
out=$(ff upsert "$ds" --from "$scratch/input.parquet" --key trade_id --json)
out=$(ff upsert "$ds" --from "$scratch/input.parquet" --key trade_id --json)
[ "$(json_field "$out" rows_unchanged)" = 6 ] || fail "re-running an upsert: $out"
[ "$(json_field "$out" files_rewritten)" = 0 ] || fail "re-running an upsert rewrote files: $out"
echo "nothing to change: ok"

# ---- bad input: exit 2, message, nothing changed ----
reset
before=$(state "$ds")
expect_usage() {
    local status=0
    ff "$@" >/dev/null 2>"$scratch/err" || status=$?
    [ "$status" = 2 ] || fail "$* exited $status, want 2 ($(cat "$scratch/err"))"
    [ -s "$scratch/err" ] || fail "$*: no message"
    [ "$(state "$ds")" = "$before" ] || fail "$* changed the dataset"
}
expect_usage delete "$ds" --where "price >"
grep -q "at " "$scratch/err" || fail "syntax error without position: $(cat "$scratch/err")"
expect_usage delete "$ds" --where "prise > 1"
grep -q "prise" "$scratch/err" || fail "unknown column not named: $(cat "$scratch/err")"
expect_usage upsert "$ds" --from "$scratch/input.parquet" --key trade_id --memory-limit 12x
grep -q "memory-limit" "$scratch/err" || fail "bad size not named: $(cat "$scratch/err")"
expect_usage update "$ds" --set "size='abc'"
grep -q "size" "$scratch/err" || fail "refused cast does not name the column: $(cat "$scratch/err")"
expect_usage update "$ds" --set "venue='cb'"
expect_usage upsert "$ds" --from "$scratch/missing.parquet" --key trade_id
expect_usage upsert "$ds" --from "$scratch/input.parquet" --key no_such_column
expect_usage dedup "$ds" --key nope
expect_usage delete "$scratch/no-such-dataset" --where "true"
expect_usage delete "$ds"
echo "bad input: ok"

# ---- duplicate keys in the input ----
duck "COPY (SELECT * FROM read_parquet('$scratch/input.parquet') UNION ALL SELECT * FROM read_parquet('$scratch/input.parquet') LIMIT 7) TO '$scratch/dup.parquet' (FORMAT parquet)"
expect_usage upsert "$ds" --from "$scratch/dup.parquet" --key trade_id
grep -q "duplicate key (trade_id=" "$scratch/err" || fail "duplicate key not named: $(cat "$scratch/err")"
out=$(ff upsert "$ds" --from "$scratch/dup.parquet" --key trade_id --dedup-input last --json)
[ "$(json_field "$out" rows_inserted)" = 3 ] || fail "--dedup-input last: $out"
echo "duplicate input keys: ok"

# ---- backups: default kept, --no-backup, --backup-dir, restore ----
reset
fp0=$(ff fingerprint "$ds")
out=$(ff update "$ds" --set "side='ask'" --where "side = 'offer'" --json)
txid=$(sed -n 's/.*"txid":"\([^"]*\)".*/\1/p' <<<"$out")
ff backups "$ds" list | grep -q "$txid" || fail "no backup for $txid"
ff delete "$ds" --where "size = 1" --no-backup --json >"$scratch/out"
txid2=$(sed -n 's/.*"txid":"\([^"]*\)".*/\1/p' <"$scratch/out")
! ff backups "$ds" list | grep -q "$txid2" || fail "--no-backup kept a backup"
ff delete "$ds" --where "size = 2" --backup-dir "$scratch/bk" >/dev/null
[ -n "$(find "$scratch/bk" -name '*.parquet.bak' | head -1)" ] || fail "--backup-dir holds no copies"
echo "backups: ok"

# ---- --wait and the lock ----
reset
mkdir -p "$ds/_fluxforge"
exec 9>>"$ds/_fluxforge/lock"
flock 9
status=0
ff delete "$ds" --where "size = 3" 2>"$scratch/err" || status=$?
[ "$status" = 1 ] || fail "a locked dataset: exit $status, want 1"
grep -qi "in use" "$scratch/err" || fail "lock message: $(cat "$scratch/err")"
(sleep 1; flock -u 9) &
ff delete "$ds" --where "size = 3" --wait >/dev/null || fail "--wait did not wait for the lock"
exec 9>&-
wait
echo "lock and --wait: ok"

# ---- add columns, partition moves, stdin ----
reset
ff update "$ds" --set "venue='cb'" --where "trade_id < 5" --add-columns >/dev/null
ff schema "$ds" | grep -q venue || fail "--add-columns did not add the column"
ff update "$ds" --set "product_id='SOL-USD'" --where "trade_id = 11" >/dev/null
ls "$ds/product_id=SOL-USD/date=2025-11-25/"*.parquet >/dev/null || fail "moved row not in its new directory"
ff cat "$ds/product_id=SOL-USD" --format jsonl | grep -q '"SOL-USD"' || fail "moved row missing"
ff upsert "$ds" --from - --key trade_id <"$scratch/input.parquet" >/dev/null || fail "upsert from stdin"
ff verify "$ds" >/dev/null || fail "verify after add/move/stdin"
echo "add columns, moves, stdin: ok"

# ---- restore the backup of the last operation: back to the state before it ----
reset
fp0=$(ff fingerprint "$ds")
out=$(ff delete "$ds" --where "side = 'buy'" --json)
txid=$(sed -n 's/.*"txid":"\([^"]*\)".*/\1/p' <<<"$out")
[ "$(ff fingerprint "$ds")" != "$fp0" ] || fail "delete changed nothing"
ff backups "$ds" restore "$txid" >/dev/null
[ "$(ff fingerprint "$ds")" = "$fp0" ] || fail "restore did not bring the rows back"
echo "restore: ok"

# ---- one partition value under two directory spellings: updates in both, one insert ----
split="$scratch/split"
mkdir -p "$split/ds/k=a b" "$split/ds/k=a%20b"
duck "COPY (SELECT 'a b' AS k, i AS id, i * 10 AS v FROM range(0, 5) t(i)) TO '$split/ds/k=a b/f1.parquet' (FORMAT parquet)" \
    "COPY (SELECT 'a b' AS k, i AS id, i * 10 AS v FROM range(5, 10) t(i)) TO '$split/ds/k=a%20b/f2.parquet' (FORMAT parquet)" \
    "COPY (SELECT 'a b' AS k, i AS id, i * 100 AS v FROM range(3, 8) t(i) UNION ALL SELECT 'a b', 20, 1) TO '$split/in.parquet' (FORMAT parquet)"
out=$(ff upsert "$split/ds" --from "$split/in.parquet" --key id --json --threads 2)
[ "$(json_field "$out" rows_updated)" = 5 ] || fail "split partition updates: $out"
[ "$(json_field "$out" rows_inserted)" = 1 ] || fail "split partition inserts: $out"
got=$(duck "SELECT string_agg(id || ':' || v, ',' ORDER BY id) FROM read_parquet('$split/ds/**/*.parquet', hive_partitioning = false)")
[ "$got" = "0:0,1:10,2:20,3:300,4:400,5:500,6:600,7:700,8:80,9:90,20:1" ] || fail "split partition content: $got"
echo "one partition under two spellings: ok"

# expect_merge DIR COLUMNS WHAT OUT INSERTED UPDATED: the rows of DIR/ds hash (over COLUMNS)
# as DuckDB's merge in DIR/expected does, and the statistics OUT count the inserts and updates.
expect_merge() {
    local got
    got=$(duck "SELECT count(*), sum(hash($2)) FROM read_parquet('$1/ds/**/*.parquet', hive_partitioning = false)")
    [ -s "$1/expected" ] || fail "$3: DuckDB gave no expected result"
    [ "$got" = "$(cat "$1/expected")" ] || fail "$3 differs from DuckDB: $got vs $(cat "$1/expected"): $4"
    [ "$(json_field "$4" rows_inserted)" = "$5" ] || fail "$3 inserts: $4"
    [ "$(json_field "$4" rows_updated)" = "$6" ] || fail "$3 updates: $4"
}

# ---- a large input (set aside by partition while the upsert runs) equals DuckDB's merge ----
big="$scratch/big"
mkdir -p "$big"
duck "CREATE TABLE t AS SELECT 'p' || (i % 4) AS p, i AS id, CASE WHEN i % 11 = 0 THEN NULL ELSE i * 0.5 END AS v, CASE WHEN i % 13 = 0 THEN NULL ELSE 's' || (i % 97) END AS s FROM range(0, 200000) r(i)" \
    "COPY t TO '$big/ds' (FORMAT parquet, PARTITION_BY (p), WRITE_PARTITION_COLUMNS true)" \
    "CREATE TABLE u AS SELECT 'p' || (i % 5) AS p, i AS id, CASE WHEN i % 17 = 0 THEN NULL ELSE -i * 1.0 END AS v, CASE WHEN i % 19 = 0 THEN NULL ELSE 'u' || (i % 23) END AS s FROM range(160000, 240000) r(i) ORDER BY p, id" \
    "COPY u TO '$big/in.parquet' (FORMAT parquet)" \
    "SELECT count(*), sum(hash(p, id, v, s)) FROM (SELECT * FROM t ANTI JOIN u USING (p, id) UNION ALL SELECT * FROM u)" >"$big/expected"
# Under a 4 MiB limit the 3 MB input is set aside on disk: with no writable $TMPDIR that fails
# cleanly, naming the scratch file, and changes nothing.
before_big=$(state "$big/ds")
status=0
TMPDIR="$scratch/no-such-dir" ff upsert "$big/ds" --from "$big/in.parquet" --key p,id \
    --memory-limit 4M >/dev/null 2>"$scratch/err" || status=$?
[ "$status" = 1 ] || fail "upsert without scratch space exited $status, want 1"
grep -q "scratch file" "$scratch/err" || fail "scratch failure not explained: $(cat "$scratch/err")"
[ "$(state "$big/ds")" = "$before_big" ] || fail "a failed upsert changed the dataset"
out=$(ff upsert "$big/ds" --from "$big/in.parquet" --key p,id --threads 2 --memory-limit 4M --json)
expect_merge "$big" "p, id, v, s" "large upsert" "$out" 72000 8000
echo "large upsert input: ok"

# ---- an input directory whose files differ in integer width and in columns ----
multi="$scratch/multi"
mkdir -p "$multi/in"
duck "CREATE TABLE t AS SELECT (i % 3)::VARCHAR AS p, i::BIGINT AS id, i * 1.5 AS x, 'old' AS s FROM range(0, 1000) r(i)" \
    "COPY t TO '$multi/ds' (FORMAT parquet, PARTITION_BY (p), WRITE_PARTITION_COLUMNS true)" \
    "CREATE TABLE a AS SELECT (i % 3)::VARCHAR AS p, i::INTEGER AS id, i * 2.5 AS x, 'a' AS s FROM range(500, 1500) r(i)" \
    "CREATE TABLE b AS SELECT (i % 3)::VARCHAR AS p, i::BIGINT AS id, i * 3.5 AS x FROM range(1500, 1700) r(i)" \
    "COPY a TO '$multi/in/a.parquet' (FORMAT parquet)" \
    "COPY b TO '$multi/in/b.parquet' (FORMAT parquet)" \
    "SELECT count(*), sum(hash(p, id::BIGINT, x, s)) FROM (SELECT * FROM t WHERE id < 500 UNION ALL SELECT * FROM a UNION ALL SELECT p, id, x, NULL FROM b)" >"$multi/expected"
out=$(ff upsert "$multi/ds" --from "$multi/in" --key id --json)
expect_merge "$multi" "p, id::BIGINT, x, s" "upsert from a directory" "$out" 700 500
echo "upsert from a directory of drifted files: ok"
