// Filter benchmark, DuckDB side: loads FILE into an in-memory table (untimed), then times
// SELECT count(*) WHERE <the benchmark predicate> with THREADS threads (best of the
// statement run twice, so the first run's warm-up is not counted).
//   node duckdb_filter.mjs FILE [THREADS]
import { DuckDBInstance } from '@duckdb/node-api';
const [file, threads = '1'] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await db.connect();
await con.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${file}')`);
const sql = `SELECT count(*) FROM t WHERE product_id = 'BTC-USD' AND spread_bps > 500 AND side = 'sell'`;
let best = Infinity, count = null;
for (let run = 0; run < 2; run++) {
  const start = process.hrtime.bigint();
  const reader = await con.runAndReadAll(sql);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  count = Number(reader.getRows()[0][0]);
  best = Math.min(best, seconds);
}
const rows = Number((await con.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
console.log(JSON.stringify({ peer: 'duckdb', seconds: best, rows, matched: count }));
