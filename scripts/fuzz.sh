#!/usr/bin/env bash
# `make fuzz`: runs every libFuzzer target in BUILD_DIR for SECONDS each, seeded from its
# corpus folder (fuzz/corpus/<target>) and the Parquet conformance files. New inputs go to a
# scratch corpus, crashes to fuzz-out/<target>/ (keep each as a named regression under
# fuzz/corpus/<target>/ once fixed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build-fuzz}"; seconds="${2:-600}"
corpus_dir="${FF_CORPUS_DIR:-$root/../shared/corpus}/parquet-testing"
for target in "$build"/fuzz_*; do
  [ -x "$target" ] || continue
  name="$(basename "$target")"
  work="$root/fuzz-out/$name"; mkdir -p "$work/corpus"
  seeds=("$work/corpus")
  [ -d "$root/fuzz/corpus/$name" ] && seeds+=("$root/fuzz/corpus/$name")
  case "$name" in fuzz_expr) ;; *) seeds+=("$corpus_dir") ;; esac
  echo "== $name for ${seconds}s"
  (cd "$work" && "$target" -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=4096 \
     -print_final_stats=1 "${seeds[@]}" 2>&1 | tail -25)
done
