// writer_interop.mjs WORKDIR FF_CLI MAKE_EXPECTED — the writer's interoperability matrix.
//
// WORKDIR holds the peer files of writer_sources.mjs. MAKE_EXPECTED is the corpus script that
// renders a file's rows canonically with DuckDB and sums them into the content fingerprint
// (../shared/corpus/README.md), the same fingerprint `fluxforge fingerprint` computes.
//
// 1. Peer files read by FluxForge exactly: every DuckDB and Polars file (every codec, data
//    page v1/v2, dictionary on/off, nested columns) has the fingerprint DuckDB gives its table.
// 2. FluxForge files read by DuckDB and Polars exactly: `fluxforge copy` rewrites a DuckDB file
//    (v2 pages with DELTA encodings) and a Polars file under every codec x page version x
//    dictionary on/off, and the market file under three codecs x page version x dictionary,
//    plus once with `--encoding plain`. The market copies must use the value encodings the
//    writer chooses (4. below), so DuckDB and Polars decode FluxForge's DELTA_BINARY_PACKED and
//    BYTE_STREAM_SPLIT pages, extremes and special floats included. For each copy: FluxForge's fingerprint equals the source's; DuckDB
//    reads the same rows as from the source (EXCEPT ALL both ways, with row numbers, and the
//    same column types) and, for one copy per page version and dictionary setting, the
//    canonical fingerprint; Polars reads a frame equal to the one it reads from the source.
// 3. Statistics: for every flat column of every row group of every copy, DuckDB's
//    parquet_metadata() min/max/null count equal the values DuckDB computes from the rows
//    (NaN ignored; a truncated byte-string bound brackets the true one).
// 4. Encodings of the market copies, from DuckDB's parquet_metadata(): the integer series are
//    DELTA_BINARY_PACKED; the sizes BYTE_STREAM_SPLIT when compressed (PLAIN without
//    compression); the cent-grid prices never BYTE_STREAM_SPLIT; and `--encoding plain`
//    leaves neither encoding anywhere.
// Exit status 0 when everything matched; 1 with the mismatches listed otherwise.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { DuckDBInstance } = await import('@duckdb/node-api');
const pl = require('nodejs-polars');

const [workDir, ffCli, makeExpected] = process.argv.slice(2);
if (!workDir || !ffCli || !makeExpected) {
  console.error('usage: node writer_interop.mjs WORKDIR FF_CLI MAKE_EXPECTED');
  process.exit(2);
}

const failures = [];
let checks = 0;
function expect(ok, what) {
  checks++;
  if (!ok) {
    failures.push(what);
    console.error(`MISMATCH: ${what}`);
  }
}

function ffFingerprint(file) {
  return execFileSync(ffCli, ['fingerprint', file], { encoding: 'utf8' }).trim();
}
function duckdbChecksum(file) {
  const out = execFileSync('node', [makeExpected, '--reader=duckdb', '--rows=0', file],
                           { encoding: 'utf8', cwd: path.dirname(new URL(import.meta.url).pathname),
                             maxBuffer: 1 << 28 });
  return JSON.parse(out).checksum;
}
const sq = (s) => `'${s.replaceAll("'", "''")}'`;

const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await instance.connect();
async function rows(sql) {
  return (await con.runAndReadAll(sql)).getRows();
}

// ---- 1. peer files read by FluxForge ----
const peerFiles = fs.readdirSync(workDir).filter((f) => f.endsWith('.parquet')).sort();
const reference = {};
for (const peer of ['duckdb', 'polars', 'market']) {
  const base = peerFiles.find((f) => f.startsWith(`${peer}_zstd`));
  reference[peer] = duckdbChecksum(path.join(workDir, base));
}
for (const file of peerFiles) {
  const peer = file.split('_')[0];
  const got = ffFingerprint(path.join(workDir, file));
  expect(got === reference[peer], `${file}: FluxForge fingerprint ${got}, DuckDB ${reference[peer]}`);
}

// ---- 2. FluxForge copies read by DuckDB and Polars ----
const ffDir = path.join(workDir, 'fluxforge');
fs.mkdirSync(ffDir, { recursive: true });
const codecs = ['none', 'snappy', 'gzip', 'brotli', 'zstd', 'lz4_raw'];
const sources = [['duckdb_zstd_v2_plain.parquet', codecs], ['polars_zstd.parquet', codecs],
                 ['market_zstd.parquet', ['none', 'snappy', 'zstd']]];
const copies = [];
function copyFile(source, codec, version, dict, encoding) {
  const name = `${source.replace('.parquet', '')}__${codec}_v${version}_${dict ? 'dict' : 'plain'}` +
               `${encoding === 'plain' ? '_plainenc' : ''}.parquet`;
  const out = path.join(ffDir, name);
  const args = ['copy', path.join(workDir, source), out, '--compression', codec,
                '--page-version', String(version), '--row-group-rows', '1000'];
  if (!dict) args.push('--no-dictionary');
  if (codec === 'zstd' && !source.startsWith('market')) args.push('--bloom-filter', 'id');
  if (encoding) args.push('--encoding', encoding);
  execFileSync(ffCli, args, { encoding: 'utf8' });
  copies.push({ source, out, name, version, dict, codec, encoding: encoding ?? 'auto' });
}
for (const [source, sourceCodecs] of sources)
  for (const codec of sourceCodecs)
    for (const version of [1, 2])
      for (const dict of [true, false])
        copyFile(source, codec, version, dict);
copyFile('market_zstd.parquet', 'zstd', 2, false, 'plain');

const polarsFrames = {};
for (const copy of copies) {
  const src = path.join(workDir, copy.source);
  const peer = copy.source.split('_')[0];
  const got = ffFingerprint(copy.out);
  expect(got === reference[peer], `${copy.name}: FluxForge fingerprint ${got}, source ${reference[peer]}`);

  // DuckDB: same column types, same rows at the same positions.
  const srcTypes = (await rows(`DESCRIBE SELECT * FROM read_parquet(${sq(src)})`)).map((r) => `${r[0]} ${r[1]}`);
  const ffTypes = (await rows(`DESCRIBE SELECT * FROM read_parquet(${sq(copy.out)})`)).map((r) => `${r[0]} ${r[1]}`);
  expect(srcTypes.join() === ffTypes.join(), `${copy.name}: DuckDB types ${ffTypes.join()} differ from the source's`);
  const read = (f) => `SELECT * FROM read_parquet(${sq(f)}, file_row_number = true)`;
  const [[extra]] = await rows(`SELECT count(*) FROM (${read(copy.out)} EXCEPT ALL ${read(src)})`);
  const [[missing]] = await rows(`SELECT count(*) FROM (${read(src)} EXCEPT ALL ${read(copy.out)})`);
  expect(Number(extra) === 0 && Number(missing) === 0,
         `${copy.name}: DuckDB reads ${extra} rows not in the source and misses ${missing}`);
  if (copy.codec === codecs[(copy.version * 2 + (copy.dict ? 1 : 0)) % codecs.length] ||
      (peer === 'market' && copy.codec === 'zstd')) {
    const canonical = duckdbChecksum(copy.out);
    expect(canonical === reference[peer], `${copy.name}: DuckDB canonical fingerprint ${canonical}, expected ${reference[peer]}`);
  }

  // Polars: the frame equals the source's frame, dtypes included (nodejs-polars cannot list
  // Binary dtypes in JavaScript, so those columns are compared by value only).
  polarsFrames[src] ??= pl.readParquet(src);
  const frame = pl.readParquet(copy.out);
  const want = polarsFrames[src];
  const listable = srcTypes.filter((t) => !/ (BLOB|UUID)$/.test(t)).map((t) => t.split(' ')[0]);
  const dtypes = (df) => df.select(...listable).dtypes.map(String).join();
  expect(dtypes(frame) === dtypes(want), `${copy.name}: Polars dtypes ${dtypes(frame)} differ`);
  expect(frame.frameEqual(want, true), `${copy.name}: Polars frame differs from the source's`);

  // ---- 3. statistics against the data ----
  const describe = await rows(`DESCRIBE SELECT * FROM read_parquet(${sq(copy.out)})`);
  const flat = describe.filter((r) => !/[\[\]]|STRUCT|MAP/.test(r[1]));
  const aggregates = [];
  for (const [name, type] of flat) {
    const q = `"${name}"`;
    const isFloat = type === 'FLOAT' || type === 'DOUBLE';
    const filter = isFloat ? ` FILTER (WHERE NOT isnan(${q}))` : '';
    aggregates.push(`min(${q})${filter}::VARCHAR`, `max(${q})${filter}::VARCHAR`, `count(*) - count(${q})`);
  }
  const data = await rows(`SELECT file_row_number // 1000 AS g, ${aggregates.join(', ')}
                           FROM read_parquet(${sq(copy.out)}, file_row_number = true) GROUP BY g ORDER BY g`);
  const cases = flat.map(([name, type]) => `WHEN ${sq(name)} THEN TRY_CAST(TRY_CAST(stats_min_value AS ${type}) AS VARCHAR)`);
  const casesMax = flat.map(([name, type]) => `WHEN ${sq(name)} THEN TRY_CAST(TRY_CAST(stats_max_value AS ${type}) AS VARCHAR)`);
  const metadata = await rows(`SELECT row_group_id, path_in_schema, CASE path_in_schema ${cases.join(' ')} END,
                                      CASE path_in_schema ${casesMax.join(' ')} END, stats_null_count,
                                      min_is_exact, max_is_exact, type
                               FROM parquet_metadata(${sq(copy.out)})`);
  const stats = new Map(metadata.map((r) => [`${r[0]}/${r[1]}`, r]));
  for (const row of data) {
    const g = Number(row[0]);
    flat.forEach(([name, type], idx) => {
      const [min, max, nulls] = row.slice(1 + idx * 3, 4 + idx * 3);
      const st = stats.get(`${g}/${name}`);
      const where = `${copy.name}: row group ${g}: column ${name}`;
      if (!st) return expect(false, `${where}: no metadata`);
      const [, , smin, smax, snulls, minExact, maxExact, physical] = st;
      expect(Number(snulls) === Number(nulls), `${where}: null count ${snulls}, data ${nulls}`);
      if (physical === 'INT96') return;
      // DuckDB shows an infinite float bound as NULL (it does not use such bounds).
      const same = (a, b) => a === b || (a !== null && b !== null && Number(a) === Number(b) && !Number.isNaN(Number(a))) ||
                             (a === null && /^-?inf$/i.test(b ?? ''));
      if (minExact === false) expect(smin !== null && min !== null && min.startsWith(smin), `${where}: truncated min ${smin} is not a prefix of ${min}`);
      else expect(same(smin, min), `${where}: min ${smin}, data ${min}`);
      if (maxExact === false) expect(smax !== null && max !== null && smax > max.slice(0, smax.length), `${where}: truncated max ${smax} is below ${max}`);
      else expect(same(smax, max), `${where}: max ${smax}, data ${max}`);
    });
  }
}

// ---- 4. value encodings of the market copies ----
for (const copy of copies.filter((c) => c.source.startsWith('market'))) {
  const meta = await rows(`SELECT path_in_schema, list(DISTINCT e ORDER BY e)::VARCHAR
                           FROM (SELECT path_in_schema, unnest(string_split(encodings, ', ')) AS e
                                 FROM parquet_metadata(${sq(copy.out)}))
                           GROUP BY path_in_schema`);
  const encodings = new Map(meta.map(([column, list]) => [column, list]));
  const has = (column, encoding) => (encodings.get(column) ?? '').includes(encoding);
  const where = `${copy.name}: encodings ${JSON.stringify(Object.fromEntries(encodings))}`;
  if (copy.encoding === 'plain') {
    expect(![...encodings.values()].some((l) => /DELTA_BINARY_PACKED|BYTE_STREAM_SPLIT/.test(l)),
           `${where}: --encoding plain wrote DELTA_BINARY_PACKED or BYTE_STREAM_SPLIT`);
    continue;
  }
  for (const column of ['trade_id', 'time', 'amount', 'seq', 'extremes'])
    expect(has(column, 'DELTA_BINARY_PACKED'), `${where}: ${column} is not DELTA_BINARY_PACKED`);
  for (const column of ['size', 'size32'])
    expect(has(column, 'BYTE_STREAM_SPLIT') === (copy.codec !== 'none'),
           `${where}: ${column} ${copy.codec === 'none' ? 'is' : 'is not'} BYTE_STREAM_SPLIT`);
  expect(!has('price', 'BYTE_STREAM_SPLIT'), `${where}: price is BYTE_STREAM_SPLIT`);
}

console.log(`writer interop: ${peerFiles.length} peer files, ${copies.length} FluxForge copies, ${checks} checks, ${failures.length} mismatches`);
process.exit(failures.length ? 1 : 0);
