// Pass-through checks for tests/scripts/test_ops_passthrough.sh: DuckDB writes a dataset of
// multi-row-group files, and after FluxForge changed it, DuckDB's parquet_metadata() and
// read_parquet() tell whether column chunks were carried over as they were and whether the
// content is what the same change gives in SQL.
//
//   node passthrough.mjs make ROOT
//   node passthrough.mjs chunks ROOT            one line per (row group, column) chunk
//   node passthrough.mjs rows ROOT              the content, one JSON line per row, sorted
//   node passthrough.mjs expect ROOT SQL_SELECT the rows of SQL_SELECT over ROOT (as `t`)
//   node passthrough.mjs write ROOT SQL_SELECT OUT   the same rows into the Parquet file OUT
//   node passthrough.mjs summary ROOT           aggregates, equal between DuckDB and Polars
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';

const [mode, root, sql] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const glob = `${root}/**/*.parquet`;

async function rowsOf(select) {
  const reader = await con.runAndReadAll(select);
  const lines = reader.getRowObjectsJson().map((row) => JSON.stringify(row));
  lines.sort();
  return lines;
}

if (mode === 'make') {
  // Two partitions; 3 files each of 10,000 rows in row groups of 2,048 rows. spread is NULL
  // only in the first row group of file 0 and the last of file 1, so some row groups hold no
  // affected row; file 2 holds none at all.
  for (const product of ['BTC-USD', 'ETH-USD']) {
    const dir = `${root}/product_id=${product}`;
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 3; f++) {
      const base = (product === 'BTC-USD' ? 0 : 100000) + f * 10000;
      await con.run(`COPY (
        SELECT '${product}' AS product_id, (${base} + i)::BIGINT AS id,
               round(100 + random() * 50, 2)::DOUBLE AS price,
               CASE i % 3 WHEN 0 THEN 'buy' WHEN 1 THEN 'sell' ELSE 'ask' END AS side,
               md5(i::VARCHAR) AS note,
               CASE WHEN (${f} = 0 AND i < 2048 AND i % 5 = 0) OR (${f} = 1 AND i >= 8192 AND i % 7 = 0)
                    THEN NULL ELSE (i % 13) * 0.25 END::DOUBLE AS spread,
               TIMESTAMP '2025-11-26 00:00:00' + to_microseconds(i * 1000) AS ts,
               (i % 2 = 0) AS flag,
               (i * 1.125)::DECIMAL(18, 3) AS amount,
               CASE WHEN i % 11 = 0 THEN NULL ELSE i % 100 END::INTEGER AS small
        FROM range(10000) t(i))
        TO '${dir}/part-${f}.parquet' (FORMAT parquet, ROW_GROUP_SIZE 2048, COMPRESSION zstd)`);
    }
  }
} else if (mode === 'chunks') {
  const reader = await con.runAndReadAll(`
    SELECT path_in_schema, compression, encodings, total_compressed_size, num_values,
           stats_min_value, stats_max_value, stats_null_count, row_group_num_rows
    FROM parquet_metadata('${glob}')`);
  const lines = reader.getRowObjectsJson().map((row) => JSON.stringify(row));
  lines.sort();
  console.log(lines.join('\n'));
} else if (mode === 'rows') {
  console.log((await rowsOf(`SELECT * FROM read_parquet('${glob}', hive_partitioning = false)`)).join('\n'));
} else if (mode === 'expect') {
  await con.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${glob}', hive_partitioning = false)`);
  console.log((await rowsOf(sql)).join('\n'));
} else if (mode === 'write') {
  // The rows of SQL_SELECT over ROOT (as `t`) into the Parquet file named by the 5th argument.
  const out = process.argv[5];
  await con.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${glob}', hive_partitioning = false)`);
  await con.run(`COPY (${sql}) TO '${out}' (FORMAT parquet)`);
} else if (mode === 'summary') {
  // The same few aggregates from DuckDB and from Polars, so both readers are checked.
  const reader = await con.runAndReadAll(`
    SELECT count(*)::BIGINT AS n, sum(id)::BIGINT AS ids, count(*) FILTER (spread IS NULL)::BIGINT AS nulls,
           round(sum(spread), 6)::DOUBLE AS spreads
    FROM read_parquet('${glob}', hive_partitioning = false)`);
  const row = reader.getRowObjectsJson()[0];
  const pl = (await import('nodejs-polars')).default;
  const frame = pl.scanParquet(glob, { hivePartitioning: false }).collectSync();
  const polars = {
    n: String(frame.height),
    ids: String(frame.getColumn('id').sum()),
    nulls: String(frame.getColumn('spread').nullCount()),
    spreads: Math.round(frame.getColumn('spread').sum() * 1e6) / 1e6,
  };
  const duck = { n: String(row.n), ids: String(row.ids), nulls: String(row.nulls), spreads: Number(row.spreads) };
  if (JSON.stringify(duck) !== JSON.stringify(polars)) {
    console.error(`duckdb ${JSON.stringify(duck)} but polars ${JSON.stringify(polars)}`);
    process.exit(1);
  }
  console.log(JSON.stringify(duck));
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
