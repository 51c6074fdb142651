// Checks what reader_loop.mjs saw against what the commit protocol promises readers
// (docs/commit-protocol.md "What readers see"), for tests/scripts/test_concurrent_readers.sh.
//
// usage: node reader_check.mjs LOG.jsonl OPS.txt
//   OPS.txt: "static N" (rows in partitions no operation touches), "init N" (rows before the
//   first operation), then one line per operation "START_MS END_MS ROWS_AFTER".
// Violations (exit 1):
//   - any error other than a file that vanished between DuckDB's listing and its open (a
//     half-written or invalid file would show up as magic bytes / truncated / corrupt errors);
//   - a count below the untouched rows or above untouched + twice the largest touched state
//     (every row a reader sees is a row of the state before or after a commit);
//   - a read that lies wholly between two operations whose count or distinct-key count is not
//     exactly the state of the dataset then.
// Prints the figures: reads, errors by kind, reads that overlapped a commit and what they saw.
import fs from 'node:fs';

const [logFile, opsFile] = process.argv.slice(2);
const reads = fs.readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
let staticRows = 0;
let initRows = 0;
const ops = [];
for (const line of fs.readFileSync(opsFile, 'utf8').trim().split('\n')) {
  const f = line.trim().split(/\s+/);
  if (f[0] === 'static') staticRows = Number(f[1]);
  else if (f[0] === 'init') initRows = Number(f[1]);
  else ops.push({ start: Number(f[0]), end: Number(f[1]), rows: Number(f[2]) });
}
const states = [initRows, ...ops.map((o) => o.rows)];
const maxTouched = Math.max(...states) - staticRows;
const vanished = /No such file or directory|could not be found|does not exist/i;
const violations = [];
const fig = { reads: reads.length, ok: 0, vanished: 0, quiet: 0, overlapping: 0, intermediate: 0 };
for (const r of reads) {
  // The state a read sees exactly when it starts after operation k ends and ends before k+1.
  let quietState = null;
  for (let k = -1; k < ops.length; k++) {
    const after = k < 0 ? -Infinity : ops[k].end;
    const before = k + 1 < ops.length ? ops[k + 1].start : Infinity;
    if (r.start > after && r.end < before) quietState = states[k + 1];
  }
  const overlapping = ops.filter((o) => r.start <= o.end && r.end >= o.start);
  if (overlapping.length > 0) fig.overlapping++;
  if (r.error !== undefined) {
    if (vanished.test(r.error) && quietState === null) fig.vanished++;
    else violations.push(`read at ${r.start}: error: ${r.error}`);
    continue;
  }
  fig.ok++;
  if (r.rows < staticRows || r.rows > staticRows + 2 * maxTouched)
    violations.push(`read at ${r.start}: ${r.rows} rows, outside [${staticRows}, ${staticRows + 2 * maxTouched}]`);
  if (quietState !== null) {
    fig.quiet++;
    if (r.rows !== quietState || r.distinct !== quietState)
      violations.push(`read at ${r.start} between operations: ${r.rows} rows (${r.distinct} distinct), expected ${quietState}`);
  } else if (overlapping.length > 0) {
    const allowed = new Set();
    for (const o of overlapping) {
      const idx = ops.indexOf(o);
      allowed.add(states[idx]);
      allowed.add(states[idx + 1]);
    }
    if (!allowed.has(r.rows) || r.distinct !== r.rows) fig.intermediate++;
  }
}
console.log(
  `reads ${fig.reads}: ${fig.ok} ok (${fig.quiet} between operations, exact), ` +
    `${fig.overlapping} overlapping an operation, ${fig.intermediate} of them saw a mix of ` +
    `before and after (duplicates or missing rows), ${fig.vanished} "No such file" errors; ` +
    `${ops.length} operations`,
);
if (fig.quiet < 5) violations.push(`only ${fig.quiet} reads between operations: the check proves little`);
if (fig.overlapping < 10) violations.push(`only ${fig.overlapping} reads overlapped an operation`);
for (const v of violations.slice(0, 20)) console.log(`VIOLATION: ${v}`);
process.exit(violations.length ? 1 : 0);
