#!/usr/bin/env bash
# Crash safety of the row-level operations (DESIGN.md §5). For delete, update (with a
# partition move), upsert and dedup: run the operation once with FLUXFORGE_FAULT=count to learn
# its number of I/O steps, then crash it at every step N (FLUXFORGE_FAULT=crash:N), run
# `fluxforge recover`, and require the content fingerprint to be exactly the one before or the
# one after, `fluxforge verify` to pass and the stage to be empty. Then fail steps with ENOSPC
# and EIO: the command must exit 1 with a message and leave the dataset as it was.
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
(cd "$interop" && node ops_make_dataset.mjs "$scratch/base" "$scratch/input.parquet" 1)

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# The file states (name, size) of the data files, to compare whole datasets cheaply.
stage_empty() {
    local stage="$1/_fluxforge/stage"
    [ ! -d "$stage" ] || [ -z "$(ls -A "$stage")" ]
}

total_points=0
# One crash point: copy, crash at step n, recover, compare. Runs in a subshell; its exit
# status says whether the point passed.
crash_at() {
    local name="$1" n="$2" before="$3" after="$4"
    shift 4
    local work="$scratch/work-$n" status got
    rm -rf "$work"
    cp -a "$scratch/base" "$work"
    set +e
    FLUXFORGE_FAULT="crash:$n" ff "$@" "$work" >/dev/null 2>&1
    status=$?
    set -e
    [ "$status" = 86 ] || { echo "$name: crash:$n exited $status, not the crash status" >&2; return 1; }
    ff recover "$work" >/dev/null || { echo "$name: crash:$n: recover failed" >&2; return 1; }
    got=$(ff fingerprint "$work")
    [ "$got" = "$before" ] || [ "$got" = "$after" ] || {
        echo "$name: crash:$n: fingerprint $got is neither before ($before) nor after ($after)" >&2
        return 1
    }
    ff verify "$work" >/dev/null || { echo "$name: crash:$n: verify failed" >&2; return 1; }
    stage_empty "$work" || { echo "$name: crash:$n: stage not empty" >&2; return 1; }
    rm -rf "$work"
}

check_op() {
    local name="$1"
    shift
    rm -rf "$scratch/probe"
    cp -a "$scratch/base" "$scratch/probe"
    local before after steps
    before=$(ff fingerprint "$scratch/probe")
    steps=$(FLUXFORGE_FAULT=count ff "$@" "$scratch/probe" 2>&1 >/dev/null |
        sed -n 's/^fluxforge: io steps: //p')
    after=$(ff fingerprint "$scratch/probe")
    [ -n "$steps" ] || fail "$name: no step count"
    [ "$before" != "$after" ] || fail "$name: the operation changed nothing"
    # Crash points run two at a time (the machine has two cores), each in its own copy.
    local n
    for ((n = 1; n <= steps; n += 2)); do
        crash_at "$name" "$n" "$before" "$after" "$@" &
        local first=$!
        local second=""
        if ((n + 1 <= steps)); then
            crash_at "$name" $((n + 1)) "$before" "$after" "$@" &
            second=$!
        fi
        wait "$first" || fail "$name: crash point $n"
        total_points=$((total_points + 1))
        if [ -n "$second" ]; then
            wait "$second" || fail "$name: crash point $((n + 1))"
            total_points=$((total_points + 1))
        fi
    done
    local status got
    # Disk full and I/O errors at a spread of steps: exit 1, nothing changed.
    local fault
    for fault in enospc eio; do
        for n in 1 $((steps / 3 + 1)) $((steps / 2 + 1)) $((steps - 1)); do
            [ "$n" -ge 1 ] || continue
            rm -rf "$scratch/work"
            cp -a "$scratch/base" "$scratch/work"
            set +e
            FLUXFORGE_FAULT="$fault:$n" ff "$@" "$scratch/work" >/dev/null 2>"$scratch/err"
            status=$?
            set -e
            got=$(ff fingerprint "$scratch/work")
            if [ "$status" = 0 ]; then
                # The fault hit a step after the commit point (cleanup): the change is done.
                [ "$got" = "$after" ] || fail "$name: $fault:$n succeeded but content differs"
            else
                [ "$status" = 1 ] || fail "$name: $fault:$n exited $status, want 1"
                [ -s "$scratch/err" ] || fail "$name: $fault:$n: no error message"
                [ "$got" = "$before" ] || fail "$name: $fault:$n failed but changed the content"
            fi
            ff verify "$scratch/work" >/dev/null || {
                ff recover "$scratch/work" >/dev/null
                ff verify "$scratch/work" >/dev/null || fail "$name: $fault:$n: verify failed"
            }
        done
    done
    echo "$name: $steps crash points, enospc and eio: ok"
}

# Each operation touches a few files, so that every step of the protocol is hit without
# repeating the same steps for many files.
check_op delete delete --where "product_id = 'BTC-USD' AND price > 105 AND side = 'ask'"
check_op update update --set "product_id='XRP-USD'" --set "spread=best_ask - best_bid" --where "trade_id IN (3, 5)"
check_op upsert upsert --from "$scratch/input.parquet" --key trade_id
check_op dedup dedup --key size --keep last --order-by price --partition product_id=BTC-USD
echo "ops crash tests: $total_points crash points"
