#!/usr/bin/env bash
# Partition-level locks (DESIGN.md §5 step 1, §8; docs/commit-protocol.md "Locks"). Real
# processes on one dataset, slowed down with FLUXFORGE_FAULT=delay:US so that they overlap:
#  - two writers on disjoint partitions run at the same time, both succeed, and the result
#    equals running them one after the other; one upsert spread over three concurrent jobs
#    with --partitions equals the upsert run once;
#  - a second writer on the same partition is refused naming the first one's pid, or waits
#    with --wait and then applies on top;
#  - a whole-dataset writer is refused while a partition writer runs, and the reverse;
#  - a crashed partition-limited transaction is finished by the next writer of its partition
#    while a live writer on another partition keeps its stage and commits.
# Skipped (exit 0 with a note) when node or the pinned packages are not installed.
set -euo pipefail
interop="$FF_SOURCE_DIR/tests/interop"
if ! command -v node >/dev/null || [ ! -d "$interop/node_modules/@duckdb/node-api" ]; then
    echo "skipped: node or tests/interop/node_modules missing (run npm ci there)"
    exit 0
fi
scratch=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT
ff() { "$FF_CLI" "$@"; }
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
(cd "$interop" && node ops_make_dataset.mjs "$scratch/base" "$scratch/input.parquet" 2)
now_ms() { date +%s%3N; }
# Each I/O step of a slowed writer sleeps this long, so its run spans seconds.
slow="delay:40000"
btc=(--where "size > 3" --partition product_id=BTC-USD)
eth=(--where "size > 2" --partition product_id=ETH-USD)

# Waits until a writer holds its locks: a stage directory (other than $2) exists.
wait_for_stage() {
    local tries=0
    until [ -n "$(ls -A "$1/_fluxforge/stage" 2>/dev/null | grep -vx "${2:-}")" ]; do
        tries=$((tries + 1))
        [ "$tries" -lt 6000 ] || fail "timed out waiting for a stage in $1"
        sleep 0.01
    done
}

# ---- The serial results ----
cp -a "$scratch/base" "$scratch/serial"
ff delete "$scratch/serial" "${btc[@]}" >/dev/null
ff delete "$scratch/serial" "${eth[@]}" >/dev/null
serial=$(ff fingerprint "$scratch/serial")
[ "$serial" != "$(ff fingerprint "$scratch/base")" ] || fail "the serial deletes changed nothing"

# ---- Disjoint partitions run at once ----
cp -a "$scratch/base" "$scratch/d1"
start1=$(now_ms)
FLUXFORGE_FAULT=$slow "$FF_CLI" delete "$scratch/d1" "${btc[@]}" >"$scratch/d1.out" 2>&1 &
p1=$!
pids+=("$p1")
wait_for_stage "$scratch/d1"
start2=$(now_ms)
# Not --wait: if the second writer were excluded it would fail at once.
FLUXFORGE_FAULT=$slow "$FF_CLI" delete "$scratch/d1" "${eth[@]}" >"$scratch/d2.out" 2>&1 &
p2=$!
pids+=("$p2")
wait "$p1" || fail "disjoint: first writer failed: $(cat "$scratch/d1.out")"
end1=$(now_ms)
wait "$p2" || fail "disjoint: second writer failed: $(cat "$scratch/d2.out")"
end2=$(now_ms)
[ "$start2" -lt "$end1" ] || fail "disjoint: the writers did not overlap ($start2 >= $end1)"
echo "disjoint writers: first ${start1}..${end1} ms, second ${start2}..${end2} ms, overlap" \
    "$((end1 - start2)) ms"
got=$(ff fingerprint "$scratch/d1")
[ "$got" = "$serial" ] || fail "disjoint: fingerprint $got, serial result $serial"
ff verify "$scratch/d1" >/dev/null || fail "disjoint: verify failed"
[ "$(wc -l <"$scratch/d1/_fluxforge/history.jsonl")" = 2 ] || fail "disjoint: history lines"
[ -z "$(ls "$scratch/d1/_fluxforge/locks" | grep '^txn-' || true)" ] ||
    fail "disjoint: transaction locks left behind"

# ---- One upsert spread over concurrent jobs, one per product (DESIGN.md §8) ----
# Each job gets the whole input and upserts only its partitions' rows; together they equal
# the upsert run once. SOL-USD is a partition the input creates.
cp -a "$scratch/base" "$scratch/u-serial"
ff upsert "$scratch/u-serial" --from "$scratch/input.parquet" --key trade_id >/dev/null
cp -a "$scratch/base" "$scratch/u1"
job_pids=()
for product in BTC-USD ETH-USD SOL-USD; do
    FLUXFORGE_FAULT=$slow "$FF_CLI" upsert "$scratch/u1" --from "$scratch/input.parquet" \
        --key trade_id --partitions "product_id=$product" >"$scratch/u-$product.out" 2>&1 &
    job_pids+=($!)
    pids+=($!)
done
for idx in 0 1 2; do
    wait "${job_pids[$idx]}" || fail "spread upsert: job $idx failed: $(cat "$scratch"/u-*.out)"
done
[ "$(ff fingerprint "$scratch/u1")" = "$(ff fingerprint "$scratch/u-serial")" ] ||
    fail "spread upsert: result differs from one upsert"
[ "$(wc -l <"$scratch/u1/_fluxforge/history.jsonl")" = 3 ] || fail "spread upsert: history"

# ---- Same partition: refused naming the pid, or waits ----
cp -a "$scratch/base" "$scratch/s1"
FLUXFORGE_FAULT=$slow "$FF_CLI" delete "$scratch/s1" "${btc[@]}" >"$scratch/s1.out" 2>&1 &
p1=$!
pids+=("$p1")
wait_for_stage "$scratch/s1"
set +e
msg=$(ff delete "$scratch/s1" --where "price > 0" --partition product_id=BTC-USD 2>&1)
status=$?
set -e
[ "$status" = 1 ] || fail "same partition: exit $status, expected 1 ($msg)"
echo "$msg" | grep -q "partition product_id=BTC-USD/date=2025-11-2[56] in use by pid $p1" ||
    fail "same partition: message does not name partition and pid $p1: $msg"
# The whole-dataset writer is excluded too, and says by whom.
set +e
msg=$(ff delete "$scratch/s1" --where "price > 0" 2>&1)
status=$?
set -e
[ "$status" = 1 ] || fail "whole dataset during a partition writer: exit $status ($msg)"
echo "$msg" | grep -q "dataset in use by pid $p1" ||
    fail "whole dataset during a partition writer: message does not name pid $p1: $msg"
# With --wait the same-partition writer applies after the first one.
ff delete "$scratch/s1" --wait --where "side = 'buy'" --partition product_id=BTC-USD \
    >"$scratch/s2.out" 2>&1 || fail "same partition --wait: $(cat "$scratch/s2.out")"
wait "$p1" || fail "same partition: first writer failed: $(cat "$scratch/s1.out")"
cp -a "$scratch/base" "$scratch/s-serial"
ff delete "$scratch/s-serial" "${btc[@]}" >/dev/null
ff delete "$scratch/s-serial" --where "side = 'buy'" --partition product_id=BTC-USD >/dev/null
[ "$(ff fingerprint "$scratch/s1")" = "$(ff fingerprint "$scratch/s-serial")" ] ||
    fail "same partition --wait: result differs from the serial one"

# ---- A whole-dataset writer excludes partition writers ----
cp -a "$scratch/base" "$scratch/w1"
FLUXFORGE_FAULT=$slow "$FF_CLI" delete "$scratch/w1" --where "size > 5" >"$scratch/w1.out" 2>&1 &
p1=$!
pids+=("$p1")
wait_for_stage "$scratch/w1"
set +e
msg=$(ff delete "$scratch/w1" "${eth[@]}" 2>&1)
status=$?
set -e
[ "$status" = 1 ] || fail "partition writer during a whole-dataset one: exit $status ($msg)"
echo "$msg" | grep -q "dataset in use by pid $p1" ||
    fail "partition writer during a whole-dataset one: message does not name pid $p1: $msg"
wait "$p1" || fail "whole-dataset writer failed: $(cat "$scratch/w1.out")"

# ---- A crashed partition transaction is recovered; a live one is left alone ----
cp -a "$scratch/base" "$scratch/probe"
steps=$(FLUXFORGE_FAULT=count ff delete "$scratch/probe" "${btc[@]}" 2>&1 >/dev/null |
    sed -n 's/^fluxforge: io steps: //p')
[ -n "$steps" ] || fail "crash: no step count"
# Find a crash point after the journal's rename: a pending journal is left behind.
crashed=""
for ((n = steps - 4; n > 1; n--)); do
    rm -rf "$scratch/c1"
    cp -a "$scratch/base" "$scratch/c1"
    set +e
    FLUXFORGE_FAULT="crash:$n" ff delete "$scratch/c1" "${btc[@]}" >/dev/null 2>&1
    status=$?
    set -e
    [ "$status" = 86 ] || fail "crash:$n exited $status"
    if ls "$scratch/c1/_fluxforge/journal" | grep -qv '\.tmp$'; then
        crashed=$n
        break
    fi
done
[ -n "$crashed" ] || fail "crash: no step leaves a journal"
journal=$(ls "$scratch/c1/_fluxforge/journal")
echo "crashed at step $crashed of $steps, leaving journal $journal"
# A live writer on ETH-USD, slowed down, with its stage in place...
FLUXFORGE_FAULT=$slow "$FF_CLI" delete "$scratch/c1" "${eth[@]}" >"$scratch/c2.out" 2>&1 &
p2=$!
pids+=("$p2")
wait_for_stage "$scratch/c1" "$journal"
live_stage=$(ls "$scratch/c1/_fluxforge/stage" | grep -vx "$journal")
# ...while the next BTC-USD writer recovers the crashed transaction first.
ff delete "$scratch/c1" --where "side = 'buy'" --partition product_id=BTC-USD >"$scratch/c3.out" 2>&1 ||
    fail "crash: next writer of the partition failed: $(cat "$scratch/c3.out")"
[ ! -e "$scratch/c1/_fluxforge/journal/$journal" ] ||
    fail "crash: the crashed transaction's journal is still there"
kill -0 "$p2" 2>/dev/null || fail "crash: the live writer finished too early to prove anything"
[ -d "$scratch/c1/_fluxforge/stage/$live_stage" ] ||
    fail "crash: recovery removed the live writer's stage $live_stage"
wait "$p2" || fail "crash: the live writer failed: $(cat "$scratch/c2.out")"
# The crashed delete was journaled, so it rolled forward: same as the three run serially.
cp -a "$scratch/base" "$scratch/c-serial"
ff delete "$scratch/c-serial" "${btc[@]}" >/dev/null
ff delete "$scratch/c-serial" "${eth[@]}" >/dev/null
ff delete "$scratch/c-serial" --where "side = 'buy'" --partition product_id=BTC-USD >/dev/null
[ "$(ff fingerprint "$scratch/c1")" = "$(ff fingerprint "$scratch/c-serial")" ] ||
    fail "crash: result differs from the serial one"
ff verify "$scratch/c1" >/dev/null || fail "crash: verify failed"

# ---- Crash a partition-limited delete at every step; the next partition writer recovers ----
# Odd steps are recovered by a writer of the same partitions, even ones by a writer of the
# other product, which must take the crashed transaction's free partitions to do it.
before=$(ff fingerprint "$scratch/base")
after=$(ff fingerprint "$scratch/probe")
for ((n = 1; n <= steps; n++)); do
    rm -rf "$scratch/k"
    cp -a "$scratch/base" "$scratch/k"
    set +e
    FLUXFORGE_FAULT="crash:$n" ff delete "$scratch/k" "${btc[@]}" >/dev/null 2>&1
    status=$?
    set -e
    [ "$status" = 86 ] || fail "crash:$n exited $status"
    if ((n % 2)); then
        ff delete "$scratch/k" --where "false" --partition product_id=BTC-USD >/dev/null ||
            fail "crash:$n: the next BTC-USD writer failed"
    else
        ff delete "$scratch/k" --where "false" --partition product_id=ETH-USD >/dev/null ||
            fail "crash:$n: the next ETH-USD writer failed"
    fi
    got=$(ff fingerprint "$scratch/k")
    [ "$got" = "$before" ] || [ "$got" = "$after" ] ||
        fail "crash:$n: fingerprint $got is neither before ($before) nor after ($after)"
    [ -z "$(ls -A "$scratch/k/_fluxforge/journal")" ] || fail "crash:$n: journal left"
    [ -z "$(ls -A "$scratch/k/_fluxforge/stage")" ] || fail "crash:$n: stage left"
    ff verify "$scratch/k" >/dev/null || fail "crash:$n: verify failed"
done
echo "crash points of a partition-limited delete: $steps, each recovered by the next writer"
echo "ok"
