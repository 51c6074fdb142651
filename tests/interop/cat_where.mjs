// Builds a Hive-partitioned dataset with DuckDB and writes what DuckDB selects for each
// predicate, for tests/scripts/test_cat_where.sh.
//
// usage: node cat_where.mjs ROOT PREDICATES.txt OUT_DIR [INT_ROOT [BARE_ROOT]]
//   ROOT/product_id=<P>/date=<D>/part-0.parquet: 3 products x 3 dates, 5000 rows each in
//   row groups of 2048 rows, `time` rising through each file so that a time range skips row
//   groups. Columns product_id, date, time, trade_id, price, size, side (some NULL),
//   spread (some NULL). Partition columns are stored in the files too (DESIGN.md §1).
//   A drifted file comes first in path order, product_id=BTC-USD/date=2025-11-25/
//   part-0-a.parquet: 300 rows without `spread` and with `size` as BIGINT, so predicates are
//   compiled against the union schema and read a missing column as NULL.
//   OUT_DIR/<n>.txt: "trade_id,side" of the rows predicate n (line n of PREDICATES.txt)
//   selects, side empty for NULL, sorted.
//   INT_ROOT/size=<n>/part-0.parquet: a dataset partitioned by an INTEGER column, with one
//   directory spelled size=003 (its rows hold 3), for verify's typed comparison.
//   BARE_ROOT/product_id=<P>/*.parquet: 30 rows (trade_id 0..29, product by trade_id % 3)
//   written by DuckDB's PARTITION_BY, which leaves the partition column out of the files.
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';

const [root, predicatesPath, outDir, intRoot, bareRoot] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();

const products = ['BTC-USD', 'ETH-USD', 'SOL-USD'];
const dates = ['2025-11-25', '2025-11-26', '2025-11-27'];
const rows = 5000;
let first = 0;
for (const product of products) {
  for (const date of dates) {
    const dir = `${root}/product_id=${product}/date=${date}`;
    fs.mkdirSync(dir, { recursive: true });
    await con.run(`COPY (
      SELECT '${product}' AS product_id, DATE '${date}' AS date,
             TIMESTAMP '${date} 00:00:00' + INTERVAL (i * 10) SECOND AS time,
             (${first} + i)::BIGINT AS trade_id,
             (100 + (i % 97) * 1.25)::DOUBLE AS price, (i % 7 + 1)::INTEGER AS size,
             CASE i % 4 WHEN 0 THEN 'buy' WHEN 1 THEN 'offer' WHEN 2 THEN 'ask' ELSE NULL END AS side,
             CASE WHEN i % 5 = 0 THEN NULL ELSE (i % 10) / 10.0 END::DOUBLE AS spread
      FROM range(${rows}) t(i) ORDER BY i)
      TO '${dir}/part-0.parquet' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    first += rows;
  }
}

await con.run(`COPY (
  SELECT 'BTC-USD' AS product_id, DATE '2025-11-25' AS date,
         TIMESTAMP '2025-11-25 12:00:00' + INTERVAL (i * 7) SECOND AS time,
         (1000000 + i)::BIGINT AS trade_id, (90 + i % 50)::DOUBLE AS price,
         (i % 9)::BIGINT AS size, CASE WHEN i % 3 = 0 THEN NULL ELSE 'buy' END AS side
  FROM range(300) t(i))
  TO '${root}/product_id=BTC-USD/date=2025-11-25/part-0-a.parquet' (FORMAT parquet)`);

const predicates = fs.readFileSync(predicatesPath, 'utf8').split('\n').filter((l) => l.trim());
fs.mkdirSync(outDir, { recursive: true });
for (let n = 0; n < predicates.length; n++) {
  const reader = await con.runAndReadAll(
    `SELECT trade_id::VARCHAR || ',' || coalesce(side, '') AS line
     FROM read_parquet('${root}/*/*/*.parquet', hive_partitioning = false, union_by_name = true)
     WHERE ${predicates[n]}`);
  const lines = reader.getRows().map((r) => String(r[0])).sort();
  fs.writeFileSync(`${outDir}/${n}.txt`, lines.map((l) => l + '\n').join(''));
}

if (intRoot) {
  for (const [dirValue, size] of [['1', 1], ['2', 2], ['003', 3]]) {
    const dir = `${intRoot}/size=${dirValue}`;
    fs.mkdirSync(dir, { recursive: true });
    await con.run(`COPY (SELECT i::BIGINT AS trade_id, ${size}::INTEGER AS size
      FROM range(100) t(i)) TO '${dir}/part-0.parquet' (FORMAT parquet)`);
  }
}

if (bareRoot) {
  await con.run(`COPY (
    SELECT CASE i % 3 WHEN 0 THEN 'BTC-USD' WHEN 1 THEN 'ETH-USD' ELSE 'SOL-USD' END AS product_id,
           i::BIGINT AS trade_id
    FROM range(30) t(i)) TO '${bareRoot}' (FORMAT parquet, PARTITION_BY (product_id))`);
}
