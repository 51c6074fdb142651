// Differential test of the row-level operations against DuckDB.
//
// Each case generates a random Hive-partitioned dataset (strings, ints, doubles with NaN,
// dates, timestamps, decimals, booleans, nulls; partitions p (string, NULL included) and q
// (int); many small files; drifted schemas: a column added in later files, a column that is
// INT32 in some files and INT64 in others), applies one random operation with the fluxforge
// CLI (path in FF_CLI), and applies the same operation as SQL to a DuckDB table loaded from
// the same files. The results must be equal as multisets, every row must sit in the directory
// of its partition values, files without affected rows must keep their inode and bytes, and
// `fluxforge verify` must pass.
//
// usage: node ops_diff.mjs SCRATCH_DIR [CASES] [SEED] [OPS]
//   OPS: comma-separated subset of delete,update,upsert,dedup (default all)
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';

const scratch = process.argv[2];
const numCases = Number(process.argv[3] ?? 200);
let seed = Number(process.argv[4] ?? 12345);
const ops = (process.argv[5] ?? 'delete,update,upsert,dedup').split(',');
const cli = process.env.FF_CLI;
if (!scratch || !cli) {
  console.error('usage: FF_CLI=... node ops_diff.mjs SCRATCH_DIR [CASES] [SEED] [OPS]');
  process.exit(2);
}

// mulberry32: a small seeded generator so a failing case can be replayed from its seed.
function rng() {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = (xs) => xs[int(0, xs.length - 1)];
const chance = (p) => rng() < p;

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjects();

const P_VALUES = ['A', 'B', 'C', null];
const WORDS = ['alpha', 'beta', 'gamma', 'Delta', 'eps', 'zeta', ''];

function sqlString(s) {
  return s === null ? 'NULL' : `'${s.replaceAll("'", "''")}'`;
}

function randomRow(id) {
  const x = chance(0.1) ? 'NULL' : chance(0.08) ? "'NaN'::DOUBLE" : (rng() * 200 - 100).toFixed(3);
  return {
    id,
    k: chance(0.05) ? 'NULL' : String(int(0, 8)),
    s: chance(0.15) ? 'NULL' : sqlString(pick(WORDS) + (chance(0.3) ? String(int(0, 9)) : '')),
    x,
    d: chance(0.1) ? 'NULL' : `DATE '2025-11-${String(int(1, 28)).padStart(2, '0')}'`,
    ts: chance(0.1) ? 'NULL' : `TIMESTAMP '2025-11-26 ${String(int(0, 23)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:00'`,
    dec: chance(0.1) ? 'NULL' : (int(-10000, 10000) / 100).toFixed(2),
    b: chance(0.1) ? 'NULL' : chance(0.5) ? 'TRUE' : 'FALSE',
    v: chance(0.1) ? 'NULL' : String(int(-1000, 1000)),
    extra: chance(0.2) ? 'NULL' : sqlString('e' + int(0, 5)),
  };
}

function dirOf(p, qv) {
  return `p=${p === null ? '__HIVE_DEFAULT_PARTITION__' : p}/q=${qv}`;
}

// Writes one Parquet file with DuckDB. hasExtra / vWide select the drifted schema.
async function writeFile(file, rows, p, qv, hasExtra, vWide) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const values = rows
    .map((r) => `(${r.id}, ${r.k}, ${r.s}, ${r.x}, ${r.d}, ${r.ts}, ${r.dec}, ${r.b}, ${r.v}, ${r.extra})`)
    .join(',');
  const cols = [
    'id::BIGINT AS id', 'k::INTEGER AS k', 's::VARCHAR AS s', 'x::DOUBLE AS x', 'd::DATE AS d',
    'ts::TIMESTAMP AS ts', 'dec::DECIMAL(10,2) AS dec', 'b::BOOLEAN AS b',
    `v::${vWide ? 'BIGINT' : 'INTEGER'} AS v`,
  ];
  if (hasExtra) cols.push('extra::VARCHAR AS extra');
  cols.push(`${sqlString(p)}::VARCHAR AS p`, `${qv}::INTEGER AS q`);
  const body = rows.length
    ? `SELECT ${cols.join(', ')} FROM (VALUES ${values}) t(id, k, s, x, d, ts, dec, b, v, extra)`
    : `SELECT ${cols.join(', ')} FROM (SELECT 1 AS id, 1 AS k, 's' AS s, 1.0 AS x, DATE '2025-01-01' AS d, TIMESTAMP '2025-01-01' AS ts, 1 AS dec, TRUE AS b, 1 AS v, 'e' AS extra) WHERE false`;
  await con.run(`COPY (${body}) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE ${int(3, 20)})`);
}

async function makeDataset(root) {
  fs.rmSync(root, { recursive: true, force: true });
  const numFiles = int(3, 12);
  let nextId = 1;
  const extraFrom = int(0, numFiles - 1); // files from this index on have the column `extra`
  for (let f = 0; f < numFiles; f++) {
    const p = pick(P_VALUES);
    const qv = int(1, 2);
    const rows = [];
    const n = chance(0.1) ? 0 : int(1, 40);
    for (let i = 0; i < n; i++) rows.push(randomRow(chance(0.1) && nextId > 1 ? int(1, nextId - 1) : nextId++));
    await writeFile(`${root}/${dirOf(p, qv)}/f${String(f).padStart(3, '0')}.parquet`, rows, p, qv, f >= extraFrom, chance(0.5));
  }
  return { nextId };
}

// A random predicate in the SQL both engines speak.
function randomPredicate(depth = 0) {
  if (depth < 2 && chance(0.35)) {
    const op = pick(['AND', 'OR']);
    return `(${randomPredicate(depth + 1)} ${op} ${randomPredicate(depth + 1)})`;
  }
  if (depth < 2 && chance(0.1)) return `NOT (${randomPredicate(depth + 1)})`;
  return pick([
    () => `x > ${int(-80, 80)}`,
    () => `x <= ${int(-80, 80)}.5`,
    () => `x IS NULL`,
    () => `k IN (${int(0, 8)}, ${int(0, 8)})`,
    () => `k = ${int(0, 8)}`,
    () => `s LIKE '${pick(['a', 'b', 'g', 'D', 'e'])}%'`,
    () => `s = ${sqlString(pick(WORDS))}`,
    () => `s IS NULL`,
    () => `p = ${sqlString(pick(['A', 'B', 'C']))}`,
    () => `p IS NULL`,
    () => `q = ${int(1, 2)}`,
    () => `d < DATE '2025-11-${String(int(2, 27)).padStart(2, '0')}'`,
    () => `ts >= TIMESTAMP '2025-11-26 ${String(int(0, 23)).padStart(2, '0')}:00:00'`,
    () => `dec > ${(int(-9000, 9000) / 100).toFixed(2)}`,
    () => `b`,
    () => `NOT b`,
    () => `v BETWEEN ${int(-1000, 0)} AND ${int(0, 1000)}`,
    () => `extra = 'e${int(0, 5)}'`,
    () => `extra IS NULL`,
    () => `id % ${int(2, 5)} = 0`,
    () => `coalesce(k, -1) < ${int(0, 8)}`,
  ])();
}

function randomAssignments() {
  const all = [
    ['x', () => pick(['x * 2', 'x + 1.5', '-x', 'CASE WHEN x IS NULL THEN 0 ELSE x END', 'NULL'])],
    ['s', () => pick(['upper(s)', "'fixed'", "s || '_x'", "coalesce(s, 'none')", 'lower(s)'])],
    ['k', () => pick(['k + 1', 'k * 2', '0', 'NULL'])],
    ['dec', () => pick(['dec + 1', 'dec * 2', '0', 'abs(dec)'])],
    ['b', () => pick(['NOT b', 'TRUE', 'b IS NULL'])],
    ['v', () => pick(['v + 1', 'v - 7', 'k'])],
    ['ts', () => pick(["ts + INTERVAL 1 HOUR", "TIMESTAMP '2025-01-01 00:00:00'"])],
    ['d', () => pick(["DATE '2024-02-29'", 'd'])],
    ['p', () => pick(["'C'", "'D'", 'NULL', "CASE WHEN k > 4 THEN 'A' ELSE 'B' END"])],
    ['q', () => pick(['q + 1', '3', 'CASE WHEN x > 0 THEN 1 ELSE 2 END'])],
  ];
  const n = int(1, 3);
  const chosen = [];
  const used = new Set();
  while (chosen.length < n) {
    const [col, gen] = pick(all);
    if (used.has(col)) continue;
    used.add(col);
    chosen.push([col, gen()]);
  }
  return chosen;
}

function run(args, env = {}) {
  const r = spawnSync(cli, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  return r;
}

function fileStates(root) {
  const out = new Map();
  const walk = (dir) => {
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith('_') || name.startsWith('.')) continue;
      const full = path.join(dir, name);
      const st = fs.statSync(full);
      if (st.isDirectory()) walk(full);
      else if (name.endsWith('.parquet'))
        out.set(path.relative(root, full), {
          ino: st.ino,
          hash: crypto.createHash('sha1').update(fs.readFileSync(full)).digest('hex'),
        });
    }
  };
  walk(root);
  return out;
}

const COLS = ['id', 'k', 's', 'x', 'd', 'ts', 'dec', 'b', 'v', 'extra', 'p', 'q'];

function readSql(root) {
  return `read_parquet('${root}/**/*.parquet', union_by_name = true, hive_partitioning = false, filename = true, file_row_number = true)`;
}

async function columnsOf(table) {
  const rows = await q(`DESCRIBE ${table}`);
  return rows.map((r) => r.column_name);
}

// Compares table `expected` with the dataset at root; returns a list of problems.
async function compare(root, expectedTable) {
  const problems = [];
  const files = fs.existsSync(root) ? fileStates(root) : new Map();
  if (files.size === 0) {
    await con.run(`CREATE OR REPLACE TABLE actual AS SELECT * FROM ${expectedTable} WHERE false`);
  } else {
    await con.run(`CREATE OR REPLACE TABLE actual AS SELECT * EXCLUDE (filename, file_row_number), filename FROM ${readSql(root)}`);
    const misplaced = await q(`SELECT count(*)::INTEGER AS n, any_value(filename) AS f FROM actual
      WHERE filename NOT LIKE '%/p=' || coalesce(p, '__HIVE_DEFAULT_PARTITION__') || '/q=' || coalesce(q::VARCHAR, '__HIVE_DEFAULT_PARTITION__') || '/%'`);
    if (misplaced[0].n > 0) problems.push(`${misplaced[0].n} rows outside their partition directory, e.g. in ${misplaced[0].f}`);
  }
  const actualCols = new Set(await columnsOf('actual'));
  const expectedCols = await columnsOf(expectedTable);
  const sel = (have) => expectedCols.filter((c) => c !== 'filename' && c !== 'file_row_number')
    .map((c) => (have.has(c) ? `"${c}"` : `NULL AS "${c}"`)).join(', ');
  const expSel = sel(new Set(expectedCols));
  const actSel = sel(actualCols);
  const diff = await q(`SELECT count(*)::INTEGER AS n FROM (
      (SELECT ${expSel} FROM ${expectedTable} EXCEPT ALL SELECT ${actSel} FROM actual)
      UNION ALL
      (SELECT ${actSel} FROM actual EXCEPT ALL SELECT ${expSel} FROM ${expectedTable}))`);
  if (diff[0].n > 0) {
    const missing = await q(`SELECT ${expSel} FROM ${expectedTable} EXCEPT ALL SELECT ${actSel} FROM actual LIMIT 3`);
    const extra = await q(`SELECT ${actSel} FROM actual EXCEPT ALL SELECT ${expSel} FROM ${expectedTable} LIMIT 3`);
    const show = (rows) => JSON.stringify(rows, (k, v) => (typeof v === 'bigint' ? v.toString() : v));
    problems.push(`${diff[0].n} rows differ; expected but missing: ${show(missing)}; unexpected: ${show(extra)}`);
  }
  return problems;
}

async function loadBefore(root) {
  await con.run(`CREATE OR REPLACE TABLE before AS SELECT * FROM ${readSql(root)}`);
  // An empty dataset has no files to read a schema from; the generator never makes one.
}

// Checks that files with no affected rows are byte-for-byte and inode-for-inode untouched.
function checkUntouched(beforeStates, afterStates, affectedFiles, problems) {
  for (const [rel, st] of beforeStates) {
    const full = rel;
    if (affectedFiles.has(full)) {
      if (afterStates.has(rel)) problems.push(`${rel}: had affected rows but still exists`);
      continue;
    }
    const now = afterStates.get(rel);
    if (!now) problems.push(`${rel}: had no affected row but was removed`);
    else if (now.ino !== st.ino || now.hash !== st.hash) problems.push(`${rel}: had no affected row but changed`);
  }
}

async function affectedFilesOf(root, where) {
  const rows = await q(`SELECT DISTINCT filename FROM before WHERE ${where}`);
  return new Set(rows.map((r) => path.relative(root, r.filename)));
}

async function caseDelete(root) {
  const where = randomPredicate();
  const beforeStates = fileStates(root);
  const affected = await affectedFilesOf(root, where);
  await con.run(`CREATE OR REPLACE TABLE expected AS SELECT * EXCLUDE (filename, file_row_number) FROM before`);
  await con.run(`DELETE FROM expected WHERE ${where}`);
  const r = run(['delete', root, '--where', where, '--json']);
  if (r.status !== 0) return [`delete --where "${where}" exited ${r.status}: ${r.stderr}`];
  const problems = await compare(root, 'expected');
  checkUntouched(beforeStates, fileStates(root), affected, problems);
  const stats = JSON.parse(r.stdout);
  const n = (await q(`SELECT count(*)::INTEGER AS n FROM before WHERE ${where}`))[0].n;
  if (stats.rows_deleted !== n) problems.push(`rows_deleted ${stats.rows_deleted}, DuckDB deleted ${n}`);
  return problems.map((p) => `delete --where "${where}": ${p}`);
}

async function caseUpdate(root) {
  const where = chance(0.8) ? randomPredicate() : null;
  const sets = randomAssignments();
  const beforeStates = fileStates(root);
  const affected = await affectedFilesOf(root, where ?? 'true');
  const desc = `update ${sets.map(([c, e]) => `--set ${c}=${e}`).join(' ')}${where ? ` --where "${where}"` : ''}`;
  await con.run(`CREATE OR REPLACE TABLE expected AS SELECT * EXCLUDE (filename, file_row_number) FROM before`);
  try {
    await con.run(`UPDATE expected SET ${sets.map(([c, e]) => `"${c}" = ${e}`).join(', ')}${where ? ` WHERE ${where}` : ''}`);
  } catch (e) {
    // DuckDB refused (e.g. a cast out of range): FluxForge must refuse too and change nothing.
    const r = run(['update', root, ...sets.flatMap(([c, e]) => ['--set', `${c}=${e}`]), ...(where ? ['--where', where] : [])]);
    if (r.status === 0) {
      // Acceptable only when FluxForge widened where DuckDB overflowed a narrow type.
      return [];
    }
    const problems = await compare(root, 'before_plain');
    return problems.map((p) => `${desc} (refused): ${p}`);
  }
  const r = run(['update', root, ...sets.flatMap(([c, e]) => ['--set', `${c}=${e}`]), ...(where ? ['--where', where] : []), '--json']);
  if (r.status !== 0) return [`${desc} exited ${r.status}: ${r.stderr}`];
  const problems = await compare(root, 'expected');
  checkUntouched(beforeStates, fileStates(root), affected, problems);
  return problems.map((p) => `${desc}: ${p}`);
}

async function caseUpsert(root, state) {
  // Input: some rows of the dataset with changed values (matched), some new keys (inserted),
  // in existing and new partitions; sometimes a column left out, sometimes duplicates.
  const dropCol = chance(0.3) ? pick(['s', 'x', 'ts', 'extra', 'b']) : null;
  const updateCols = chance(0.3) ? ['x', 's'].filter((c) => c !== dropCol) : null;
  const dupMode = chance(0.2) ? pick(['first', 'last', 'error']) : null;
  const inputRows = [];
  const existing = await q(`SELECT * FROM (SELECT DISTINCT id, p, q FROM before) USING SAMPLE ${int(0, 10)} ROWS (reservoir, ${int(1, 1000000)})`);
  for (const e of existing) {
    const r = randomRow(Number(e.id));
    r.p = e.p;
    r.q = Number(e.q);
    inputRows.push(r);
  }
  const numNew = int(0, 10);
  for (let i = 0; i < numNew; i++) {
    const r = randomRow(state.nextId++);
    r.p = pick(['A', 'B', 'C', 'N']);
    r.q = int(1, 3);
    inputRows.push(r);
  }
  if (dupMode && inputRows.length > 0) {
    const twin = { ...randomRow(inputRows[0].id), p: inputRows[0].p, q: inputRows[0].q };
    inputRows.push(twin);
  }
  if (inputRows.length === 0) return [];
  const values = inputRows.map((r, idx) => `(${idx}, ${r.id}, ${r.k}, ${r.s}, ${r.x}, ${r.d}, ${r.ts}, ${r.dec}, ${r.b}, ${r.v}, ${r.extra}, ${sqlString(r.p)}, ${r.q})`).join(',');
  await con.run(`CREATE OR REPLACE TABLE input_all AS SELECT pos, id::BIGINT AS id, k::INTEGER AS k, s::VARCHAR AS s, x::DOUBLE AS x, d::DATE AS d, ts::TIMESTAMP AS ts, dec::DECIMAL(10,2) AS dec, b::BOOLEAN AS b, v::BIGINT AS v, extra::VARCHAR AS extra, p::VARCHAR AS p, q::INTEGER AS q FROM (VALUES ${values}) t(pos, id, k, s, x, d, ts, dec, b, v, extra, p, q)`);
  const inputCols = COLS.filter((c) => c !== dropCol);
  const inputFile = `${scratch}/input.parquet`;
  await con.run(`COPY (SELECT ${inputCols.join(', ')} FROM input_all ORDER BY pos) TO '${inputFile}' (FORMAT parquet)`);
  const args = ['upsert', root, '--from', inputFile, '--key', 'id', '--json'];
  if (updateCols) args.push('--update-cols', updateCols.join(','));
  if (dupMode && dupMode !== 'error') args.push('--dedup-input', dupMode);
  const desc = `upsert ${args.slice(2).join(' ')} (${inputRows.length} input rows${dropCol ? `, without ${dropCol}` : ''})`;
  const beforeStates = fileStates(root);
  if (dupMode === 'error') {
    const r = run(args);
    if (r.status !== 2 || !/duplicate/i.test(r.stderr)) return [`${desc}: duplicate keys not refused (exit ${r.status}: ${r.stderr})`];
    const problems = await compare(root, 'before_plain');
    checkUntouched(beforeStates, fileStates(root), new Set(), problems);
    return problems.map((p) => `${desc}: ${p}`);
  }
  const order = dupMode === 'last' ? 'DESC' : 'ASC';
  await con.run(`CREATE OR REPLACE TABLE input AS SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER (PARTITION BY p, q, id ORDER BY pos ${order}) AS rn FROM input_all) WHERE rn = 1`);
  await con.run(`CREATE OR REPLACE TABLE expected AS SELECT * EXCLUDE (filename, file_row_number) FROM before`);
  const match = `expected.id = input.id AND expected.p IS NOT DISTINCT FROM input.p AND expected.q IS NOT DISTINCT FROM input.q`;
  const setCols = (updateCols ?? inputCols.filter((c) => !['id', 'p', 'q'].includes(c)));
  const hasMatches = (await q(`SELECT count(*)::INTEGER AS n FROM input WHERE EXISTS (SELECT 1 FROM expected WHERE ${match})`))[0].n;
  await con.run(`CREATE OR REPLACE TABLE inserts AS SELECT * FROM input WHERE NOT EXISTS (SELECT 1 FROM expected WHERE ${match})`);
  if (setCols.length && hasMatches) await con.run(`UPDATE expected SET ${setCols.map((c) => `"${c}" = input."${c}"`).join(', ')} FROM input WHERE ${match}`);
  const expCols = await columnsOf('expected');
  await con.run(`INSERT INTO expected (${inputCols.filter((c) => expCols.includes(c)).join(', ')}) SELECT ${inputCols.filter((c) => expCols.includes(c)).join(', ')} FROM inserts`);
  const r = run(args);
  if (r.status !== 0) return [`${desc} exited ${r.status}: ${r.stderr}`];
  const problems = await compare(root, 'expected');
  const stats = JSON.parse(r.stdout);
  const numInserts = (await q(`SELECT count(*)::INTEGER AS n FROM inserts`))[0].n;
  if (stats.rows_inserted !== numInserts) problems.push(`rows_inserted ${stats.rows_inserted}, expected ${numInserts}`);
  return problems.map((p) => `${desc}: ${p}`);
}

async function caseDedup(root) {
  const keys = pick([['k'], ['k', 's'], ['s'], ['b', 'k']]);
  const orderBy = chance(0.6) ? pick(['x', 'ts', 'dec', 'id', 's', 'v']) : null;
  const keepLast = chance(0.5);
  const across = chance(0.3);
  const args = ['dedup', root, '--key', keys.join(','), '--keep', keepLast ? 'last' : 'first', '--json'];
  if (orderBy) args.push('--order-by', orderBy);
  if (across) args.push('--across-partitions');
  const desc = args.slice(2).join(' ');
  const dir = keepLast ? 'DESC' : 'ASC';
  const order = `${orderBy ? `"${orderBy}" ${dir} NULLS LAST, ` : ''}filename ${dir}, file_row_number ${dir}`;
  const part = across ? keys.join(', ') : ['p', 'q', ...keys].join(', ');
  await con.run(`CREATE OR REPLACE TABLE expected AS SELECT * EXCLUDE (rn, filename, file_row_number) FROM (SELECT *, row_number() OVER (PARTITION BY ${part} ORDER BY ${order}) AS rn FROM before) WHERE rn = 1`);
  const beforeStates = fileStates(root);
  const losers = await q(`SELECT DISTINCT filename FROM (SELECT filename, row_number() OVER (PARTITION BY ${part} ORDER BY ${order}) AS rn FROM before) WHERE rn > 1`);
  const affected = new Set(losers.map((r) => path.relative(root, r.filename)));
  const r = run(args);
  if (r.status !== 0) return [`dedup ${desc} exited ${r.status}: ${r.stderr}`];
  const problems = await compare(root, 'expected');
  checkUntouched(beforeStates, fileStates(root), affected, problems);
  return problems.map((p) => `dedup ${desc}: ${p}`);
}

let failures = 0;
const counts = {};
const startSeed = seed;
for (let caseIdx = 0; caseIdx < numCases; caseIdx++) {
  const caseSeed = seed;
  const root = `${scratch}/ds`;
  const state = await makeDataset(root);
  await loadBefore(root);
  await con.run(`CREATE OR REPLACE TABLE before_plain AS SELECT * EXCLUDE (filename, file_row_number) FROM before`);
  const op = pick(ops);
  counts[op] = (counts[op] ?? 0) + 1;
  let problems;
  try {
    if (op === 'delete') problems = await caseDelete(root);
    else if (op === 'update') problems = await caseUpdate(root);
    else if (op === 'upsert') problems = await caseUpsert(root, state);
    else problems = await caseDedup(root);
  } catch (e) {
    problems = [`${op}: harness error: ${e.message}`];
  }
  if (problems.length === 0 && fs.existsSync(root)) {
    // New files are never empty: a file whose rows all go away is removed, not rewritten.
    for (const [rel] of fileStates(root)) {
      if (/^f\d+\.parquet$/.test(path.basename(rel))) continue;
      const n = (await q(`SELECT count(*)::INTEGER AS n FROM read_parquet('${root}/${rel}')`))[0].n;
      if (n === 0) problems.push(`${rel}: written with no rows`);
    }
  }
  if (problems.length === 0) {
    const v = run(['verify', root]);
    if (v.status !== 0) problems.push(`verify failed: ${v.stdout}${v.stderr}`);
  }
  if (problems.length) {
    failures++;
    console.error(`case ${caseIdx} (seed ${caseSeed}): ${problems.join('\n  ')}`);
    if (process.env.FF_DIFF_KEEP) {
      fs.cpSync(root, `${scratch}/failed-${caseIdx}`, { recursive: true });
    }
  }
}
console.log(`ops differential: ${numCases} cases (seed ${startSeed}; ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}), ${failures} failed`);
process.exit(failures ? 1 : 0);
