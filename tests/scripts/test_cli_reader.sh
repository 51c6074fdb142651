#!/usr/bin/env bash
# CLI tests for the read-only commands (schema, inspect, cat, fingerprint) on corpus files,
# on a small dataset tree built in a scratch folder, and on damaged files: every failure
# must exit 2 with exactly one line on stderr that names the file. The corpus is only read;
# everything written goes to a mktemp folder removed on exit.
set -uo pipefail
ff="${FF_CLI:?FF_CLI must point at the fluxforge binary}"
corpus="${FF_CORPUS_DIR:?FF_CORPUS_DIR must point at the corpus}/parquet-testing"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
passed=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { passed=$((passed + 1)); }

# expect_ok NAME EXPECTED_STDOUT CMD...: exit 0 and exact stdout.
expect_ok() {
  local name="$1" want="$2"; shift 2
  local got status
  got="$("$@" 2>"$tmp/stderr")"; status=$?
  if [ "$status" -ne 0 ]; then fail "$name: exit $status: $(cat "$tmp/stderr")"; return; fi
  if [ "$got" != "$want" ]; then fail "$name: got [$got], expected [$want]"; return; fi
  pass
}

# expect_bad NAME NEEDLE CMD...: exit 2, nothing on stdout for a file command, and one
# stderr line containing NEEDLE.
expect_bad() {
  local name="$1" needle="$2"; shift 2
  local status lines
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"; status=$?
  lines="$(wc -l <"$tmp/stderr")"
  if [ "$status" -ne 2 ]; then fail "$name: exit $status, expected 2"; return; fi
  if [ "$lines" -ne 1 ]; then fail "$name: $lines stderr lines: $(cat "$tmp/stderr")"; return; fi
  if ! grep -qF -- "$needle" "$tmp/stderr"; then
    fail "$name: stderr does not name '$needle': $(cat "$tmp/stderr")"; return
  fi
  pass
}

# Rows listed in an expected file, one canonical text per line.
expected_rows() { sed -n 's/^  \(\[.*\]\),\{0,1\}$/\1/p' "$corpus/$1.expected.json"; }
expected_sum() { sed -n 's/^ "checksum": "\([0-9a-f]*\)",$/\1/p' "$corpus/$1.expected.json"; }

# --- fingerprints and canonical rows of corpus files ---
for name in alltypes_plain nullable.impala map_no_value int96_from_spark byte_stream_split_extended.gzip \
            repeated_no_annotation datapage_v2.snappy nested_structs.rust; do
  expect_ok "fingerprint $name" "$(expected_sum "$name")" "$ff" fingerprint "$corpus/$name.parquet"
  expect_ok "cat jsonl $name" "$(expected_rows "$name")" "$ff" cat "$corpus/$name.parquet" --format jsonl \
    --limit 50
done
expect_ok "cat --limit" "$(expected_rows alltypes_plain | head -3)" \
  "$ff" cat "$corpus/alltypes_plain.parquet" --format=jsonl --limit 3
expect_ok "cat csv" 'id,string_col
4,0x30
5,0x31' "$ff" cat "$corpus/alltypes_plain.parquet" --columns id,string_col --limit 2 --format csv
expect_ok "cat csv nulls" 'id,int_array
1,"[1,2,3]"
2,"[null,1,2,null,3,null]"
3,[]
4,' "$ff" cat "$corpus/nullable.impala.parquet" --columns id,int_array --limit 4 --format csv
expect_ok "cat table" 'id | bool_col
---+---------
4  | true    
5  | false   ' "$ff" cat "$corpus/alltypes_plain.parquet" --columns id,bool_col --limit 2
# Top-level lines of `schema` carry the corpus type texts (deeper lines are indented).
expect_ok "schema" 'my_map: required group MAP
my_map_no_v: required group MAP
my_list: required group LIST' sh -c "\"$ff\" schema \"$corpus/map_no_value.parquet\" | grep -v '^ '"
"$ff" schema "$corpus/nested_structs.rust.parquet" >/dev/null 2>&1 && pass || fail "schema nested_structs"
"$ff" inspect "$corpus/data_index_bloom_encoding_stats.parquet" >"$tmp/inspect.txt" 2>&1 \
  && grep -q "rows         14" "$tmp/inspect.txt" && pass || fail "inspect file: $(cat "$tmp/inspect.txt")"
"$ff" inspect --json "$corpus/alltypes_tiny_pages.parquet" >"$tmp/inspect.json" 2>&1 \
  && grep -q '"num_rows":7300' "$tmp/inspect.json" && pass || fail "inspect --json"

# --- a dataset tree ---
ds="$tmp/dataset"
mkdir -p "$ds/k=a" "$ds/k=b%2Fc" "$ds/_fluxforge/stage" "$ds/.hidden"
cp "$corpus/alltypes_plain.parquet" "$ds/k=a/part-0.parquet"
cp "$corpus/alltypes_dictionary.parquet" "$ds/k=a/part-1.parquet"
cp "$corpus/int32_decimal.parquet" "$ds/k=b%2Fc/part-0.parquet"
cp "$corpus/binary.parquet" "$ds/_fluxforge/stage/ignored.parquet"
cp "$corpus/binary.parquet" "$ds/.hidden/ignored.parquet"
cp "$corpus/binary.parquet" "$ds/k=a/_ignored.parquet"
echo "not parquet" >"$ds/k=a/notes.txt"
sum=0
for name in alltypes_plain alltypes_dictionary int32_decimal; do
  sum=$((sum + 0x$(expected_sum "$name")))
done
expect_ok "fingerprint dataset" "$(printf '%016x' "$sum")" "$ff" fingerprint "$ds"
"$ff" inspect "$ds" >"$tmp/ds.txt" 2>&1 && grep -q "partitions   2" "$tmp/ds.txt" \
  && grep -q "rows         34" "$tmp/ds.txt" && grep -q "small file k=a/part-0.parquet" "$tmp/ds.txt" \
  && pass || fail "inspect dataset: $(cat "$tmp/ds.txt")"
"$ff" inspect --json "$ds" >"$tmp/ds.json" 2>&1 && grep -q '"values":{"k":"b/c"}' "$tmp/ds.json" \
  && grep -q '"num_files":3' "$tmp/ds.json" && pass || fail "inspect --json dataset: $(cat "$tmp/ds.json")"
expect_ok "cat dataset" "$( (expected_rows alltypes_plain; expected_rows alltypes_dictionary) | head -9)" \
  "$ff" cat "$ds" --format jsonl --limit 9

# --- bad usage and bad input ---
expect_bad "missing path" "no-such.parquet" "$ff" fingerprint "$tmp/no-such.parquet"
expect_bad "unknown format" "unknown format" "$ff" cat "$corpus/alltypes_plain.parquet" --format xml
expect_bad "unknown column" "no column 'nope'" "$ff" cat "$corpus/alltypes_plain.parquet" --columns nope
expect_bad "bad limit" "--limit" "$ff" cat "$corpus/alltypes_plain.parquet" --limit -3
expect_bad "encrypted" "encrypted" "$ff" fingerprint "$corpus/uniform_encryption.parquet.encrypted"
for name in ARROW-GH-41317 ARROW-GH-41321 ARROW-RS-GH-6229-DICTHEADER PARQUET-1481; do
  expect_bad "corpus error $name" "$name.parquet" "$ff" cat "$corpus/$name.parquet" --format jsonl
done
# Damaged copies: truncations and byte flips, written to the scratch folder.
for name in alltypes_plain nullable.impala datapage_v2.snappy delta_length_byte_array; do
  src="$corpus/$name.parquet"
  size=$(stat -c %s "$src")
  for cut in 0 7 $((size / 3)) $((size / 2)) $((size - 9)) $((size - 1)); do
    bad="$tmp/cut-$cut-$name.parquet"
    head -c "$cut" "$src" >"$bad"
    for command in fingerprint "cat --format jsonl" inspect schema; do
      expect_bad "$command truncated $name at $cut" "cut-$cut-$name.parquet" "$ff" $command "$bad"
    done
  done
  footer_len=$(od -An -tu4 -j $((size - 8)) -N4 "$src" | tr -d ' ')
  for offset in $((size - 8)) $((size - 8 - footer_len)) $((size - 8 - footer_len / 2)) $((size - 12)); do
    bad="$tmp/flip-$offset-$name.parquet"
    cp "$src" "$bad"
    printf '\xff' | dd of="$bad" bs=1 seek="$offset" conv=notrunc status=none
    "$ff" fingerprint "$bad" >"$tmp/stdout" 2>"$tmp/stderr"; status=$?
    if [ "$status" -eq 0 ]; then pass
    elif [ "$status" -eq 2 ] && [ "$(wc -l <"$tmp/stderr")" -eq 1 ] && grep -qF "flip-$offset-$name.parquet" "$tmp/stderr"; then pass
    else fail "flipped $name at $offset: exit $status: $(cat "$tmp/stderr")"; fi
  done
done

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
