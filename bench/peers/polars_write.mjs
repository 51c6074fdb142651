// Writer benchmark, Polars side: reads FILE (untimed), then times writeParquet with zstd.
//   POLARS_MAX_THREADS=1 node polars_write.mjs FILE OUT
import fs from 'node:fs';
import pl from 'nodejs-polars';
const [file, out] = process.argv.slice(2);
const df = pl.readParquet(file);
const start = process.hrtime.bigint();
df.writeParquet(out, { compression: 'zstd' });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ peer: 'polars', seconds, bytes: fs.statSync(out).size }));
