// Reader benchmark, DuckDB side: SELECT * FROM read_parquet(FILE) with THREADS threads,
// streamed chunk by chunk (the chunks stay in DuckDB's memory, nothing is converted to
// JavaScript values), so the time is DuckDB's full decode of every column; prints
// {"seconds": ...} for the query alone.
//   node duckdb_read.mjs FILE [THREADS]
import { DuckDBInstance } from '@duckdb/node-api';
const [file, threads = '1'] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await db.connect();
const start = process.hrtime.bigint();
const result = await con.stream(`SELECT * FROM read_parquet('${file}')`);
let rows = 0;
for (;;) {
  const chunk = await result.fetchChunk();
  if (!chunk || chunk.rowCount === 0) break;
  rows += chunk.rowCount;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ peer: 'duckdb', seconds, rows }));
