#!/usr/bin/env bash
# Crash safety of the mutating operations (DESIGN.md §5). For delete, update (with a
# partition move), upsert, dedup, compact and repartition --in-place: run the operation once with FLUXFORGE_FAULT=count to learn
# its number of I/O steps, then crash it at every step N (FLUXFORGE_FAULT=crash:N), run
# `fluxforge recover`, and require the state (content fingerprint and number of files per
# directory, since compaction changes only the latter) to be exactly the one before or the one
# after, `fluxforge verify` to pass and the stage to be empty. Then fail steps with ENOSPC and
# EIO: the command must exit 1 with a message and leave the dataset as it was, and kill the
# command with SIGKILL at random moments. repartition SRC DST gets the same crash points with
# its own check: SRC unchanged, DST without any data file or complete, and a rerun after a
# crash completes it.
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
(cd "$interop" && node layout_oracle.mjs make "$scratch/layout")
base="$scratch/base" # the dataset check_op copies

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# The file states (name, size) of the data files, to compare whole datasets cheaply.
stage_empty() {
    local stage="$1/_fluxforge/stage"
    [ ! -d "$stage" ] || [ -z "$(ls -A "$stage")" ]
}

# What a crash must leave exactly as before or after: the content, and how many data files
# each directory holds.
state_of() {
    ff fingerprint "$1"
    (cd "$1" && find . -name '*.parquet' -not -path './_fluxforge/*' -printf '%h\n' | sort | uniq -c)
}

total_points=0
# One crash point: copy, crash at step n, recover, compare. Runs in a subshell; its exit
# status says whether the point passed.
crash_at() {
    local name="$1" n="$2" before="$3" after="$4"
    shift 4
    local work="$scratch/work-$n" status got
    rm -rf "$work"
    cp -a "$base" "$work"
    set +e
    FLUXFORGE_FAULT="crash:$n" ff "$@" "$work" >/dev/null 2>&1
    status=$?
    set -e
    [ "$status" = 86 ] || { echo "$name: crash:$n exited $status, not the crash status" >&2; return 1; }
    ff recover "$work" >/dev/null || { echo "$name: crash:$n: recover failed" >&2; return 1; }
    got=$(state_of "$work")
    [ "$got" = "$before" ] || [ "$got" = "$after" ] || {
        echo "$name: crash:$n: state $got is neither before ($before) nor after ($after)" >&2
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
    cp -a "$base" "$scratch/probe"
    local before after steps
    before=$(state_of "$scratch/probe")
    steps=$(FLUXFORGE_FAULT=count ff "$@" "$scratch/probe" 2>&1 >/dev/null |
        sed -n 's/^fluxforge: io steps: //p')
    after=$(state_of "$scratch/probe")
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
            cp -a "$base" "$scratch/work"
            set +e
            FLUXFORGE_FAULT="$fault:$n" ff "$@" "$scratch/work" >/dev/null 2>"$scratch/err"
            status=$?
            set -e
            got=$(state_of "$scratch/work")
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
    # SIGKILL at random moments (the same seed each run, so a failure replays).
    local kill_idx
    RANDOM=$((steps * 31 + ${#name}))
    for ((kill_idx = 0; kill_idx < ${FF_CRASH_KILLS:-6}; kill_idx++)); do
        rm -rf "$scratch/work"
        cp -a "$base" "$scratch/work"
        "$FF_CLI" "$@" "$scratch/work" >/dev/null 2>&1 &
        local pid=$!
        sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        ff recover "$scratch/work" >/dev/null || fail "$name: kill $kill_idx: recover failed"
        got=$(state_of "$scratch/work")
        [ "$got" = "$before" ] || [ "$got" = "$after" ] || fail "$name: kill $kill_idx: state $got"
        ff verify "$scratch/work" >/dev/null || fail "$name: kill $kill_idx: verify failed"
        stage_empty "$scratch/work" || fail "$name: kill $kill_idx: stage not empty"
    done
    echo "$name: $steps crash points, enospc, eio and SIGKILL: ok"
}

# Each operation touches a few files, so that every step of the protocol is hit without
# repeating the same steps for many files.
check_op delete delete --where "product_id = 'BTC-USD' AND price > 105 AND side = 'ask'"
check_op update update --set "product_id='XRP-USD'" --set "spread=best_ask - best_bid" --where "trade_id IN (3, 5)"
check_op upsert upsert --from "$scratch/input.parquet" --key trade_id
check_op dedup dedup --key size --keep last --order-by price --partition product_id=BTC-USD
check_op repartition-in-place repartition --in-place --by side,bucket --derive "bucket=trade_id % 2"
base="$scratch/layout"
check_op compact compact --partition product_id=BTC-USD

# repartition SRC DST: after a crash at any step and `recover` on DST, SRC is unchanged and DST
# holds no data file or all of them; a rerun into what the crash left completes it.
repart=(repartition --by side,hour --derive "hour=hour(time)" --partition product_id=SOL-USD)
src_before=$(state_of "$base")
# Every run reads a fresh copy of SRC: the first writer to open a dataset creates its tool state.
rm -rf "$scratch/dst-probe" "$scratch/src-probe"
cp -a "$base" "$scratch/src-probe"
steps=$(FLUXFORGE_FAULT=count ff "${repart[@]}" "$scratch/src-probe" "$scratch/dst-probe" 2>&1 >/dev/null |
    sed -n 's/^fluxforge: io steps: //p')
[ -n "$steps" ] || fail "repartition DST: no step count"
dst_after=$(state_of "$scratch/dst-probe")
repart_crash_at() {
    local n="$1" work="$scratch/rwork-$1" status got
    rm -rf "$work"
    mkdir -p "$work"
    cp -a "$base" "$work/src"
    set +e
    FLUXFORGE_FAULT="crash:$n" ff "${repart[@]}" "$work/src" "$work/dst" >/dev/null 2>&1
    status=$?
    set -e
    [ "$status" = 86 ] || { echo "repartition DST: crash:$n exited $status" >&2; return 1; }
    ff recover "$work/src" >/dev/null || { echo "repartition DST: crash:$n: recover SRC failed" >&2; return 1; }
    [ "$(state_of "$work/src")" = "$src_before" ] || { echo "repartition DST: crash:$n: SRC changed" >&2; return 1; }
    stage_empty "$work/src" || { echo "repartition DST: crash:$n: SRC stage not empty" >&2; return 1; }
    if [ -d "$work/dst" ]; then
        ff recover "$work/dst" >/dev/null || { echo "repartition DST: crash:$n: recover DST failed" >&2; return 1; }
        got=$(state_of "$work/dst")
        if [ "$got" != "$dst_after" ]; then
            [ -z "$(find "$work/dst" -name '*.parquet' -not -path '*/_fluxforge/*')" ] || {
                echo "repartition DST: crash:$n: DST neither empty nor complete: $got" >&2
                return 1
            }
            # What the crash left is an empty target: a rerun completes it.
            ff "${repart[@]}" "$work/src" "$work/dst" >/dev/null 2>&1 ||
                { echo "repartition DST: crash:$n: rerun failed" >&2; return 1; }
            [ "$(state_of "$work/dst")" = "$dst_after" ] ||
                { echo "repartition DST: crash:$n: rerun incomplete" >&2; return 1; }
        fi
        ff verify "$work/dst" >/dev/null || { echo "repartition DST: crash:$n: verify DST failed" >&2; return 1; }
        stage_empty "$work/dst" || { echo "repartition DST: crash:$n: DST stage not empty" >&2; return 1; }
    fi
    rm -rf "$work"
}
for ((n = 1; n <= steps; n += 2)); do
    repart_crash_at "$n" &
    first=$!
    second=""
    if ((n + 1 <= steps)); then
        repart_crash_at $((n + 1)) &
        second=$!
    fi
    wait "$first" || fail "repartition DST: crash point $n"
    total_points=$((total_points + 1))
    if [ -n "$second" ]; then
        wait "$second" || fail "repartition DST: crash point $((n + 1))"
        total_points=$((total_points + 1))
    fi
done
# Disk full and I/O errors: exit 1, SRC unchanged, DST not created.
for fault in enospc eio; do
    for n in 1 $((steps / 3 + 1)) $((steps / 2 + 1)) $((steps - 1)); do
        rm -rf "$scratch/rdst" "$scratch/rsrc"
        cp -a "$base" "$scratch/rsrc"
        set +e
        FLUXFORGE_FAULT="$fault:$n" ff "${repart[@]}" "$scratch/rsrc" "$scratch/rdst" >/dev/null 2>"$scratch/err"
        status=$?
        set -e
        if [ "$status" = 0 ]; then
            [ "$(state_of "$scratch/rdst")" = "$dst_after" ] || fail "repartition DST: $fault:$n succeeded but DST differs"
        else
            [ "$status" = 1 ] || fail "repartition DST: $fault:$n exited $status, want 1"
            [ -s "$scratch/err" ] || fail "repartition DST: $fault:$n: no error message"
            [ ! -e "$scratch/rdst" ] || fail "repartition DST: $fault:$n failed but left DST: $(find "$scratch/rdst" | head)"
        fi
        [ "$(state_of "$scratch/rsrc")" = "$src_before" ] || fail "repartition DST: $fault:$n changed SRC"
    done
done
echo "repartition DST: $steps crash points, enospc and eio: ok"
echo "ops crash tests: $total_points crash points"
