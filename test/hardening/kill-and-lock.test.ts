/**
 * Interrupted and concurrent work on a database file (`--db`):
 * - `huntforge hunt … --logs <folder> --db <file>` killed with SIGKILL while it ingests leaves a file
 *   that opens, whose tables are queryable and hold exactly the rows of the files its ledger records;
 *   running the same command again completes with every table holding each file's rows once;
 * - two `huntforge hunt` processes on the same --db: one finishes, the other stops with the clear
 *   "in use by another process" message and exit code 2, and the file is intact afterwards;
 * - a process rewriting an output file with writeFileAtomic, read while it writes and then killed,
 *   never leaves half a file.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from '../../src/engine/database.js';
import { runCli } from '../support/cli.js';

const ENTRY = join(process.cwd(), 'src/cli/entry.ts');
const TSX = import.meta.resolve('tsx');
const FEED = 'examples/nanocore/feed.json';
const PARTS = 4;
const LINES_PER_PART = 60_000;

let work: string;
let logs: string;
/** Rows each table must hold after a complete run (one per log line). */
let expected: Record<string, number>;
let fileCount: number;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'huntforge-kill-'));
  logs = join(work, 'logs');
  mkdirSync(logs);
  // the Nanocore example logs plus ~37 MB of DNS events, so that ingestion takes a few seconds
  for (const f of readdirSync('examples/nanocore/logs'))
    copyFileSync(join('examples/nanocore/logs', f), join(logs, f));
  for (let p = 0; p < PARTS; p++) {
    const lines: string[] = [];
    for (let i = 0; i < LINES_PER_PART; i++) {
      lines.push(
        JSON.stringify({
          TimeGenerated: new Date(Date.UTC(2026, 3, 24) + i * 1000).toISOString(),
          Computer: `ws-${i % 50}.corp.local`,
          ClientIP: `10.1.0.${i % 250}`,
          Name: i % 997 === 0 ? 'theponzu.com' : `host${i}.example.org`,
          QueryType: 'A',
          ResultCode: 0,
        }),
      );
    }
    writeFileSync(join(logs, `DnsEvents_part${p}.jsonl`), `${lines.join('\n')}\n`);
  }
  expected = { CommonSecurityLog: 205, DeviceNetworkEvents: 303, DeviceProcessEvents: 124, DnsEvents: 608 };
  expected.DnsEvents += PARTS * LINES_PER_PART;
  fileCount = readdirSync(logs).length;
});
after(() => rmSync(work, { recursive: true, force: true }));

function huntArgs(db: string): string[] {
  return ['hunt', FEED, '--logs', logs, '--db', db, '--json'];
}

function startHunt(db: string): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, ENTRY, ...huntArgs(db)], {
    env: { ...process.env, HUNTFORGE_ACCESS_TOKEN: '', THREATFOX_AUTH_KEY: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

interface DbState {
  tables: Record<string, number>;
  ledger: { table_name: string; rows: number; files: number }[];
}

/** Opens the file, reads every table and the ingest ledger, and checks they agree. */
async function inspect(path: string): Promise<DbState> {
  const db = await openDatabase({ path });
  try {
    const tables: Record<string, number> = {};
    for (const name of await db.tableNames()) {
      const [row] = await db.query<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM "${name}"`);
      tables[name] = Number(row.n);
    }
    const names = await db.query<{ n: number }>(
      "SELECT count(*)::INT AS n FROM duckdb_tables() WHERE table_name = '_huntforge_ingested_files'",
    );
    const ledger =
      names[0].n === 0
        ? []
        : await db.query<{ table_name: string; rows: number; files: number }>(
            'SELECT table_name, sum(rows)::BIGINT AS rows, count(*)::INT AS files FROM _huntforge_ingested_files GROUP BY 1 ORDER BY 1',
          );
    // consistency: every table holds exactly the rows of the files its ledger records
    for (const entry of ledger) assert.equal(tables[entry.table_name], Number(entry.rows), entry.table_name);
    for (const [name, rows] of Object.entries(tables))
      if (!ledger.some((e) => e.table_name === name))
        assert.equal(rows, 0, `${name} has rows no file accounts for`);
    return { tables, ledger };
  } finally {
    db.close();
  }
}

test('a hunt killed (SIGKILL) while it ingests leaves a --db that opens, is consistent, and a rerun completes', async () => {
  const db = join(work, 'killed.duckdb');
  let recorded = fileCount;
  // the kill must land during ingestion: try a shorter delay if the run got through all files first
  for (const delayMs of [400, 150, 0]) {
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
    const child = startHunt(db);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await waitFor(() => existsSync(db), 20_000);
    await sleep(delayMs);
    child.kill('SIGKILL');
    await exited;
    const state = await inspect(db);
    recorded = state.ledger.reduce((n, e) => n + e.files, 0);
    console.log(`killed after ${delayMs} ms with ${recorded} of ${fileCount} files committed`);
    if (recorded < fileCount) break;
  }
  assert.ok(recorded < fileCount, 'the process was never killed during ingestion');

  const rerun = await runCli(huntArgs(db), { timeoutMs: 60_000 });
  assert.equal(rerun.status, 0, rerun.stderr);
  const report = JSON.parse(rerun.stdout) as { findings: unknown[] };
  assert.ok(report.findings.length > 0);
  const state = await inspect(db);
  assert.deepEqual(state.tables, expected, 'each file ingested exactly once');
  assert.equal(
    state.ledger.reduce((n, e) => n + e.files, 0),
    fileCount,
  );
});

test('two hunts on the same --db: one completes, the other gets the lock message and exit code 2', async () => {
  const db = join(work, 'shared.duckdb');
  const [a, b] = await Promise.all([
    runCli(huntArgs(db), { timeoutMs: 60_000 }),
    runCli(huntArgs(db), { timeoutMs: 60_000 }),
  ]);
  const statuses = [a.status, b.status].sort();
  assert.deepEqual(statuses, [0, 2], `${a.stderr}\n${b.stderr}`);
  const loser = a.status === 2 ? a : b;
  assert.match(
    loser.stderr,
    /shared\.duckdb is in use by another process \(PID \d+\): wait for it to finish/,
  );
  assert.doesNotMatch(loser.stderr, /at .*\.ts:\d+/, 'a stack trace instead of a message');
  const state = await inspect(db);
  assert.deepEqual(state.tables, expected);
});

test('an output file written with writeFileAtomic is whole after a SIGKILL at any moment', async () => {
  const target = join(work, 'out', 'report.md');
  const size = 8 * 1024 * 1024;
  // rewrites the file again and again, alternating two contents of the same size
  const writer = spawn(
    process.execPath,
    [
      '--import',
      TSX,
      '-e',
      `import('./src/io/atomic.ts').then(async ({ writeFileAtomic }) => {
         for (let i = 0; ; i++) {
           await writeFileAtomic(${JSON.stringify(target)}, (i % 2 ? 'B' : 'A').repeat(${size}));
           if (i === 0) process.stdout.write('first\\n');
         }
       })`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => writer.once('exit', resolve));
  await new Promise((resolve) => writer.stdout!.once('data', resolve));
  for (const delayMs of [37, 91]) {
    await sleep(delayMs);
    const content = readFileSync(target, 'latin1');
    assert.equal(content.length, size);
    assert.ok(/^(A+|B+)$/.test(content), 'a half-written file');
  }
  writer.kill('SIGKILL');
  await exited;
  const content = readFileSync(target, 'latin1');
  assert.equal(content.length, size, 'the file is whole after the kill');
  assert.ok(content === 'A'.repeat(size) || content === 'B'.repeat(size));
});
