// Writes a small Hive-partitioned dataset and an upsert input with DuckDB, for the script
// tests of the row-level operations (tests/scripts/test_ops_*.sh).
//
// usage: node ops_make_dataset.mjs ROOT INPUT.parquet [FILES_PER_PARTITION]
//   ROOT/product_id=<P>/date=<D>/part-<n>.parquet with columns
//   product_id, date, trade_id, price, size, side, spread, best_bid, best_ask
//   INPUT.parquet: 6 rows, 3 matching existing (product_id, date, trade_id), 3 new (one in a
//   new partition).
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';

const [root, input, perPartitionArg] = process.argv.slice(2);
const perPartition = Number(perPartitionArg ?? 2);
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();

const products = ['BTC-USD', 'ETH-USD'];
const dates = ['2025-11-25', '2025-11-26'];
let tradeId = 1;
for (const product of products) {
  for (const date of dates) {
    const dir = `${root}/product_id=${product}/date=${date}`;
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < perPartition; f++) {
      const first = tradeId;
      tradeId += 10;
      await con.run(`COPY (
        SELECT '${product}' AS product_id, DATE '${date}' AS date, i::BIGINT AS trade_id,
               (100 + i * 1.25)::DOUBLE AS price, (i % 7 + 1)::INTEGER AS size,
               CASE i % 3 WHEN 0 THEN 'buy' WHEN 1 THEN 'offer' ELSE 'ask' END AS side,
               CASE WHEN i % 4 = 0 THEN NULL ELSE 0.5 END::DOUBLE AS spread,
               (99.5 + i)::DOUBLE AS best_bid, (100.25 + i)::DOUBLE AS best_ask
        FROM range(${first}, ${first + 10}) t(i)) TO '${dir}/part-${f}.parquet' (FORMAT parquet)`);
    }
  }
}

await con.run(`COPY (
  SELECT * FROM (VALUES
    ('BTC-USD', DATE '2025-11-25', 1::BIGINT, 1.0::DOUBLE, 9, 'buy', 0.1::DOUBLE, 1.0::DOUBLE, 1.1::DOUBLE),
    ('BTC-USD', DATE '2025-11-25', 2::BIGINT, 2.0::DOUBLE, 9, 'buy', 0.1::DOUBLE, 2.0::DOUBLE, 2.1::DOUBLE),
    ('ETH-USD', DATE '2025-11-26', ${tradeId - 1}::BIGINT, 3.0::DOUBLE, 9, 'ask', 0.1::DOUBLE, 3.0::DOUBLE, 3.1::DOUBLE),
    ('BTC-USD', DATE '2025-11-25', 100001::BIGINT, 4.0::DOUBLE, 1, 'buy', NULL, 4.0::DOUBLE, 4.1::DOUBLE),
    ('ETH-USD', DATE '2025-11-26', 100002::BIGINT, 5.0::DOUBLE, 1, 'ask', NULL, 5.0::DOUBLE, 5.1::DOUBLE),
    ('SOL-USD', DATE '2025-11-27', 100003::BIGINT, 6.0::DOUBLE, 1, 'buy', NULL, 6.0::DOUBLE, 6.1::DOUBLE))
    t(product_id, date, trade_id, price, size, side, spread, best_bid, best_ask)) TO '${input}' (FORMAT parquet)`);
