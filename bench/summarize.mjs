// Turns bench/run.sh's results.jsonl into a Markdown table: median seconds, derived
// throughput, peak RSS, and each peer's time divided by FluxForge's (above 1 = FluxForge
// faster).
import fs from 'node:fs';
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map(JSON.parse);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const groups = new Map();
for (const r of lines) {
  const key = `${r.bench}\u0000${r.who}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(r);
}
const rows = [];
const ours = new Map();
for (const [key, rs] of groups) {
  const [bench, who] = key.split('\u0000');
  const seconds = median(rs.map((r) => r.seconds));
  const row = { bench, who, seconds, runs: rs.length, rss: Math.max(...rs.map((r) => r.rss_mb)) };
  const mb = rs[0].uncompressed_bytes;
  if (mb) row.mbps = mb / 1e6 / seconds;
  if (rs[0].rows) row.mrows = rs[0].rows / 1e6 / seconds;
  if (rs[0].bytes) row.bytes = rs[0].bytes;
  rows.push(row);
  if (who === 'fluxforge') ours.set(bench, row);
}
// Peers that report no byte count get FluxForge's, since they decode the same file.
for (const row of rows) {
  const o = ours.get(row.bench);
  if (!row.mbps && o && o.mbps) row.mbps = (o.mbps * o.seconds) / row.seconds;
}
console.log('| bench | who | median s | MB/s | M rows/s | output bytes | peak RSS MB | peer s / FluxForge s | runs |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const o = ours.get(r.bench);
  const ratio = o && r.who !== 'fluxforge' ? (r.seconds / o.seconds).toFixed(2) : '';
  console.log(`| ${r.bench} | ${r.who} | ${r.seconds.toFixed(3)} | ${r.mbps ? r.mbps.toFixed(0) : ''} | ${r.mrows ? r.mrows.toFixed(2) : ''} | ${r.bytes ?? ''} | ${r.rss.toFixed(0)} | ${ratio} | ${r.runs} |`);
}
