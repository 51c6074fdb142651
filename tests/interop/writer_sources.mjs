// writer_sources.mjs OUTDIR — writes the peer side of the writer interoperability matrix.
//
// DuckDB writes one table holding every type FluxForge maps (signed and unsigned integers of
// every width, FLOAT/DOUBLE with NaN, -0.0 and infinities, short, long and high-cardinality
// strings, binary, DATE, TIME, TIMESTAMP in ms/us/ns with and without time zone, DECIMAL on
// INT32/INT64/FIXED_LEN_BYTE_ARRAY, UUID, an all-null column, and nested lists, structs,
// maps, lists of lists and lists of structs), with 0 %, about 25 % and 100 % nulls, in
// several row groups, once per codec x data page version x dictionary on/off:
//   OUTDIR/duckdb_<codec>_v<1|2>_<dict|plain>.parquet
// Polars writes a table of its own types (integers, floats, strings, booleans, dates,
// datetimes with and without time zone, lists, structs) once per codec:
//   OUTDIR/polars_<codec>.parquet
// DuckDB also writes market data shaped like the benchmark's trades, for the writer's choice
// of value encodings: a +1 trade id, rising timestamps, a rising INT64 decimal, INT32 and
// INT64 series with their type's extremes sprinkled in (deltas that wrap), high-entropy
// DOUBLE and FLOAT sizes with NaN, infinities, -0.0 and nulls, and prices on a cent grid:
//   OUTDIR/market_zstd.parquet
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { DuckDBInstance } = await import('@duckdb/node-api');
const pl = require('nodejs-polars');

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node writer_sources.mjs OUTDIR');
  process.exit(2);
}

const ROWS = 3000;
const table = `
SELECT
  i::INTEGER AS id,
  CASE WHEN i % 4 = 1 THEN NULL ELSE i % 3 = 0 END AS b,
  CASE WHEN i % 4 = 2 THEN NULL ELSE ((hash(i) % 256)::INTEGER - 128)::TINYINT END AS i8,
  ((hash(i) % 65536)::INTEGER - 32768)::SMALLINT AS i16,
  CASE WHEN i % 5 = 0 THEN NULL ELSE ((hash(i) % 4294967296)::BIGINT - 2147483648)::INTEGER END AS i32,
  CASE WHEN i % 4 = 3 THEN NULL ELSE (hash(i) >> 1)::BIGINT - 4611686018427387904 END AS i64,
  (hash(i) % 256)::UTINYINT AS u8,
  (hash(i + 1) % 65536)::USMALLINT AS u16,
  (hash(i + 2) % 4294967296)::UINTEGER AS u32,
  hash(i + 3) AS u64,
  CASE i % 40 WHEN 0 THEN 'nan'::FLOAT WHEN 1 THEN '-0.0'::FLOAT WHEN 2 THEN 'inf'::FLOAT
              WHEN 3 THEN NULL ELSE ((hash(i) % 100000)::FLOAT / 7 - 5000) END AS f32,
  CASE i % 40 WHEN 0 THEN 'nan'::DOUBLE WHEN 1 THEN '-0.0'::DOUBLE WHEN 5 THEN '-inf'::DOUBLE
              WHEN 3 THEN NULL ELSE ((hash(i) % 1000000)::DOUBLE / 13 - 30000) END AS f64,
  'sym' || (i % 37) AS s_low,
  CASE WHEN i % 4 = 0 THEN NULL ELSE md5(i::VARCHAR) END AS s_high,
  repeat(chr(97 + (i % 26)::INTEGER), ((i * 7) % 200)::INTEGER) || 'é' AS s_long,
  CASE WHEN i % 6 = 0 THEN NULL ELSE unhex(md5(i::VARCHAR)) END AS bin,
  DATE '1970-01-01' + ((hash(i) % 40000)::INTEGER - 20000) AS d,
  TIME '00:00:00' + to_microseconds((hash(i) % 86400000000)::BIGINT) AS t_us,
  TIMESTAMP '1990-01-01' + to_microseconds((hash(i) % 1000000000000000)::BIGINT) AS ts_us,
  (TIMESTAMP '1990-01-01' + to_milliseconds((hash(i) % 1000000000000)::BIGINT))::TIMESTAMP_MS AS ts_ms,
  (TIMESTAMP '1990-01-01' + to_microseconds((hash(i) % 1000000000000000)::BIGINT))::TIMESTAMP_NS AS ts_ns,
  (TIMESTAMPTZ '1990-01-01 00:00:00+00' + to_microseconds((hash(i) % 1000000000000000)::BIGINT)) AS ts_tz,
  CASE WHEN i % 4 = 1 THEN NULL ELSE (((hash(i) % 20000)::INTEGER - 10000) / 10)::DECIMAL(5,1) END AS dec32,
  (((hash(i) % 2000000000000)::BIGINT - 1000000000000) / 1000)::DECIMAL(18,3) AS dec64,
  (((hash(i) >> 2)::HUGEINT * 1000003 - 2305843009213693952000000) / 10000)::DECIMAL(30,4) AS dec128,
  md5(i::VARCHAR)::UUID AS uuid,
  NULL::INTEGER AS all_null,
  CASE WHEN i % 7 = 0 THEN NULL WHEN i % 7 = 1 THEN [] ELSE [i::INTEGER, NULL, (i % 5)::INTEGER] END AS l_int,
  CASE WHEN i % 9 = 0 THEN NULL ELSE {'a': i, 'b': CASE WHEN i % 2 = 0 THEN NULL ELSE 'x' || i END} END AS st,
  CASE WHEN i % 8 = 0 THEN NULL ELSE MAP {'k' || (i % 3): i::INTEGER, 'z': NULL} END AS m,
  CASE WHEN i % 10 = 0 THEN NULL ELSE [[i, NULL], NULL, []] END AS ll,
  [{'x': i, 'y': CASE WHEN i % 3 = 0 THEN NULL ELSE 'q' END}] AS l_st
FROM range(${ROWS}) r(i)`;

const duckCodecs = ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4_raw', 'brotli'];
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await instance.connect();
await con.run(`CREATE TABLE t AS ${table}`);
for (const codec of duckCodecs)
  for (const version of [1, 2])
    for (const dict of [true, false]) {
      // DuckDB's BROTLI is slow; one file is enough to cover the codec.
      if (codec === 'brotli' && (version !== 1 || !dict)) continue;
      const file = path.join(outDir, `duckdb_${codec}_v${version}_${dict ? 'dict' : 'plain'}.parquet`);
      const options = [`FORMAT parquet`, `COMPRESSION ${codec}`, `PARQUET_VERSION V${version}`,
                       `ROW_GROUP_SIZE 1024`];
      if (!dict) options.push('DICTIONARY_SIZE_LIMIT 1');
      await con.run(`COPY t TO '${file}' (${options.join(', ')})`);
    }

const MARKET_ROWS = 5000;
await con.run(`COPY (
SELECT
  (473225104 + i)::BIGINT AS trade_id,
  TIMESTAMPTZ '2024-03-01 00:00:00+00' + to_microseconds((i * 100000 + hash(i) % 100000)::BIGINT) AS time,
  ((i * 1.25)::DECIMAL(18,3)) AS amount,
  CASE WHEN i % 17 = 5 THEN NULL WHEN i % 500 = 13 THEN -2147483648 WHEN i % 500 = 250 THEN 2147483647
       ELSE (i * 3)::INTEGER END AS seq,
  CASE WHEN i % 500 = 13 THEN -9223372036854775808 WHEN i % 500 = 250 THEN 9223372036854775807
       ELSE i::BIGINT END AS extremes,
  CASE i % 50 WHEN 7 THEN 'nan'::DOUBLE WHEN 8 THEN '-0.0'::DOUBLE WHEN 9 THEN 'inf'::DOUBLE
              WHEN 10 THEN '-inf'::DOUBLE WHEN 11 THEN NULL
              ELSE (hash(i) % 100000000)::DOUBLE / 100000000 * 3 END AS size,
  CASE i % 50 WHEN 7 THEN 'nan'::FLOAT WHEN 8 THEN '-0.0'::FLOAT WHEN 11 THEN NULL
              ELSE ((hash(i + 7) % 16777216)::FLOAT / 16777216 + 1) * 1000 END AS size32,
  (6200000 + sum((hash(i + 3) % 11)::INTEGER - 5) OVER (ORDER BY i))::DOUBLE / 100 AS price
FROM range(${MARKET_ROWS}) r(i)
ORDER BY i) TO '${path.join(outDir, 'market_zstd.parquet')}' (FORMAT parquet, COMPRESSION zstd)`);

// Polars: its own in-memory types, built in JavaScript.
const n = 2000;
const ints = Array.from({ length: n }, (_, i) => (i % 4 === 1 ? null : ((i * 2654435761) % 2000003) - 1000000));
const floats = Array.from({ length: n }, (_, i) =>
  i % 50 === 0 ? NaN : i % 50 === 1 ? -0.0 : i % 50 === 2 ? null : ((i * 7919) % 100003) / 7 - 5000);
const strings = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : `s${(i * 31) % 97}${'é'.repeat(i % 3)}`));
const bools = Array.from({ length: n }, (_, i) => (i % 6 === 0 ? null : i % 2 === 0));
const lists = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : [i, i + 1, i % 3]));
let df = pl.DataFrame({ id: Array.from({ length: n }, (_, i) => i), v: ints, f: floats, s: strings, b: bools, l: lists });
df = df.withColumns(
  pl.col('v').cast(pl.Int8).alias('i8'),
  pl.col('v').cast(pl.Int16).alias('i16'),
  pl.col('v').cast(pl.Int32).alias('i32'),
  pl.col('v').abs().cast(pl.UInt8).alias('u8'),
  pl.col('v').abs().cast(pl.UInt16).alias('u16'),
  pl.col('v').abs().cast(pl.UInt32).alias('u32'),
  pl.col('v').abs().cast(pl.UInt64).alias('u64'),
  pl.col('f').cast(pl.Float32).alias('f32'),
  pl.col('v').cast(pl.Date).alias('d'),
  pl.col('v').cast(pl.Int64).mul(1000003).cast(pl.Datetime('ms')).alias('ts_ms'),
  pl.col('v').cast(pl.Int64).mul(1000000007).cast(pl.Datetime('us', 'UTC')).alias('ts_us_utc'),
  pl.col('v').cast(pl.Int64).mul(1000000007).cast(pl.Datetime('ns')).alias('ts_ns'),
  pl.lit(null).cast(pl.Int64).alias('all_null'),
);
df = df.withColumns(pl.struct([pl.col('i32'), pl.col('s')]).alias('st'));
for (const codec of ['uncompressed', 'snappy', 'gzip', 'brotli', 'lz4', 'zstd'])
  df.writeParquet(path.join(outDir, `polars_${codec}.parquet`), { compression: codec });
