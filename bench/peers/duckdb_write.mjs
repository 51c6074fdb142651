// Writer benchmark, DuckDB side: loads FILE into memory (untimed), then times
// COPY ... (FORMAT parquet, COMPRESSION zstd) to OUT with THREADS threads.
//   node duckdb_write.mjs FILE OUT [THREADS]
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
const [file, out, threads = '1'] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await db.connect();
await con.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${file}')`);
const start = process.hrtime.bigint();
await con.run(`COPY t TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ peer: 'duckdb', seconds, bytes: fs.statSync(out).size }));
