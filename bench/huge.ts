/**
 * bench:huge — huntforge on input of the size the hardening issue names, through the real CLI
 * (compiled, `node bin/huntforge.js`) under `/usr/bin/time -f %M` for wall time and peak RSS:
 *
 *   (a) a log folder of a given total size (default 10 GB) — DnsEvents and DeviceNetworkEvents JSON
 *       Lines files, written by a deterministic generator with a known number of planted hits —
 *       through `huntforge hunt <feed> --logs <folder> --db <file> --json`; the findings are checked
 *       against the planted hits;
 *   (b) a ThreatFox CSV feed of 5,000,000 distinct indicators through `huntforge iocs --json`,
 *       `iocs --csv` and `generate`.
 *
 * Work files go to bench/.work/huge/ (gitignored); the log folder and the database are deleted at
 * the end, the feeds kept for the next run (delete bench/.work/huge to start over).
 *
 *   npm run bench:huge -- [GB=10] [indicators=5000000]
 *   BENCH_HUGE_SKIP=logs,feed,generate (any of them) skips those parts
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../scripts/seeded-random.js';

const gigabytes = Number(process.argv[2] ?? 10);
const feedIndicators = Number(process.argv[3] ?? 5_000_000);
const skip = process.env.BENCH_HUGE_SKIP ?? '';
const work = join('bench', '.work', 'huge');
const logs = join(work, `logs-${gigabytes}gb`);
const db = join(work, `hunt-${gigabytes}gb.duckdb`);
const huntFeed = join(work, 'hunt-indicators.txt');
const threatFox = join(work, `threatfox-${feedIndicators}.csv`);

/** Indicators of the hunt feed: half domains, half ip:port. */
const HUNT_INDICATORS = 10_000;
const half = HUNT_INDICATORS / 2;
const iocDomain = (i: number) => `c2-${i.toString(36)}.bad-zone-${i % 50}.com`;
const iocIp = (i: number) => `198.${18 + (i % 2)}.${(i >> 8) & 255}.${i & 255}`;
/** Every DNS_HIT_EVERY-th DNS event looks up an indicator domain; every NET_HIT_EVERY-th connection goes to an indicator ip:443. */
const DNS_HIT_EVERY = 20_011;
const NET_HIT_EVERY = 10_007;
/** Bytes per file: several files per table, as exports come. */
const FILE_BYTES = 1e9;

/** Writes lines until the file reaches `bytes`; returns how many lines. */
async function writeUntil(path: string, bytes: number, line: (i: number) => string): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 1 << 22 });
  let written = 0;
  let chunk = '';
  let i = 0;
  while (written + chunk.length < bytes) {
    chunk += line(i++);
    if (chunk.length > 1 << 22) {
      written += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return i;
}

interface LogFolder {
  bytes: number;
  events: number;
  /** Events planted to match an indicator, by table. */
  planted: Record<string, number>;
}

/** Five sixths of the bytes DnsEvents, one sixth DeviceNetworkEvents, in files of about 1 GB. */
async function generateLogs(): Promise<LogFolder> {
  rmSync(logs, { recursive: true, force: true });
  mkdirSync(logs, { recursive: true });
  const total = gigabytes * 1e9;
  const dnsFiles = Math.max(1, Math.round((total * 5) / 6 / FILE_BYTES));
  const netFiles = Math.max(1, Math.round(total / 6 / FILE_BYTES));
  const benign = Array.from({ length: 5000 }, (_, i) => `host${i}.benign-${i % 300}.example.org`);
  const start = Date.parse('2026-04-01T00:00:00Z');
  const folder: LogFolder = { bytes: 0, events: 0, planted: { DnsEvents: 0, DeviceNetworkEvents: 0 } };
  let serial = 0;
  for (let f = 0; f < dnsFiles; f++) {
    const r = seededRandom(1000 + f);
    const path = join(logs, `DnsEvents_part${String(f).padStart(2, '0')}.jsonl`);
    const lines = await writeUntil(path, (total * 5) / 6 / dnsFiles, () => {
      const n = serial++;
      const hit = n % DNS_HIT_EVERY === 0;
      if (hit) folder.planted.DnsEvents += 1;
      const name = hit
        ? `${n % 2 ? 'www.' : ''}${iocDomain(n % half)}`
        : benign[Math.floor(r() * benign.length)];
      const t = new Date(start + n * 20).toISOString();
      return `{"TimeGenerated":"${t}","Computer":"dc0${n % 4}.corp.local","ClientIP":"10.${n % 250}.${(n >> 8) % 250}.${n % 200}","Name":"${name}","QueryType":"A","IPAddresses":"203.0.113.${n % 250}","ResultCode":0}\n`;
    });
    folder.events += lines;
    folder.bytes += statSync(path).size;
  }
  serial = 0;
  for (let f = 0; f < netFiles; f++) {
    const path = join(logs, `DeviceNetworkEvents_part${String(f).padStart(2, '0')}.jsonl`);
    const lines = await writeUntil(path, total / 6 / netFiles, () => {
      const n = serial++;
      const hit = n % NET_HIT_EVERY === 0;
      if (hit) folder.planted.DeviceNetworkEvents += 1;
      const ip = hit ? iocIp(n % half) : `52.${n % 250}.${(n >> 8) % 250}.${(n >> 16) % 250}`;
      const t = new Date(start + n * 100).toISOString();
      return `{"TimeGenerated":"${t}","DeviceName":"ws${n % 900}.corp.local","RemoteIP":"${ip}","RemotePort":${hit ? 443 : 8443},"InitiatingProcessFileName":"chrome.exe","ActionType":"ConnectionSuccess"}\n`;
    });
    folder.events += lines;
    folder.bytes += statSync(path).size;
  }
  return folder;
}

function writeHuntFeed(): void {
  const lines = ['# bench:huge indicators'];
  for (let i = 0; i < half; i++) lines.push(iocDomain(i), `${iocIp(i)}:443`);
  writeFileSync(huntFeed, `${lines.join('\n')}\n`);
}

/** A ThreatFox CSV export (the layout bench/intel.ts writes) with `rows` distinct indicators. */
async function generateThreatFox(rows: number): Promise<void> {
  if (existsSync(threatFox) && statSync(threatFox).size > rows * 100) return;
  const r = seededRandom(20260425);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const hex = (n: number) => {
    let s = '';
    while (s.length < n)
      s += Math.floor(r() * 0xffffffff)
        .toString(16)
        .padStart(8, '0');
    return s.slice(0, n);
  };
  const families = [
    ['win.nanocore', 'Nancrat,NanoCore', 'Nanocore RAT'],
    ['win.cobalt_strike', 'Agentemis,BEACON,CobaltStrike,cobeacon', 'Cobalt Strike'],
    ['win.asyncrat', 'None', 'AsyncRAT'],
    ['win.remcos', 'RemcosRAT,Remvio,Socmer', 'Remcos'],
    ['elf.mirai', 'Katana', 'Mirai'],
  ];
  const tlds = ['com', 'net', 'org', 'ru', 'top', 'xyz', 'info'];
  const out = createWriteStream(threatFox, { highWaterMark: 1 << 22 });
  let batch =
    '################################################################\n' +
    '# ThreatFox IOCs: additions - CSV format (full dump)           #\n' +
    '# Last updated: 2026-04-25 06:45:19 UTC                        #\n' +
    '################################################################\n#\n' +
    '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","is_compromised","reference","tags","anonymous","reporter"\n';
  for (let i = 0; i < rows; i++) {
    const [id, alias, printable] = pick(families);
    const kind = i % 20;
    let value: string;
    let type: string;
    let threat = 'botnet_cc';
    // each value carries its row number somewhere, so all of them are distinct
    if (kind < 12) {
      value = `${1 + (i % 222)}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${1024 + (i % 50000)}`;
      type = 'ip:port';
    } else if (kind < 15) {
      value = `${hex(6)}${i}.${pick(tlds)}`;
      type = 'domain';
    } else if (kind < 18) {
      value = `https://${hex(6)}${i}.${pick(tlds)}/${hex(8)}/gate.php?id=${i}`;
      type = 'url';
      threat = 'payload_delivery';
    } else {
      value = `${hex(56)}${i.toString(16).padStart(8, '0')}`;
      type = 'sha256_hash';
      threat = 'payload';
    }
    const day = String(1 + (i % 28)).padStart(2, '0');
    batch += `"2026-04-${day} ${String(i % 24).padStart(2, '0')}:00:00", "${1_300_000 + i}", "${value}", "${type}", "${threat}", "${id}", "${alias}", "${printable}", "", "${pick(['50', '75', '100'])}", "False", "None", "${printable.split(' ')[0]},c2", "0", "abuse_ch"\n`;
    if (batch.length > 1 << 22) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(`${batch}# Number of entries: ${rows}\n`);
  await once(out, 'finish');
}

interface Timed {
  seconds: number;
  rssMb: number;
  status: number | null;
  stderr: string;
}

/** Runs the compiled CLI under /usr/bin/time; stdout to a file (or /dev/null). */
function huntforge(args: string[], stdoutPath = '/dev/null'): Timed {
  const started = performance.now();
  const r = spawnSync(
    'sh',
    // a step that has not finished in 20 minutes is stopped (exit 124) and reported as such
    [
      '-c',
      '/usr/bin/time -f %M timeout 1200 "$@" > "$OUT"',
      'sh',
      process.execPath,
      'bin/huntforge.js',
      ...args,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, OUT: stdoutPath } },
  );
  const seconds = (performance.now() - started) / 1000;
  const lines = r.stderr.trim().split('\n');
  return {
    seconds,
    rssMb: Number(lines[lines.length - 1]) / 1024,
    status: r.status,
    stderr: lines.slice(0, -1).join('\n'),
  };
}

const uptime = () => spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();
const mb = (n: number) => `${n.toFixed(0)} MB`;

if (!existsSync('dist/cli/main.js')) throw new Error('run `npm run build` first');
mkdirSync(work, { recursive: true });
console.log(
  `machine      ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; ${uptime()}`,
);

if (!skip.includes('logs')) {
  writeHuntFeed();
  let started = performance.now();
  const folder = await generateLogs();
  console.log(
    `generated    ${(folder.bytes / 1e9).toFixed(2)} GB, ${folder.events.toLocaleString('en')} events in ${logs} ` +
      `(${((performance.now() - started) / 1000).toFixed(0)} s); planted hits: DnsEvents ${folder.planted.DnsEvents}, ` +
      `DeviceNetworkEvents ${folder.planted.DeviceNetworkEvents}`,
  );
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  const findingsPath = join(work, 'findings.json');
  const before = loadavg()[0];
  started = performance.now();
  const run = huntforge(['hunt', huntFeed, '--logs', logs, '--db', db, '--json'], findingsPath);
  const dbBytes = existsSync(db) ? statSync(db).size : 0;
  if (run.status !== 0) throw new Error(`huntforge hunt exited ${run.status}: ${run.stderr}`);
  const findings = (
    JSON.parse(readFileSync(findingsPath, 'utf8')) as { findings: { table: string; indicatorType: string }[] }
  ).findings;
  const byTable = (table: string, type: string) =>
    findings.filter((f) => f.table === table && f.indicatorType === type).length;
  const dnsFound = byTable('DnsEvents', 'domain');
  const netFound = byTable('DeviceNetworkEvents', 'ipv4');
  console.log(
    `hunt --logs  ${run.seconds.toFixed(1)} s wall, peak RSS ${mb(run.rssMb)}, ` +
      `${Math.round(folder.events / run.seconds).toLocaleString('en')} events/s, ${(folder.bytes / 1e6 / run.seconds).toFixed(0)} MB/s; ` +
      `--db file ${(dbBytes / 1e9).toFixed(2)} GB; load average ${before.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`,
  );
  console.log(
    `findings     ${findings.length} in all; DnsEvents domain ${dnsFound} of ${folder.planted.DnsEvents} planted, ` +
      `DeviceNetworkEvents ipv4 ${netFound} of ${folder.planted.DeviceNetworkEvents} planted`,
  );
  if (run.stderr) console.log(`stderr       ${run.stderr.split('\n').slice(0, 3).join(' | ')}`);
  rmSync(logs, { recursive: true, force: true });
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  if (dnsFound !== folder.planted.DnsEvents || netFound !== folder.planted.DeviceNetworkEvents)
    throw new Error('the findings do not match the planted hits');
}

if (!skip.includes('feed')) {
  let started = performance.now();
  await generateThreatFox(feedIndicators);
  console.log(
    `feed         ${feedIndicators.toLocaleString('en')} ThreatFox CSV rows, ${(statSync(threatFox).size / 1e6).toFixed(0)} MB ` +
      `(${((performance.now() - started) / 1000).toFixed(0)} s to write, kept for the next run)`,
  );
  const jsonOut = join(work, 'iocs.json');
  for (const [label, args, out] of [
    ['iocs --json', ['iocs', threatFox, '--json'], jsonOut],
    ['iocs --csv', ['iocs', threatFox, '--csv'], '/dev/null'],
    ['generate', ['generate', threatFox, '-o', join(work, 'generate-out')], '/dev/null'],
  ] as const) {
    if (label === 'generate' && skip.includes('generate')) continue;
    started = performance.now();
    const run = huntforge([...args], out);
    const note =
      run.status === 0
        ? ''
        : run.status === 124
          ? '  stopped after 20 minutes'
          : /heap out of memory/.test(run.stderr)
            ? `  exit ${run.status}: JavaScript heap out of memory`
            : `  exit ${run.status}: ${run.stderr.split('\n')[0]}`;
    console.log(
      `${label.padEnd(12)} ${run.seconds.toFixed(1)} s wall, peak RSS ${mb(run.rssMb)}, ` +
        `${Math.round(feedIndicators / run.seconds).toLocaleString('en')} indicators/s${note}`,
    );
    if (label === 'generate' && run.status === 0) {
      const out = join(work, 'generate-out');
      const rows = countLines(join(out, 'iocs.csv')) - 1;
      console.log(
        `             ${rows.toLocaleString('en')} indicators in iocs.csv; report.md ${(statSync(join(out, 'report.md')).size / 1e3).toFixed(0)} kB`,
      );
    }
    if (label === 'iocs --json' && run.status === 0) {
      const count = countJsonIndicators(jsonOut);
      console.log(`             ${count.toLocaleString('en')} indicators in the output`);
      rmSync(jsonOut, { force: true });
    }
  }
  rmSync(join(work, 'generate-out'), { recursive: true, force: true });
}
console.log(`machine      ${uptime()}`);

/** Indicators in an `iocs --json` document, counted without parsing a file larger than a string may be. */
function countJsonIndicators(path: string): number {
  const r = spawnSync('grep', ['-c', '^    {$', path], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

/** Lines of a file, counted without reading it into one string. */
function countLines(path: string): number {
  if (!existsSync(path)) return 0;
  const r = spawnSync('wc', ['-l', path], { encoding: 'utf8' });
  return Number(r.stdout.trim().split(/\s+/)[0]);
}
