#!/usr/bin/env bash
# W1 repartition, W2 compaction, W3 delete, W4 update and W5 upsert of ../shared/bench (its
# README defines them exactly),
# done by FluxForge and by the shared DuckDB and Polars scripts on fresh copies of the same
# generated dataset, in one run.
#   bench/workloads.sh SCRATCH RUNS RESULTS_JSONL
# WORKLOAD_SIZE=medium (default: 20M rows, 2,184 files) or small. PEERS defaults to
# "duckdb:1 duckdb:2 polars:1 polars:2". FluxForge's time is its whole process (wall);
# the peers' is their in-script `op_s`, which leaves out node start-up and verification, so
# the comparison is conservative for FluxForge. Every run starts on a fresh copy followed by
# `sync`: the page cache stays warm, but no run inherits the copy's pending writeback (the
# commit's fsyncs would otherwise wait for the copy's 500 MB to reach the disk, a cost the
# peers, which never fsync, do not pay). After the first FluxForge run of each
# workload, its result is compared with DuckDB's by the shared compare.mjs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="$1"; runs="$2"; results="$3"
size="${WORKLOAD_SIZE:-medium}"
peers="${PEERS:-duckdb:1 duckdb:2 polars:1 polars:2}"
ff="$root/build/fluxforge"
bench_src="${FF_BENCH_SRC:-$root/../shared/bench}"
case "$size" in
  small) gen_args=(--rows 2000000 --days 4 --products 8 --seed 42) ;;
  medium) gen_args=(--rows 20000000 --days 7 --products 8 --seed 42) ;;
  *) echo "WORKLOAD_SIZE must be small or medium" >&2; exit 2 ;;
esac
[ -x "$ff" ] || { echo "workloads: build/fluxforge missing (make)" >&2; exit 2; }

peer_dir="$scratch/peer-scripts"
rm -rf "$peer_dir"; mkdir -p "$peer_dir"
cp -r "$bench_src/duckdb" "$bench_src/polars" "$bench_src/lib" "$bench_src/compare.mjs" "$peer_dir/"
ln -s "$root/tests/interop/node_modules" "$peer_dir/node_modules"

pristine="$scratch/$size/pristine"
if [ ! -f "$pristine/manifest.json" ]; then
  echo "# generating the $size dataset (${gen_args[*]})" >&2
  bash "$root/scripts/sample-data.sh" "$pristine" "${gen_args[@]}" >&2
fi
copy="$scratch/$size/copy"
ref="$scratch/$size/reference"

ff_command() { # workload dataset
  case "$1" in
  w1_repartition) "$ff" repartition "$2" "$(dirname "$2")/scratch/repartitioned" \
               --by product_id,year,month,day,hour --derive "year = year(time)" \
               --derive "month = month(time)" --derive "day = day(time)" \
               --derive "hour = hour(time)" --json ;;
  w2_compact) "$ff" compact "$2" --min-files 5 --target-size 100MB --max-file-size 100MB --json ;;
  w3_delete) "$ff" delete "$2" --where "product_id = 'BTC-USD' AND spread_bps > 500" --json ;;
  w4_update) "$ff" update "$2" --set "spread = best_ask - best_bid" --where "spread IS NULL" --json ;;
  w5_upsert) "$ff" upsert "$2" --from "$copy/upserts/upsert.parquet" --key product_id,trade_id \
               --partition-by product_id,date --json ;;
  esac
}

emit() { # bench who seconds rss_kb [extra json]
  node -e 'const [b, w, s, r] = process.argv.slice(1);
    console.log(JSON.stringify({ bench: b, who: w, seconds: Number(s), rss_mb: Number(r) / 1024 }));' \
    "$@" >> "$results"
}

# W1 writes a new dataset into scratch; the others change the dataset in place.
result_of() { # workload copy_dir
  if [ "$1" = w1_repartition ]; then echo "$2/scratch/repartitioned"; else echo "$2/trades"; fi
}

for workload in ${WORKLOADS:-w1_repartition w2_compact w3_delete w4_update w5_upsert}; do
  for run_idx in $(seq 1 "$runs"); do
    rm -rf "$copy"; cp -a "$pristine" "$copy"; mkdir -p "$copy/scratch"; sync
    start=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$scratch/rss.txt" bash -c "$(declare -f ff_command); ff=$ff copy=$copy ff_command $workload $copy/trades" > "$scratch/ff_out.json"
    end=$EPOCHREALTIME
    emit "$workload" fluxforge "$(awk -v a="$start" -v b="$end" 'BEGIN{print b - a}')" "$(tail -1 "$scratch/rss.txt")"
    if [ "$run_idx" = 1 ]; then
      rm -rf "$ref"; cp -a "$pristine" "$ref"; mkdir -p "$ref/scratch"
      (cd "$peer_dir" && node "duckdb/$workload.mjs" "$ref/trades" "$ref/scratch" >/dev/null)
      if ! (cd "$peer_dir" && node compare.mjs "$(result_of "$workload" "$copy")" \
              "$(result_of "$workload" "$ref")" > "$scratch/compare.json"); then
        echo "# $workload: FluxForge's result differs from DuckDB's: $(cat "$scratch/compare.json")" >&2
        exit 1
      fi
    fi
  done
  for peer_threads in $peers; do
    peer="${peer_threads%%:*}"; threads="${peer_threads##*:}"
    for run_idx in $(seq 1 "$runs"); do
      rm -rf "$copy"; cp -a "$pristine" "$copy"; mkdir -p "$copy/scratch"; sync
      envs=(env)
      [ "$peer" = duckdb ] && envs+=("DUCKDB_THREADS=$threads")
      [ "$peer" = polars ] && envs+=("POLARS_MAX_THREADS=$threads")
      (cd "$peer_dir" && /usr/bin/time -f '%M' -o "$scratch/rss.txt" "${envs[@]}" \
         node "$peer/$workload.mjs" "$copy/trades" "$copy/scratch" > "$scratch/peer_out.json")
      op_s="$(node -e 'const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").pop()); console.log(o.op_s)' "$scratch/peer_out.json")"
      emit "$workload" "$peer t=$threads" "$op_s" "$(tail -1 "$scratch/rss.txt")"
    done
  done
done
