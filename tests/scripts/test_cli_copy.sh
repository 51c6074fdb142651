#!/usr/bin/env bash
# CLI tests for `fluxforge copy`: exact output lines, content kept (fingerprints) for a file
# and a dataset tree under every codec and option, the options reaching the written files,
# and the refusals (bad options, destination inside the source, destination = source), which
# must exit 2 with one stderr line and leave no output file. The corpus is only read;
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

# expect_bad NAME NEEDLE CMD...: exit 2, nothing on stdout, one stderr line with NEEDLE.
expect_bad() {
  local name="$1" needle="$2"; shift 2
  local status lines
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"; status=$?
  lines="$(wc -l <"$tmp/stderr")"
  if [ "$status" -ne 2 ]; then fail "$name: exit $status, expected 2"; return; fi
  if [ -s "$tmp/stdout" ]; then fail "$name: wrote to stdout: $(cat "$tmp/stdout")"; return; fi
  if [ "$lines" -ne 1 ]; then fail "$name: $lines stderr lines: $(cat "$tmp/stderr")"; return; fi
  if ! grep -qF -- "$needle" "$tmp/stderr"; then
    fail "$name: stderr does not name '$needle': $(cat "$tmp/stderr")"; return
  fi
  pass
}

fp() { "$ff" fingerprint "$1"; }

# --- one file, every codec and option: same content ---
src="$corpus/alltypes_tiny_pages.parquet"
want="$(fp "$src")"
for opts in "" "--compression snappy" "--compression gzip:9" "--compression brotli" \
            "--compression lz4_raw" "--compression none" "--compression zstd:19" \
            "--page-version 2" "--no-dictionary" "--row-group-rows 1000" "--row-group-size 64K" \
            "--bloom-filter id,string_col" "--encoding plain" "--encoding auto"; do
  rm -f "$tmp/out.parquet"
  # shellcheck disable=SC2086
  got="$("$ff" copy "$src" "$tmp/out.parquet" $opts 2>"$tmp/stderr")" || fail "copy $opts: $(cat "$tmp/stderr")"
  case "$got" in "copied 1 file, 7300 rows: 443.6 KiB -> "*) pass ;; *) fail "copy $opts: output [$got]" ;; esac
  [ "$(fp "$tmp/out.parquet")" = "$want" ] && pass || fail "copy $opts: fingerprint differs"
done

# The options reach the file: row groups of 1000 rows, and a destination directory.
"$ff" copy "$src" "$tmp/out.parquet" --row-group-rows 1000 >/dev/null
expect_ok "row groups" "8" sh -c "'$ff' inspect '$tmp/out.parquet' --json | grep -o '\"num_row_groups\":[0-9]*' | cut -d: -f2"
mkdir -p "$tmp/into"
expect_ok "into a directory" "copied 1 file, 8 rows: 1.8 KiB -> 2.6 KiB" \
  sh -c "'$ff' copy '$corpus/alltypes_plain.parquet' '$tmp/into' | sed 's/-> [0-9.]* KiB/-> 2.6 KiB/'"
[ "$(fp "$tmp/into/alltypes_plain.parquet")" = "$(fp "$corpus/alltypes_plain.parquet")" ] && pass ||
  fail "copy into a directory: fingerprint differs"

# --- a dataset tree: same relative layout, hidden and underscore names skipped ---
ds="$tmp/ds"
mkdir -p "$ds/k=a/j=1" "$ds/k=b/j=1" "$ds/_fluxforge" "$ds/.hidden"
cp "$corpus/alltypes_plain.parquet" "$ds/k=a/j=1/part-0.parquet"
cp "$corpus/alltypes_dictionary.parquet" "$ds/k=b/j=1/part-0.parquet"
cp "$corpus/alltypes_plain.parquet" "$ds/k=b/j=1/part-1.parquet"
cp "$corpus/alltypes_plain.parquet" "$ds/_fluxforge/skip.parquet"
cp "$corpus/alltypes_plain.parquet" "$ds/.hidden/skip.parquet"
echo "not parquet" > "$ds/k=a/j=1/notes.txt"
out="$("$ff" copy "$ds" "$tmp/ds-copy" --compression snappy --page-version 2 2>"$tmp/stderr")" ||
  fail "dataset copy: $(cat "$tmp/stderr")"
case "$out" in "copied 3 files, 18 rows: "*) pass ;; *) fail "dataset copy: output [$out]" ;; esac
want_files="k=a/j=1/part-0.parquet
k=b/j=1/part-0.parquet
k=b/j=1/part-1.parquet"
got_files="$(cd "$tmp/ds-copy" && find . -type f | sed 's|^\./||' | sort)"
[ "$got_files" = "$want_files" ] && pass || fail "dataset copy: files [$got_files]"
[ "$(fp "$tmp/ds-copy")" = "$(fp "$ds")" ] && pass || fail "dataset copy: fingerprint differs"

# --- refusals ---
expect_bad "unknown codec" "--compression 'lzo'" "$ff" copy "$src" "$tmp/bad.parquet" --compression lzo
expect_bad "bad page version" "--page-version '3'" "$ff" copy "$src" "$tmp/bad.parquet" --page-version 3
expect_bad "bad encoding" "--encoding 'delta'" "$ff" copy "$src" "$tmp/bad.parquet" --encoding delta
expect_bad "bad size" "--row-group-size 'lots'" "$ff" copy "$src" "$tmp/bad.parquet" --row-group-size lots
expect_bad "unknown option" "--fast" "$ff" copy "$src" "$tmp/bad.parquet" --fast
expect_bad "unknown bloom column" "no_such" "$ff" copy "$src" "$tmp/bad.parquet" --bloom-filter no_such
[ -e "$tmp/bad.parquet" ] && fail "a refused copy left $tmp/bad.parquet" || pass
expect_bad "missing source" "$tmp/none.parquet" "$ff" copy "$tmp/none.parquet" "$tmp/bad.parquet"
cp "$corpus/alltypes_plain.parquet" "$tmp/self.parquet"
expect_bad "destination is the source" "the destination is the source" \
  "$ff" copy "$tmp/self.parquet" "$tmp/self.parquet"
[ "$(fp "$tmp/self.parquet")" = "$(fp "$corpus/alltypes_plain.parquet")" ] && pass ||
  fail "copy onto itself damaged the source"
expect_bad "destination inside the source" "inside the source" "$ff" copy "$ds" "$ds/k=a/copy/x"
[ -e "$ds/k=a/copy" ] && fail "a refused copy created a directory in the source" || pass
expect_bad "unreadable source" "ARROW-GH-41317.parquet" \
  "$ff" copy "$corpus/ARROW-GH-41317.parquet" "$tmp/bad.parquet"
[ -e "$tmp/bad.parquet" ] && fail "a failed copy left $tmp/bad.parquet" || pass
expect_bad "usage" "usage" "$ff" copy "$src"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
