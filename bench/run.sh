#!/usr/bin/env bash
# `make bench`: FluxForge next to DuckDB and Polars on the same data in one run.
#   bench/run.sh [read write filter workloads]   (default: all)
# Environment: FF_BENCH_DIR (scratch, default /tmp/ffbench-ff), RUNS (5), ROWS (10000000),
# WORKLOAD_SIZE (medium | small, for W1-W5), WORKLOADS (default all of w1_repartition w2_compact
# w3_delete w4_update w5_upsert). Each measurement is run RUNS times; the table
# shows medians and the ratios peer/FluxForge (above 1 means FluxForge is faster).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build"
scratch="${FF_BENCH_DIR:-/tmp/ffbench-ff}"
runs="${RUNS:-5}"
rows="${ROWS:-10000000}"
benches="${*:-read write filter workloads}"
mkdir -p "$scratch"
results="$scratch/results.jsonl"
: > "$results"

if [ ! -d "$root/tests/interop/node_modules/@duckdb/node-api" ]; then
  (cd "$root/tests/interop" && npm ci --no-audit --no-fund --loglevel=error)
fi
# The peer scripts resolve packages from their own folder upwards.
ln -sfn "$root/tests/interop/node_modules" "$root/bench/node_modules"

trades="$scratch/trades_${rows}.parquet"
if [ ! -f "$trades" ]; then
  echo "# generating $trades ($rows rows, DuckDB, zstd)" >&2
  node "$root/bench/gen_trades.mjs" "$trades" "$rows" >&2
fi

# record BENCH WHO COMMAND...: runs COMMAND RUNS times, appending its JSON line (plus bench
# and who) to the results, with peak RSS from /usr/bin/time.
record() {
  local bench="$1" who="$2"; shift 2
  for run_idx in $(seq 1 "$runs"); do
    local out
    out="$(/usr/bin/time -f '%M' -o "$scratch/rss.txt" "$@")"
    local rss_kb; rss_kb="$(tail -1 "$scratch/rss.txt")"
    echo "$out" | tail -1 | node -e '
      let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
        const o = JSON.parse(s); o.bench = process.argv[1]; o.who = process.argv[2];
        o.rss_mb = Number(process.argv[3]) / 1024; console.log(JSON.stringify(o)); });' \
      "$bench" "$who" "$rss_kb" >> "$results"
  done
}

have() { [ -x "$build/$1" ]; }

for bench in $benches; do
  case "$bench" in
  read)
    if have bench_read; then
      record read fluxforge "$build/bench_read" "$trades"
    else
      echo "# bench_read not built yet: FluxForge reader figures skipped" >&2
    fi
    record read "duckdb t=1" node "$root/bench/peers/duckdb_read.mjs" "$trades" 1
    ;;
  write)
    if have bench_write; then
      record write fluxforge "$build/bench_write" "$trades" "$scratch/ff_out.parquet"
    fi
    record write "duckdb t=1" node "$root/bench/peers/duckdb_write.mjs" "$trades" "$scratch/duck_out.parquet" 1
    record write "polars t=1" env POLARS_MAX_THREADS=1 node "$root/bench/peers/polars_write.mjs" "$trades" "$scratch/pl_out.parquet"
    ;;
  filter)
    if have bench_filter; then
      record filter fluxforge "$build/bench_filter" "$trades"
    fi
    record filter "duckdb t=1" node "$root/bench/peers/duckdb_filter.mjs" "$trades" 1
    ;;
  workloads)
    if [ -x "$root/bench/workloads.sh" ]; then
      bash "$root/bench/workloads.sh" "$scratch" "$runs" "$results"
    fi
    ;;
  esac
done
node "$root/bench/summarize.mjs" "$results"
