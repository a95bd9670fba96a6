/**
 * Log ingestion benchmark (not a test): N DnsEvents rows as JSON Lines, written by a deterministic
 * generator, ingested into a Sentinel-shaped DuckDB table; the baseline, measured in the same run on
 * the same file, is DuckDB's bare `SELECT count(*) FROM read_json(...)`.
 * Run: npm run bench:ingest [-- rows]   (or INGEST_ROWS=5000000 npm run bench:ingest)
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/engine/database.js';
import { ingestLogs } from '../src/engine/ingest/index.js';

const rows = Number(process.argv[2] ?? process.env.INGEST_ROWS ?? 1_000_000);

let seed = 0x9e3779b9;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
};
const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
const domains = Array.from(
  { length: 5000 },
  (_, i) => `host${i}.${pick(['example.com', 'corp.local', 'cdn.net', 'theponzu.com'])}`,
);
const computers = Array.from({ length: 50 }, (_, i) => `dc${i}.corp.local`);
const types = ['A', 'AAAA', 'CNAME', 'TXT', 'MX'];

async function generate(path: string): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 22 });
  const start = Date.UTC(2026, 3, 25);
  let batch = '';
  for (let i = 0; i < rows; i++) {
    const time = new Date(start + i * 50).toISOString();
    const ip = `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`;
    const answer = `93.184.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`;
    batch += `{"TimeGenerated":"${time}","Computer":"${pick(computers)}","EventId":256,"SubType":"LookupQuery","ClientIP":"${ip}","Name":"${pick(domains)}","QueryType":"${pick(types)}","ResultCode":${random() < 0.95 ? 0 : 3},"IPAddresses":"${answer}","Type":"DnsEvents"}\n`;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'close');
}

const dir = mkdtempSync(join(tmpdir(), 'huntforge-bench-ingest-'));
try {
  const file = join(dir, 'DnsEvents.jsonl');
  await generate(file);
  const megabytes = statSync(file).size / 1e6;
  console.log(`generated ${rows.toLocaleString()} DnsEvents rows, ${megabytes.toFixed(1)} MB`);

  // Each measurement runs `repeats` times, alternating, best kept: the machine may be shared.
  const repeats = Number(process.env.INGEST_REPEATS ?? 2);
  let countMs = Infinity;
  let ctasMs = Infinity;
  let ingestMs = Infinity;
  for (let r = 0; r < repeats; r++) {
    // Baseline 1: DuckDB parsing the same file with nothing else to do.
    const base = await openDatabase();
    let t0 = performance.now();
    const [{ n }] = await base.query<{ n: number }>(
      `SELECT count(*) AS n FROM read_json('${file}', format='newline_delimited')`,
    );
    countMs = Math.min(countMs, performance.now() - t0);
    if (n !== rows) throw new Error(`baseline counted ${n} rows, expected ${rows}`);
    // Baseline 2: DuckDB loading the file into a table of its own inferred shape.
    t0 = performance.now();
    await base.run(`CREATE TABLE plain AS SELECT * FROM read_json('${file}', format='newline_delimited')`);
    ctasMs = Math.min(ctasMs, performance.now() - t0);
    base.close();

    const db = await openDatabase();
    t0 = performance.now();
    const report = await ingestLogs(db, [file]);
    ingestMs = Math.min(ingestMs, performance.now() - t0);
    db.close();
    const ingested = report.tables[0]?.rows ?? 0;
    if (ingested !== rows) throw new Error(`ingested ${ingested} rows, expected ${rows}`);
  }

  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`baseline  read_json count(*):            ${s(countMs)}`);
  console.log(`baseline  CREATE TABLE AS read_json(*):  ${s(ctasMs)}`);
  console.log(
    `ingest    ingestLogs → DnsEvents:         ${s(ingestMs)}  ` +
      `${Math.round(rows / (ingestMs / 1000)).toLocaleString()} rows/s  ${(megabytes / (ingestMs / 1000)).toFixed(0)} MB/s`,
  );
  console.log(`ratio     ingest / count(*):              ${(ingestMs / countMs).toFixed(2)}x`);
  console.log(`ratio     ingest / CREATE TABLE AS:       ${(ingestMs / ctasMs).toFixed(2)}x`);
  console.log(`peak RSS  ${peakRssMb.toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
