// Dataset and oracle queries for the tests of compact and repartition
// (tests/scripts/test_compact_repartition.sh, test_ops_crash.sh).
//
// usage:
//   node layout_oracle.mjs make ROOT
//     ROOT/product_id=<P>/date=<D>/part-<n>.parquet, columns product_id, date (VARCHAR),
//     trade_id BIGINT, price DOUBLE, side VARCHAR, time TIMESTAMPTZ (UTC, spread over the
//     day's hours), spread DOUBLE (NULL in some rows). Files per partition:
//       BTC-USD/2025-11-25  6 small            ETH-USD/2025-11-25  5 small + 1 large
//       BTC-USD/2025-11-26  3 small            ETH-USD/2025-11-26  7 small
//       SOL-USD/2025-11-25  1 small
//     Small files hold 40 rows; the large one 30,000 rows.
//   node layout_oracle.mjs sql QUERY
//     Runs QUERY in DuckDB (TimeZone UTC) and prints the first column of each row.
//   node layout_oracle.mjs polars GLOB
//     Reads GLOB with Polars, hive partitioning on, and prints "rows sum(trade_id)".
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';

const [command, arg] = process.argv.slice(2);

if (command === 'polars') {
  const pl = (await import('nodejs-polars')).default;
  const frame = pl.scanParquet(arg, { hivePartitioning: true }).collectSync();
  console.log(`${frame.height} ${frame.getColumn('trade_id').cast(pl.Float64).sum()}`);
  process.exit(0);
}

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
await con.run("SET TimeZone = 'UTC'");

if (command === 'sql') {
  const reader = await con.runAndReadAll(arg);
  for (const row of reader.getRows()) console.log(String(row[0]));
} else if (command === 'make') {
  const layout = [
    ['BTC-USD', '2025-11-25', 6, 0],
    ['BTC-USD', '2025-11-26', 3, 0],
    ['ETH-USD', '2025-11-25', 5, 1],
    ['ETH-USD', '2025-11-26', 7, 0],
    ['SOL-USD', '2025-11-25', 1, 0],
  ];
  let tradeId = 1;
  for (const [product, date, small, large] of layout) {
    const dir = `${arg}/product_id=${product}/date=${date}`;
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < small + large; f++) {
      const rows = f < small ? 40 : 30000;
      const first = tradeId;
      tradeId += rows;
      await con.run(`COPY (
        SELECT '${product}' AS product_id, '${date}' AS date, i::BIGINT AS trade_id,
               (100 + (i % 997) * 0.25)::DOUBLE AS price,
               CASE i % 3 WHEN 0 THEN 'buy' ELSE 'sell' END AS side,
               (TIMESTAMPTZ '${date} 00:00:00+00' + to_microseconds(((i * 7919 * 1000003) % 86400000000)::BIGINT)) AS time,
               CASE WHEN i % 5 = 0 THEN NULL ELSE (i % 13) * 0.5 END::DOUBLE AS spread
        FROM range(${first}, ${first + rows}) t(i)) TO '${dir}/part-${f}.parquet' (FORMAT parquet)`);
    }
  }
} else {
  console.error('usage: layout_oracle.mjs make ROOT | sql QUERY | polars GLOB');
  process.exit(2);
}
