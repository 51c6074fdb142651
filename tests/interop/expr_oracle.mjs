// DuckDB as the oracle of the expression differential test (tests/unit/test_expr_differential.c).
//
// Usage: node expr_oracle.mjs DIR
//   DIR/table.sql   statements that create and fill table t (column rid orders the rows)
//   DIR/exprs.tsv   one expression per line: KIND <tab> SQL
//   DIR/results.jsonl  written here: one line per expression, either a JSON array with one
//                      canonical value per row (null for NULL) or {"error": "..."}
//
// Canonical values, so that the C side can print the same text:
//   f  DOUBLE        IEEE bits as 16 hex digits ("nan" for every NaN)
//   i  integer       decimal text of CAST(e AS BIGINT)
//   d  DECIMAL       text of CAST(e AS VARCHAR) (the C side drops trailing fraction zeros)
//   s  VARCHAR       the string
//   b  BOOLEAN       true / false
//   D  DATE          'YYYY-MM-DD'
//   T  TIMESTAMP     microseconds since the epoch (epoch_us)
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await instance.connect();
await con.run("SET TimeZone = 'UTC'");
for (const stmt of readFileSync(join(dir, 'table.sql'), 'utf8').split(';\n')) {
  if (stmt.trim()) await con.run(stmt);
}

const wrap = (kind, e) => {
  switch (kind) {
    case 'f': return `CAST((${e}) AS DOUBLE)`;
    case 'i': return `CAST((${e}) AS BIGINT)`;
    case 'd': return `CAST((${e}) AS VARCHAR)`;
    case 's': return `CAST((${e}) AS VARCHAR)`;
    case 'b': return `CAST((${e}) AS BOOLEAN)`;
    case 'D': return `CAST(CAST((${e}) AS DATE) AS VARCHAR)`;
    case 'T': return `epoch_us(CAST((${e}) AS TIMESTAMP))`;
    default: throw new Error(`unknown kind ${kind}`);
  }
};

const hexBits = (v) => {
  if (Number.isNaN(v)) return 'nan';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
};

const canon = (kind, v) => {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'f': return hexBits(Number(v));
    case 'i': return v.toString();
    case 'T': return v.toString();
    case 'b': return v ? 'true' : 'false';
    default: return String(v);
  }
};

const out = [];
const lines = readFileSync(join(dir, 'exprs.tsv'), 'utf8').split('\n').filter((l) => l.length);
for (const line of lines) {
  const tab = line.indexOf('\t');
  const kind = line.slice(0, tab);
  const sql = line.slice(tab + 1);
  try {
    const reader = await con.runAndReadAll(`SELECT ${wrap(kind, sql)} AS v FROM t ORDER BY rid`);
    out.push(JSON.stringify(reader.getRowsJS().map((row) => canon(kind, row[0]))));
  } catch (e) {
    out.push(JSON.stringify({ error: String(e.message).split('\n')[0] }));
  }
}
writeFileSync(join(dir, 'results.jsonl'), out.join('\n') + '\n');
