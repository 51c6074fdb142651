// Writes one Parquet file of N rows with the trades schema of ../shared/bench (DuckDB COPY,
// ZSTD level 3, dictionary-encoded strings, DuckDB's default row groups), for the reader,
// writer and filter benchmarks. Deterministic: values come from hash(i).
//   node gen_trades.mjs OUT.parquet [ROWS]
import { DuckDBInstance } from '@duckdb/node-api';

const [out, rowsArg] = process.argv.slice(2);
const rows = Number(rowsArg ?? 10_000_000);
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();
await con.run(`
COPY (
  WITH base AS (
    SELECT i,
      (['BTC-USD','ETH-USD','SOL-USD','XRP-USD','DOGE-USD','ADA-USD','AVAX-USD','LTC-USD'])[1 + (hash(i) % 8)::INT] AS product_id,
      (hash(i * 7 + 1) % 1000000) / 1000000.0 AS u1,
      (hash(i * 7 + 2) % 1000000) / 1000000.0 AS u2,
      (hash(i * 7 + 3) % 1000) AS u3
    FROM range(${rows}) t(i)
  ), priced AS (
    SELECT *, round(30000 + 5000 * sin(i / 1e6) + u1 * 10, 2) AS price,
           round(0.5 + u3 / 100.0, 2) AS half_spread
    FROM base
  )
  SELECT product_id,
         i AS trade_id,
         price,
         round(exp(u2 * 4 - 3), 8) AS size,
         CASE WHEN u3 % 2 = 0 THEN 'buy' ELSE 'sell' END AS side,
         TIMESTAMPTZ '2024-03-01 00:00:00+00' + to_microseconds((i * 60480000000 // ${rows})::BIGINT) AS time,
         strftime(TIMESTAMP '2024-03-01' + to_microseconds((i * 60480000000 // ${rows})::BIGINT), '%Y-%m-%d') AS date,
         CASE WHEN u3 < 30 THEN 500 + u1 * 1000 ELSE (2 * half_spread) / price * 1e4 END AS spread_bps,
         price - half_spread AS best_bid,
         price + half_spread AS best_ask,
         price AS mid_price,
         CASE WHEN u3 % 20 = 7 THEN NULL ELSE 2 * half_spread END AS spread
  FROM priced
) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
console.log(JSON.stringify({ file: out, rows }));
