/**
 * Log ingestion benchmark (not a test): N DnsEvents rows as JSON Lines, written by a deterministic
 * generator, ingested into a Sentinel-shaped DuckDB table; the baseline, measured in the same run on
 * the same file, is DuckDB's bare `SELECT count(*) FROM read_json(...)`.
 * Run: npm run bench:ingest [-- rows]   (or INGEST_ROWS=5000000 npm run bench:ingest)
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
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

async function generateCef(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 22 });
  const start = Date.UTC(2026, 3, 25);
  let batch = '';
  for (let i = 0; i < lines; i++) {
    const src = `10.0.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`;
    const dst = `104.21.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`;
    batch +=
      `<134>Apr 25 10:00:00 fw${i % 8} CEF:0|Palo Alto Networks|PAN-OS|10.1|end|TRAFFIC|3|rt=${start + i * 10} ` +
      `src=${src} dst=${dst} spt=${1024 + Math.floor(random() * 60000)} dpt=${pick(['443', '80', '53', '8443'])} proto=TCP ` +
      `act=${pick(['allow', 'deny'])} dhost=${pick(domains)} request=https://${pick(domains)}/path?q\\=${i} ` +
      `cs1Label=Rule cs1=outbound web suser=user${i % 300} PanOSSessionID=${i}\n`;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'close');
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
console.log(
  `machine   ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)} at the start`,
);

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
  let peakRssAfterIngestMb = 0;
  let ingestCpuMs = Infinity;
  for (let r = 0; r < repeats; r++) {
    const db = await openDatabase();
    let t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const report = await ingestLogs(db, [file]);
    ingestMs = Math.min(ingestMs, performance.now() - t0);
    ingestCpuMs = Math.min(ingestCpuMs, cpuMs(process.cpuUsage(cpu0)));
    db.close();
    const ingested = report.tables[0]?.rows ?? 0;
    if (ingested !== rows) throw new Error(`ingested ${ingested} rows, expected ${rows}`);
    // peak so far covers generation and ingestion only, before the baselines run
    if (r === 0) peakRssAfterIngestMb = process.resourceUsage().maxRSS / 1024;

    // Baseline 1: DuckDB parsing the same file with nothing else to do.
    const base = await openDatabase();
    t0 = performance.now();
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
  }

  // Lazy mode: views over the file, read again by each query. Timed with one hunt-like query on each.
  const hunt = `SELECT count(*) AS n FROM DnsEvents WHERE Name = 'theponzu.com' OR Name LIKE '%.theponzu.com'`;
  const timeQuery = async (lazy: boolean) => {
    const db = await openDatabase();
    const t0 = performance.now();
    await ingestLogs(db, [file], { lazy });
    const t1 = performance.now();
    const [{ n: hits }] = await db.query<{ n: number }>(hunt);
    const t2 = performance.now();
    db.close();
    return { ingest: t1 - t0, query: t2 - t1, hits };
  };
  const loadedRun = await timeQuery(false);
  const lazyRun = await timeQuery(true);
  if (loadedRun.hits !== lazyRun.hits) throw new Error('lazy and loaded tables disagree');

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`baseline  read_json count(*):            ${s(countMs)}`);
  console.log(`baseline  CREATE TABLE AS read_json(*):  ${s(ctasMs)}`);
  console.log(
    `ingest    ingestLogs → DnsEvents:         ${s(ingestMs)}  ` +
      `${Math.round(rows / (ingestMs / 1000)).toLocaleString()} rows/s  ${(megabytes / (ingestMs / 1000)).toFixed(0)} MB/s`,
  );
  console.log(`cpu       ingestLogs (all threads):       ${s(ingestCpuMs)}`);
  console.log(`ratio     ingest / count(*):              ${(ingestMs / countMs).toFixed(2)}x`);
  console.log(`ratio     ingest / CREATE TABLE AS:       ${(ingestMs / ctasMs).toFixed(2)}x`);
  console.log(`peak RSS  ${peakRssAfterIngestMb.toFixed(0)} MB (generation + ingestion)`);
  console.log(
    `loaded    ingest ${s(loadedRun.ingest)} + one domain query ${s(loadedRun.query)} = ${s(loadedRun.ingest + loadedRun.query)}`,
  );
  console.log(
    `lazy      views  ${s(lazyRun.ingest)} + one domain query ${s(lazyRun.query)} = ${s(lazyRun.ingest + lazyRun.query)}  (${lazyRun.hits.toLocaleString()} hits)`,
  );

  // CEF: parsed in JS, so measured on its own (a quarter as many lines).
  const cefLines = Math.max(1, Math.floor(rows / 4));
  const cefFile = join(dir, 'firewall.cef');
  await generateCef(cefFile, cefLines);
  const cefMegabytes = statSync(cefFile).size / 1e6;
  const cefDb = await openDatabase();
  const c0 = performance.now();
  const cefCpu0 = process.cpuUsage();
  const cefReport = await ingestLogs(cefDb, [cefFile]);
  const cefMs = performance.now() - c0;
  const cefCpuMs = cpuMs(process.cpuUsage(cefCpu0));
  cefDb.close();
  if (cefReport.tables[0]?.rows !== cefLines) throw new Error(`CEF ingested ${cefReport.tables[0]?.rows}`);
  console.log(
    `cef       ${cefLines.toLocaleString()} lines, ${cefMegabytes.toFixed(1)} MB → CommonSecurityLog: ${s(cefMs)}  ` +
      `${Math.round(cefLines / (cefMs / 1000)).toLocaleString()} lines/s  ${(cefMegabytes / (cefMs / 1000)).toFixed(0)} MB/s  (cpu ${s(cefCpuMs)})`,
  );
  console.log(
    `machine   ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)} at the end`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
