// Interop check for partition directory names: DuckDB and Polars must decode every segment
// FluxForge writes back to the value it encoded. Reads the cases (one JSON line each: the value
// as hex or null, and its segment) on stdin, builds a Hive dataset with one tiny Parquet file
// per case (written by DuckDB, since the check is about directory names, not file contents),
// reads it back with hive partitioning in both engines and compares every value.
//
// Usage: test_partition_path --emit-interop-cases | node partition_paths.mjs SCRATCH_DIR
// Exit status 0 when both engines agree with FluxForge on every case.
import { DuckDBInstance } from '@duckdb/node-api';
import pl from 'nodejs-polars';
import fs from 'fs';
import path from 'path';

const root = process.argv[2];
const cases = fs.readFileSync(0, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const expected = cases.map((c) => (c.hex === null ? null : Buffer.from(c.hex, 'hex').toString('utf8')));
// The literal string "__HIVE_DEFAULT_PARTITION__" cannot be told from NULL by Polars, which
// compares after decoding; FluxForge and DuckDB keep it a string (documented in dataset.h).
const polarsExpected = expected.map((v) => (v === '__HIVE_DEFAULT_PARTITION__' ? null : v));

fs.rmSync(root, { recursive: true, force: true });
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
for (let i = 0; i < cases.length; i++) {
  const dir = path.join(root, cases[i].segment);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'part-0.parquet').replaceAll("'", "''");
  await con.run(`COPY (SELECT ${i}::INTEGER AS id) TO '${file}' (FORMAT parquet)`);
}

let failures = 0;
function check(engine, id, got, want) {
  if (got !== want) {
    failures++;
    console.error(`${engine}: case ${id} (${cases[id].segment}): got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
}

const glob = path.join(root, '**', '*.parquet').replaceAll("'", "''");
const duck = await con.runAndReadAll(
  `SELECT id, k FROM read_parquet('${glob}', hive_partitioning=true, hive_types={'k': 'VARCHAR'}) ORDER BY id`);
const duckRows = duck.getRowObjects();
if (duckRows.length !== cases.length) {
  failures++;
  console.error(`duckdb: read ${duckRows.length} rows, expected ${cases.length}`);
}
for (const row of duckRows) check('duckdb', Number(row.id), row.k, expected[Number(row.id)]);

const frame = pl.scanParquet(path.join(root, '**', '*.parquet'), { hivePartitioning: true }).collectSync();
const polarsRows = frame.sort('id').toRecords();
if (polarsRows.length !== cases.length) {
  failures++;
  console.error(`polars: read ${polarsRows.length} rows, expected ${cases.length}`);
}
for (const row of polarsRows) check('polars', Number(row.id), row.k === undefined ? null : row.k, polarsExpected[Number(row.id)]);

console.log(`partition paths: ${cases.length} cases, duckdb ${duckRows.length} rows, polars ${polarsRows.length} rows, ${failures} mismatches`);
process.exit(failures ? 1 : 0);
