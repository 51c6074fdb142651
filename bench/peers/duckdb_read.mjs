// Reader benchmark, DuckDB side: full decode of every column of FILE into an in-memory table
// with THREADS threads; prints {"seconds": ...} for the timed statement alone.
//   node duckdb_read.mjs FILE [THREADS]
import { DuckDBInstance } from '@duckdb/node-api';
const [file, threads = '1'] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await db.connect();
const start = process.hrtime.bigint();
await con.run(`CREATE TABLE sink AS SELECT * FROM read_parquet('${file}')`);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ peer: 'duckdb', seconds }));
