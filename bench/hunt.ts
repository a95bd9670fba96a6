/**
 * bench:hunt — `huntforge hunt` end to end (read indicators, load JSONL logs into DuckDB, run every
 * hunt) against the text-scan baseline `rg -F -f <indicators> <file>` (Debian ripgrep) over the same
 * files, in the same run: once as a one-shot hunt (in memory: only the events the hunts can match
 * are loaded; three times, alternating with ripgrep, the median ratio reported) and once keeping
 * every event in a `--db`; then the hunts alone on that `--db` (the median of five runs).
 *
 *   npm run bench:hunt -- [dnsEvents=5000000] [indicators=10000]
 */
import { spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../scripts/seeded-random.js';
import { openDatabase } from '../src/engine/database.js';
import { runLocalHunts } from '../src/engine/run-hunts.js';
import { generateFromIndicators } from '../src/generate/generate.js';
import { readIndicators } from '../src/intel/read.js';

const events = Number(process.argv[2] ?? 5_000_000);
const indicatorCount = Number(process.argv[3] ?? 10_000);
const work = join('bench', '.work', `hunt-${events}-${indicatorCount}`);
const logs = join(work, 'logs');
const feed = join(work, 'indicators.txt');
const patterns = join(work, 'patterns.txt');
const db = join(work, 'hunt.duckdb');

const iocDomain = (i: number) => `c2-${i.toString(36)}.bad-zone-${i % 50}.com`;
const iocIp = (i: number) => `198.${18 + (i % 2)}.${(i >> 8) & 255}.${i & 255}`;

async function writeLines(path: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += line(i);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((r) => out.on('finish', () => r()));
}

async function prepare(): Promise<void> {
  if (existsSync(join(logs, 'DnsEvents.jsonl'))) return;
  mkdirSync(logs, { recursive: true });
  const half = Math.floor(indicatorCount / 2);
  const feedLines = ['# bench indicators'];
  const patternLines: string[] = [];
  for (let i = 0; i < half; i++) {
    feedLines.push(iocDomain(i), `${iocIp(i)}:443`);
    patternLines.push(iocDomain(i), iocIp(i));
  }
  writeFileSync(feed, `${feedLines.join('\n')}\n`);
  writeFileSync(patterns, `${patternLines.join('\n')}\n`);
  const r = seededRandom(42);
  const start = Date.parse('2026-04-20T00:00:00Z');
  const benign = Array.from({ length: 5000 }, (_, i) => `host${i}.benign-${i % 300}.example.org`);
  await writeLines(join(logs, 'DnsEvents.jsonl'), events, (i) => {
    // About one event in 2,000 looks up an indicator (half of those a subdomain of it).
    const hit = r() < 0.0005;
    const name = hit
      ? `${i % 2 ? 'www.' : ''}${iocDomain(Math.floor(r() * half))}`
      : benign[Math.floor(r() * benign.length)];
    const t = new Date(start + i * 100).toISOString();
    return `{"TimeGenerated":"${t}","Computer":"dc0${i % 4}.corp.local","ClientIP":"10.${i % 250}.${(i >> 8) % 250}.${i % 200}","Name":"${name}","QueryType":"A","IPAddresses":"203.0.113.${i % 250}","ResultCode":0}\n`;
  });
  await writeLines(join(logs, 'DeviceNetworkEvents.jsonl'), Math.floor(events / 5), (i) => {
    const hit = r() < 0.0005;
    const ip = hit ? iocIp(Math.floor(r() * half)) : `52.${i % 250}.${(i >> 8) % 250}.${(i >> 16) % 250}`;
    const t = new Date(start + i * 500).toISOString();
    return `{"TimeGenerated":"${t}","DeviceName":"ws${i % 900}.corp.local","RemoteIP":"${ip}","RemotePort":${hit && i % 3 ? 443 : 8443},"InitiatingProcessFileName":"chrome.exe","ActionType":"ConnectionSuccess"}\n`;
  });
}

function timed(
  cmd: string,
  args: string[],
  stdoutFile?: string,
): { seconds: number; rssMb: number; status: number | null; stderr: string } {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', stdoutFile ? 'pipe' : 'ignore', 'pipe'],
  });
  const seconds = (performance.now() - started) / 1000;
  if (stdoutFile && r.stdout) writeFileSync(stdoutFile, r.stdout);
  const lines = r.stderr.trim().split('\n');
  return {
    seconds,
    rssMb: Number(lines[lines.length - 1]) / 1024,
    status: r.status,
    stderr: lines.slice(0, -1).join('\n'),
  };
}

await prepare();
const bytes =
  statSync(join(logs, 'DnsEvents.jsonl')).size + statSync(join(logs, 'DeviceNetworkEvents.jsonl')).size;
const cli = ['bin/huntforge.js'];
if (!existsSync('dist/cli/main.js')) throw new Error('run `npm run build` first');

// ripgrep and the one-shot hunt alternate, BENCH_ROUNDS times each (default 3): both read the same files on the same
// host at nearly the same moment, and the median ratio of the pairs is reported (this host's speed
// drifts by tens of percent from one minute to the next).
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const rgArgs = [
  '-F',
  '-c',
  '-f',
  patterns,
  join(logs, 'DnsEvents.jsonl'),
  join(logs, 'DeviceNetworkEvents.jsonl'),
];
const pairs: { rg: ReturnType<typeof timed>; hunt: ReturnType<typeof timed> }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const rgRun = timed('rg', rgArgs);
  const huntRun = timed(
    'node',
    [...cli, 'hunt', feed, '--logs', logs, '--json'],
    join(work, 'findings.json'),
  );
  if (huntRun.status !== 0) throw new Error(`huntforge hunt failed: ${huntRun.stderr}`);
  pairs.push({ rg: rgRun, hunt: huntRun });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const ratios = pairs.map((p) => p.hunt.seconds / p.rg.seconds);
const rg = {
  seconds: median(pairs.map((p) => p.rg.seconds)),
  rssMb: Math.max(...pairs.map((p) => p.rg.rssMb)),
};
const endToEnd = {
  seconds: median(pairs.map((p) => p.hunt.seconds)),
  rssMb: Math.max(...pairs.map((p) => p.hunt.rssMb)),
};
rmSync(db, { force: true });
const kept = timed(
  'node',
  [...cli, 'hunt', feed, '--logs', logs, '--db', db, '--json'],
  join(work, 'findings-kept.json'),
);
if (kept.status !== 0) throw new Error(`huntforge hunt --db failed: ${kept.stderr}`);
const huntOnly = timed('node', [...cli, 'hunt', feed, '--db', db, '--json'], join(work, 'findings-db.json'));
// The hunting phase alone, in this process, on the same ingested database.
const database = await openDatabase({ path: db });
const planned = generateFromIndicators(await readIndicators([feed]), {}).plan.hunts;
// A warm-up run (first-query and catalogue costs), then five timed runs: the median is reported,
// with the fastest and the slowest.
const huntTimes: number[] = [];
let inProcess = await runLocalHunts(database, planned);
for (let run = 0; run < 5; run++) {
  const huntStarted = performance.now();
  inProcess = await runLocalHunts(database, planned);
  huntTimes.push((performance.now() - huntStarted) / 1000);
}
const huntSeconds = median(huntTimes);
// The same hunts for 10 indicators and for those 10 plus 99,990 that occur nowhere in the logs, on
// the same tables: lists are joined by hash, so the list size should barely move the cost.
async function huntWith(count: number): Promise<{ seconds: number; findings: number }> {
  const path = join(work, `indicators-${count}.txt`);
  const lines: string[] = [];
  for (let i = 0; i < 5; i++) lines.push(iocDomain(i), `${iocIp(i)}:443`);
  for (let i = 0; i < (count - 10) / 2; i++)
    lines.push(`absent-${i}.example.net`, `100.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}:443`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const plan = async () => generateFromIndicators(await readIndicators([path]), {}).plan.hunts;
  await runLocalHunts(database, await plan());
  // freshly planned hunts, so the timed run builds its own lists as a command's run does
  const hunts = await plan();
  const started = performance.now();
  const result = await runLocalHunts(database, hunts);
  return { seconds: (performance.now() - started) / 1000, findings: result.findings.length };
}
const few = await huntWith(10);
const many = await huntWith(100_000);
database.close();
if (few.findings !== many.findings)
  throw new Error(`10 and 100,000 indicators disagree: ${few.findings} and ${many.findings} findings`);
const parse = (f: string) => (JSON.parse(readFileSync(f, 'utf8')) as { findings: unknown[] }).findings.length;
const found = parse(join(work, 'findings.json'));
const foundKept = parse(join(work, 'findings-kept.json'));
const foundAgain = parse(join(work, 'findings-db.json'));
if (new Set([found, foundKept, foundAgain, inProcess.findings.length]).size !== 1)
  throw new Error(
    `the runs disagree: ${found}, ${foundKept}, ${foundAgain}, ${inProcess.findings.length} findings`,
  );
const total = events + Math.floor(events / 5);

console.log(
  `input        ${total.toLocaleString('en')} events (${(bytes / 1e6).toFixed(0)} MB JSONL), ${indicatorCount.toLocaleString('en')} indicators`,
);
console.log(
  `ripgrep      ${rg.seconds.toFixed(2)} s  (rg -F -f: text scan, no semantics; median of ${pairs.length}: ${pairs.map((p) => p.rg.seconds.toFixed(2)).join(', ')})  peak RSS ${rg.rssMb.toFixed(0)} MB`,
);
console.log(
  `hunt (logs)  ${endToEnd.seconds.toFixed(2)} s  ${found} findings  peak RSS ${endToEnd.rssMb.toFixed(0)} MB  ratio ${median(ratios).toFixed(2)}x ripgrep, median of the pairs ${ratios.map((r) => r.toFixed(2)).join(', ')}  (one-shot: matchable events loaded)`,
);
console.log(
  `hunt (keep)  ${kept.seconds.toFixed(2)} s  ${foundKept} findings  peak RSS ${kept.rssMb.toFixed(0)} MB  ratio ${(kept.seconds / rg.seconds).toFixed(2)}x ripgrep  (--db: every event loaded and kept)`,
);
console.log(
  `hunt (--db)  ${huntOnly.seconds.toFixed(2)} s  ${foundAgain} findings  (whole command: start, read, plan, hunt)  peak RSS ${huntOnly.rssMb.toFixed(0)} MB`,
);
console.log(
  `hunting      ${huntSeconds.toFixed(2)} s  ${inProcess.findings.length} findings, ${inProcess.summary.hunts.filter((h) => h.status === 'ran').length} hunts ran: ${(total / huntSeconds / 1e6).toFixed(1)} M events/s on the ingested tables (median of ${huntTimes.length}; ${Math.min(...huntTimes).toFixed(2)}–${Math.max(...huntTimes).toFixed(2)} s)`,
);
console.log(
  `list size    10 indicators ${few.seconds.toFixed(2)} s, the same 10 + 99,990 absent ${many.seconds.toFixed(2)} s (${many.findings} findings each): ratio ${(many.seconds / few.seconds).toFixed(2)}x`,
);
