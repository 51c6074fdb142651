#!/usr/bin/env bash
# The dataset commands end to end: verify, recover, backups list/restore/drop/prune, their exit
# codes (0 ok, 1 failed and nothing changed, 2 bad usage or input), FLUXFORGE_FAULT handling,
# and the lock refusal. Transactions are made by the crash test's child mode (a replace of three
# files), since no data command exists at this layer. Its files are not Parquet, so verify runs
# with --structure-only (the per-file checks have their own test, test_verify_files.sh).
set -euo pipefail
ff="$FF_CLI"
writer="$FF_BUILD_DIR/test_crash_commit"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
ds="$scratch/ds"
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect STATUS OUTPUT_PATTERN COMMAND...: runs the command, checks the exit status and that
# stdout+stderr contain the pattern (grep -E).
expect() {
    local want_status=$1 pattern=$2
    shift 2
    local out status=0
    out=$("$@" 2>&1) || status=$?
    if [ "$status" != "$want_status" ]; then
        fail "$* exited $status, expected $want_status; output: $out"
    elif [ -n "$pattern" ] && ! grep -qE -- "$pattern" <<<"$out"; then
        fail "$* output lacks /$pattern/: $out"
    fi
}

mkdir -p "$ds/p=1" "$ds/p=2" "$ds/p=3"
printf old-1a >"$ds/p=1/part-a.parquet"
printf old-1b >"$ds/p=1/part-b.parquet"
printf old-2c >"$ds/p=2/part-c.parquet"
printf untouched-3d >"$ds/p=3/part-d.parquet"

# A dataset another tool wrote: verify passes and leaves no tool state behind.
expect 0 "4 file\(s\) in 3 partition\(s\), 0 problem\(s\)" "$ff" verify "$ds" --structure-only
expect 1 "p=1/part-a.parquet: file of 6 bytes is too small to be a Parquet file" "$ff" verify "$ds"
[ ! -e "$ds/_fluxforge" ] || fail "verify created _fluxforge/"
expect 0 "nothing to recover" "$ff" recover "$ds"

# Bad usage and bad input exit 2.
expect 2 "usage" "$ff" recover
expect 2 "no such dataset" "$ff" recover "$scratch/missing"
expect 2 "usage" "$ff" backups "$ds" frobnicate
expect 2 "usage" "$ff" backups "$ds" prune
expect 2 "usage" "$ff" backups "$ds" restore
expect 2 "FLUXFORGE_FAULT: bad fault specification 'bogus'" env FLUXFORGE_FAULT=bogus "$ff" recover "$ds"
expect 2 "not a transaction id" "$ff" backups "$ds" restore ../../etc
expect 2 "no backup of transaction" "$ff" backups "$ds" drop 20990101T000000000000-0

# A commit, then its backup.
"$writer" --child "$ds" replace || fail "replace transaction failed"
expect 0 "replace +3 +4 +18  \(hard links\)" "$ff" backups "$ds" list
txid=$("$ff" backups "$ds" list | awk 'NR == 2 { print $1 }')
[ "$(cat "$ds/p=2/"part-*-00001.parquet)" = new-2a ] || fail "new file content"

# A crash in the middle of the next commit: verify reports it, recover repairs it.
expect 86 "" env FLUXFORGE_FAULT=crash:50 "$writer" --child "$ds" replace
expect 1 "unfinished transaction; run .fluxforge recover." "$ff" verify "$ds" --structure-only
expect 0 "1 transaction\(s\) completed" "$ff" recover "$ds"
expect 0 "0 problem\(s\)" "$ff" verify "$ds" --structure-only
expect 0 "io steps: [0-9]+" env FLUXFORGE_FAULT=count "$ff" recover "$ds"

# An injected ENOSPC fails a command cleanly (exit 1, message names the path).
expect 1 "_fluxforge/lock: open: No space left on device" env FLUXFORGE_FAULT=enospc:1 "$ff" backups "$ds" drop "$txid"

# Restoring undoes the first replace only after the second is undone: the files the first
# added were since replaced.
expect 1 "since replaced or removed; restore the later transaction first" "$ff" backups "$ds" restore "$txid"
second=$("$ff" backups "$ds" list | awk 'NR == 3 { print $1 }')
expect 0 "restored $second as transaction" "$ff" backups "$ds" restore "$second"
expect 0 "restored $txid as transaction" "$ff" backups "$ds" restore "$txid"
[ "$(cat "$ds/p=1/part-a.parquet")" = old-1a ] || fail "restore did not bring back the bytes"
[ "$(cat "$ds/p=3/part-d.parquet")" = untouched-3d ] || fail "untouched file changed"
[ -z "$(ls "$ds/p=4" 2>/dev/null)" ] || fail "p=4 not emptied by the restore"
expect 0 "0 problem\(s\)" "$ff" verify "$ds" --structure-only

# Drop and prune.
expect 0 "dropped backup $txid" "$ff" backups "$ds" drop "$txid"
expect 0 "dropped 2 backup\(s\)" "$ff" backups "$ds" prune --keep 1
expect 0 "dropped 0 backup\(s\)" "$ff" backups "$ds" prune --older-than 1
expect 0 "dropped 1 backup\(s\)" "$ff" backups "$ds" prune --keep 0
[ "$("$ff" backups "$ds" list | wc -l)" = 1 ] || fail "backups left after prune --keep 0"
lines=$(wc -l <"$ds/_fluxforge/history.jsonl")
[ "$lines" = 4 ] || fail "history has $lines lines, expected 4"

# Another holder of the lock: refused with exit 1 (or waited for with --wait).
flock "$ds/_fluxforge/lock" sleep 1 &
holder=$!
sleep 0.3
expect 1 "dataset in use by (pid [0-9]+|another process)" "$ff" recover "$ds"
expect 0 "nothing to recover" "$ff" recover "$ds" --wait
wait "$holder"

if [ "$failures" != 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "dataset CLI: all checks passed"
