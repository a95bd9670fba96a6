/**
 * `npm run bench:intel`: 1,000,000 ThreatFox CSV export rows through the indicator pipeline
 * (detect, parse, canonicalise, merge, flag) against a baseline measured in the same run: splitting
 * the same file into lines with node's readline and nothing else. Each side runs in its own process
 * so peak RSS is its own. Goal: >= 500,000 rows/s and < 300 MB peak RSS.
 *
 * The goal is measured on readIndicatorsLazy (three runs alternating with the baseline's: the median
 * wall time, the highest peak RSS), which materialises, flags and filters each merged indicator as
 * it is iterated (the consumer here counts them), reading the file by parts on worker
 * threads by default (one per CPU); the same with two parts whatever the machine and on one thread
 * (`workers: false`) is measured too, and readIndicators, which returns all of them as one
 * Indicator[]: a million indicator objects alone are ~400 MB.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../scripts/seeded-random.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const file = join(tmpdir(), `huntforge-bench-threatfox-${ROWS}.csv`);

const FAMILIES = [
  ['win.nanocore', 'Nancrat,NanoCore', 'Nanocore RAT'],
  ['win.cobalt_strike', 'Agentemis,BEACON,CobaltStrike,cobeacon', 'Cobalt Strike'],
  ['win.agent_tesla', 'None', 'Agent Tesla'],
  ['win.asyncrat', 'None', 'AsyncRAT'],
  ['win.remcos', 'RemcosRAT,Remvio,Socmer', 'Remcos'],
  ['win.lumma', 'LummaC2 Stealer', 'Lumma Stealer'],
  ['elf.mirai', 'Katana', 'Mirai'],
  ['unknown', 'None', 'Unknown malware'],
];
const TLDS = ['com', 'net', 'org', 'ru', 'top', 'xyz', 'it.com', 'duckdns.org', 'co.uk', 'info'];
const PORTS = [443, 80, 8080, 54984, 6696, 14849, 4444, 7777, 8888, 2404];

async function generate(): Promise<void> {
  if (existsSync(file) && statSync(file).size > ROWS * 100) return;
  const rand = seededRandom(20260425);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const hex = (n: number) => {
    let s = '';
    while (s.length < n)
      s += Math.floor(rand() * 0xffffffff)
        .toString(16)
        .padStart(8, '0');
    return s.slice(0, n);
  };
  const out = createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(
    '################################################################\n' +
      '# ThreatFox IOCs: additions - CSV format (full dump)           #\n' +
      '# Last updated: 2026-04-25 06:45:19 UTC                        #\n' +
      '################################################################\n#\n' +
      '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","is_compromised","reference","tags","anonymous","reporter"\n',
  );
  const recent: string[] = [];
  let batch = '';
  for (let i = 0; i < ROWS; i++) {
    const [id, alias, printable] = pick(FAMILIES);
    const r = rand();
    let value: string;
    let type: string;
    let threat = 'botnet_cc';
    if (r < 0.03 && recent.length > 0) {
      [value, type] = pick(recent).split('\t');
    } else if (r < 0.63) {
      value = `${1 + Math.floor(rand() * 222)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}:${pick(PORTS)}`;
      type = 'ip:port';
    } else if (r < 0.78) {
      value = `${hex(4 + Math.floor(rand() * 8))}${i}.${pick(TLDS)}`;
      type = 'domain';
    } else if (r < 0.93) {
      value = `http${rand() < 0.5 ? 's' : ''}://${hex(6)}${i}.${pick(TLDS)}/${hex(8)}/gate.php?id=${i},${hex(4)}`;
      type = 'url';
      threat = 'payload_delivery';
    } else if (r < 0.98) {
      value = hex(64);
      type = 'sha256_hash';
      threat = 'payload';
    } else {
      value = hex(32);
      type = 'md5_hash';
      threat = 'payload';
    }
    if (i % 97 === 0) recent[recent.length % 64] = `${value}\t${type}`;
    const day = String(1 + (i % 28)).padStart(2, '0');
    const time = `${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`;
    const lastSeen = i % 5 === 0 ? `2026-04-${day} 23:00:00` : '';
    const confidence = pick(['50', '75', '75', '75', '100', '90']);
    const reference = i % 4 === 0 ? `https://bazaar.abuse.ch/sample/${hex(64)}/` : 'None';
    const tags = pick([
      'None',
      `${printable.split(' ')[0]},c2`,
      'CobaltStrike,cs-watermark-987654321',
      'exe,RAT',
    ]);
    batch += `"2026-04-${day} ${time}", "${1_300_000 + i}", "${value}", "${type}", "${threat}", "${id}", "${alias}", "${printable}", "${lastSeen}", "${confidence}", "${i % 6 === 0 ? 'True' : 'False'}", "${reference}", "${tags}", "0", "abuse_ch"\n`;
    if (batch.length > 1 << 16) {
      await write(batch);
      batch = '';
    }
  }
  await write(`${batch}# Number of entries: ${ROWS}\n`);
  out.end();
  await once(out, 'finish');
}

async function child(kind: string): Promise<void> {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let count = 0;
  if (kind === 'baseline') {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const _line of lines) count++;
  } else if (kind.startsWith('lazy')) {
    const { readIndicatorsLazy } = await import('../src/intel/read.js');
    const workers = kind === 'lazy-one-thread' ? false : kind === 'lazy-two-parts' ? { parts: 2 } : {};
    const result = await readIndicatorsLazy([file], { workers });
    for (const _indicator of result.indicators) count++;
    if (result.rejectedTotal > 0)
      throw new Error(`unexpected rejections: ${JSON.stringify(result.rejected[0])}`);
  } else {
    const { readIndicators } = await import('../src/intel/read.js');
    const result = await readIndicators([file]);
    count = result.indicators.length;
    if (result.rejectedTotal > 0)
      throw new Error(`unexpected rejections: ${JSON.stringify(result.rejected[0])}`);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    JSON.stringify({ seconds, cpuSeconds, count, maxRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
}

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * This script and the intel modules as plain JavaScript in a scratch folder (data and
 * node_modules linked), so that the measured processes run code as the package ships it
 * (compiled), not through tsx, whose loader thread alone adds ~40 MB of RSS to each process.
 * `BENCH_TSX=1` runs the children through tsx instead.
 */
async function compiled(): Promise<string> {
  const ts = (await import('typescript')).default;
  const root = join(tmpdir(), 'huntforge-bench-intel-js');
  rmSync(root, { recursive: true, force: true });
  const sources = ['bench/intel.ts', 'scripts/seeded-random.ts', 'src/paths.ts', 'src/own.ts'];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(repo, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.ts')) sources.push(path);
    }
  };
  walk('src/intel');
  walk('src/packages');
  for (const source of sources) {
    const out = join(root, source.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    const js = ts.transpileModule(readFileSync(join(repo, source), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(out, js);
  }
  symlinkSync(join(repo, 'data'), join(root, 'data'));
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  return join(root, 'bench', 'intel.js');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]);
  await generate();
  const sizeMb = statSync(file).size / 1048576;
  const viaTsx = process.env.BENCH_TSX === '1';
  const script = viaTsx ? fileURLToPath(import.meta.url) : await compiled();
  const run = (kind: string) => {
    const r = spawnSync(process.execPath, [...(viaTsx ? ['--import', 'tsx'] : []), script, '--child', kind], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      env: { ...process.env, BENCH_ROWS: String(ROWS) },
    });
    if (r.status !== 0) throw new Error(`${kind} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as { seconds: number; cpuSeconds: number; count: number; maxRssMb: number };
  };
  const loadBefore = loadavg();
  // The baseline and the goal line alternate ROUNDS times (default 3) and the run of median wall
  // time is reported for each: this host's speed drifts by tens of percent from one minute to the next.
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
  const baselines: ReturnType<typeof run>[] = [];
  const intels: ReturnType<typeof run>[] = [];
  for (let round = 0; round < rounds; round++) {
    baselines.push(run('baseline'));
    intels.push(run('lazy'));
  }
  const median = (runs: ReturnType<typeof run>[]) =>
    [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor((runs.length - 1) / 2)];
  const baseline = median(baselines);
  const intel = median(intels);
  const twoParts = run('lazy-two-parts');
  const oneThread = run('lazy-one-thread');
  const whole = run('array');
  const loadAfter = loadavg();
  const rate = (seconds: number) => Math.round(ROWS / seconds).toLocaleString('en');
  // Wall time depends on what else the machine runs; CPU time (user+system) is reported next to it.
  const line = (name: string, r: typeof intel) =>
    `${name}: ${r.seconds.toFixed(2)} s wall (${rate(r.seconds)} rows/s), ${r.cpuSeconds.toFixed(2)} s CPU (${rate(r.cpuSeconds)} rows/CPU-s), peak RSS ${r.maxRssMb.toFixed(0)} MB`;
  console.log(`input: ${ROWS.toLocaleString('en')} ThreatFox CSV rows, ${sizeMb.toFixed(0)} MB (${file})`);
  console.log(
    `children run ${viaTsx ? 'TypeScript through tsx' : 'compiled JavaScript (BENCH_TSX=1: through tsx)'}`,
  );
  const walls = (runs: ReturnType<typeof run>[]) => runs.map((r) => r.seconds.toFixed(2)).join(', ');
  console.log(`${line('baseline (readline line split)', baseline)}; median of ${walls(baselines)} s`);
  console.log(
    `${line('readIndicatorsLazy (parse+canonicalise+merge+flag, iterated)', intel)}, ${intel.count.toLocaleString('en')} indicators; median of ${walls(intels)} s`,
  );
  console.log(
    `${line('readIndicatorsLazy, workers: { parts: 2 } (two threads whatever the load)', twoParts)}, ${twoParts.count.toLocaleString('en')} indicators`,
  );
  console.log(
    `${line('readIndicatorsLazy, workers: false (all on one thread)', oneThread)}, ${oneThread.count.toLocaleString('en')} indicators`,
  );
  console.log(
    `${line('readIndicators (same, all as one Indicator[])', whole)}, ${whole.count.toLocaleString('en')} indicators`,
  );
  console.log(
    `ratio readIndicatorsLazy / baseline: ${(intel.seconds / baseline.seconds).toFixed(2)}x wall, ${(intel.cpuSeconds / baseline.cpuSeconds).toFixed(2)}x CPU`,
  );
  // Other processes share the machine: wall time means little without the load next to it.
  const load = (l: number[]) => l.map((n) => n.toFixed(2)).join(', ');
  console.log(`load average (1, 5, 15 min): before ${load(loadBefore)}; after ${load(loadAfter)}`);
  const rowsPerSecond = ROWS / intel.seconds;
  const peakRss = Math.max(...intels.map((r) => r.maxRssMb));
  const goals = rowsPerSecond >= 500_000 && peakRss < 300;
  console.log(
    `goal (readIndicatorsLazy >= 500,000 rows/s wall, < 300 MB peak RSS): ${goals ? 'met' : 'NOT met'} (median ${Math.round(rowsPerSecond).toLocaleString('en')} rows/s, highest peak RSS ${peakRss.toFixed(0)} MB)`,
  );
}

await main();
