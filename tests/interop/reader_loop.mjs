// A reader that queries a dataset in a tight loop while FluxForge commits to it, for
// tests/scripts/test_concurrent_readers.sh (docs/commit-protocol.md "What readers see").
//
// usage: node reader_loop.mjs ROOT STOP_FILE LOG.jsonl
//   Until STOP_FILE exists, runs
//     SELECT count(*), count(DISTINCT (product_id, date, trade_id))
//     FROM read_parquet('ROOT/**/*.parquet', hive_partitioning = true)
//   on a fresh connection each time (so no metadata cache hides a change) and appends one
//   JSON line per query: {"start": ms, "end": ms, "rows": n, "distinct": n} or
//   {"start": ms, "end": ms, "error": "..."}. Times are Unix milliseconds.
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';

const [root, stopFile, logFile] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const out = fs.openSync(logFile, 'a');
const sql = `SELECT count(*) AS n, count(DISTINCT (product_id, date, trade_id)) AS d
  FROM read_parquet('${root}/**/*.parquet', hive_partitioning = true)`;
while (!fs.existsSync(stopFile)) {
  const start = Date.now();
  let line;
  try {
    const con = await instance.connect();
    const rows = (await con.runAndReadAll(sql)).getRows();
    line = { start, end: Date.now(), rows: Number(rows[0][0]), distinct: Number(rows[0][1]) };
    con.closeSync?.();
  } catch (e) {
    line = { start, end: Date.now(), error: String(e.message ?? e).split('\n')[0] };
  }
  fs.writeSync(out, JSON.stringify(line) + '\n');
}
fs.closeSync(out);
