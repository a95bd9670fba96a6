/**
 * Running out of memory or disk, for real rather than mocked: DuckDB given a memory limit the work
 * exceeds (while ingesting and while hunting), a --db on /dev/full, standard output on /dev/full, an
 * output file beyond the process's file size limit (prlimit), and — where the system lets a user
 * mount a small tmpfs in a namespace of its own (unshare) — a disk that fills up under --db and -o.
 * Each must end with one line saying what ran out, while doing what and what to do, exit code 2, no
 * stack trace, and no half-written output file.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

const ENTRY = join(process.cwd(), 'src/cli/entry.ts');
const TSX = import.meta.resolve('tsx');
const FEED = 'examples/nanocore/feed.json';
const DNS_LINES = 150_000;

let work: string;
let logs: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'huntforge-exhaustion-'));
  logs = join(work, 'logs');
  mkdirSync(logs);
  // ~24 MB of DNS events: more than the small memory limits below let DuckDB ingest or hunt
  const lines: string[] = [];
  for (let i = 0; i < DNS_LINES; i++) {
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
  writeFileSync(join(logs, 'DnsEvents.jsonl'), `${lines.join('\n')}\n`);
});
after(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI from source, optionally behind a wrapper command (prlimit, unshare) and with stdout on a file descriptor. */
function huntforge(
  args: string[],
  options: { env?: Record<string, string>; wrapper?: string[]; stdoutFd?: number } = {},
): Promise<Run> {
  const command = [...(options.wrapper ?? []), process.execPath, '--import', TSX, ENTRY, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      env: { ...process.env, HUNTFORGE_ACCESS_TOKEN: '', THREATFOX_AUTH_KEY: '', ...options.env },
      stdio: ['ignore', options.stdoutFd ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Exit 2 and exactly one line on stderr, from the command, matching `pattern`; no stack trace. */
function assertOneLineError(run: Run, command: string, pattern: RegExp): void {
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(run.status, 2, run.stderr);
  assert.equal(lines.length, 1, `more than one line:\n${run.stderr}`);
  assert.ok(lines[0].startsWith(`huntforge ${command}: `), lines[0]);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at |--debug|internal error/);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('out of memory', () => {
  test('while ingesting: one line naming the file and table, exit 2; with more memory the same run completes', async () => {
    const env = { HUNTFORGE_MEMORY_LIMIT: '64MB', HUNTFORGE_THREADS: '2' };
    // into a --db: every event is loaded, nothing is filtered before ingestion
    const args = (db: string) => ['hunt', FEED, '--logs', logs, '--db', join(work, db), '--json'];
    const run = await huntforge(args('ingest-oom.duckdb'), { env });
    assertOneLineError(
      run,
      'hunt',
      /^huntforge hunt: out of memory while ingesting \S+DnsEvents\.jsonl into DnsEvents: DuckDB needed .* limit in use — raise HUNTFORGE_MEMORY_LIMIT \(now 64MB\) or lower HUNTFORGE_THREADS \(now 2\)$/,
    );
    assert.equal(run.stdout, '');
    const enough = await huntforge(args('ingest-enough.duckdb'), {
      env: { ...env, HUNTFORGE_MEMORY_LIMIT: '2GB' },
    });
    assert.equal(enough.status, 0, enough.stderr);
    assert.ok(JSON.parse(enough.stdout).findings.length > 0);
  });

  test('while hunting an ingested --db: one line, exit 2', async () => {
    const db = join(work, 'hunt-oom.duckdb');
    const ingest = await huntforge(['hunt', FEED, '--logs', logs, '--db', db, '--json']);
    assert.equal(ingest.status, 0, ingest.stderr);
    const run = await huntforge(['hunt', FEED, '--db', db, '--json'], {
      env: { HUNTFORGE_MEMORY_LIMIT: '8MB' },
    });
    assertOneLineError(
      run,
      'hunt',
      /^huntforge hunt: out of memory while running .*: DuckDB needed .* raise HUNTFORGE_MEMORY_LIMIT \(now 8MB\)/,
    );
  });

  test('settings that are not sizes or counts are refused by name', async () => {
    const bad = await huntforge(['hunt', FEED, '--logs', logs], { env: { HUNTFORGE_MEMORY_LIMIT: 'lots' } });
    assertOneLineError(bad, 'hunt', /HUNTFORGE_MEMORY_LIMIT: 'lots' is not a size/);
    const threads = await huntforge(['hunt', FEED, '--logs', logs], { env: { HUNTFORGE_THREADS: '0' } });
    assertOneLineError(threads, 'hunt', /HUNTFORGE_THREADS: '0' is not a whole number/);
  });
});

describe('disk full', () => {
  test('--db on /dev/full: one line, exit 2', async () => {
    const run = await huntforge(['hunt', FEED, '--logs', logs, '--db', '/dev/full', '--json']);
    assertOneLineError(
      run,
      'hunt',
      /^huntforge hunt: disk full while opening \/dev\/full: no space left on device writing \/dev\/full — free space on that disk, or pass --db/,
    );
  });

  test('standard output on /dev/full: one line, exit 2', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const run = await huntforge(['iocs', FEED, '--json'], { stdoutFd: full });
      assertOneLineError(
        run,
        'iocs',
        /^huntforge iocs: disk full while writing the standard output: no space left on device/,
      );
    } finally {
      closeSync(full);
    }
  });

  test('an output file beyond the file size limit: one line, exit 2, the previous file unchanged, no temp file', {
    skip: existsSync('/usr/bin/prlimit') ? false : 'needs prlimit (util-linux)',
  }, async () => {
    const out = join(work, 'fsize-out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'report.md'), 'previous report\n');
    // report.md of the Nanocore feed is about 80 KB: it cannot be written under a 64 KB limit (nor can
    // some files written before it)
    const run = await huntforge(['generate', FEED, '-o', out], {
      wrapper: ['/usr/bin/prlimit', '--fsize=65536'],
    });
    assertOneLineError(
      run,
      'generate',
      /^huntforge generate: file size limit reached while writing \S+ \(left unchanged\): file too large/,
    );
    assert.equal(readFileSync(join(out, 'report.md'), 'utf8'), 'previous report\n');
    assert.deepEqual(
      filesUnder(out).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
});

/** Whether this system lets us mount a tmpfs in a user and mount namespace of our own. */
function canMountTmpfs(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'huntforge-mount-probe-'));
  try {
    const probe = spawnSync('unshare', ['-rm', 'sh', '-c', `mount -t tmpfs -o size=64k tmpfs '${dir}'`], {
      stdio: 'ignore',
    });
    return probe.status === 0;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a disk that fills up (a small tmpfs in a namespace of its own)', () => {
  const supported = canMountTmpfs();
  const skip = supported
    ? false
    : 'this system does not let unshare mount a tmpfs (covered above by /dev/full)';

  /** Runs the CLI with `dir` a fresh tmpfs of `size`; afterwards copies what it holds to `copyTo`. */
  function onSmallDisk(dir: string, size: string, copyTo: string, args: string[]) {
    mkdirSync(dir, { recursive: true });
    mkdirSync(copyTo, { recursive: true });
    const script = `mount -t tmpfs -o size=${size} tmpfs "$1" && shift 2 && "$@"; status=$?; cp -a "$DIR/." "$COPY/"; exit $status`;
    return huntforge(args, {
      wrapper: ['unshare', '-rm', 'sh', '-c', script, 'sh', dir, '-'],
      env: { DIR: dir, COPY: copyTo },
    });
  }

  test('generate -o on a full disk: one line, exit 2, every file written whole or not at all', {
    skip,
  }, async () => {
    const reference = join(work, 'reference-out');
    const ok = await huntforge(['generate', FEED, '-o', reference]);
    assert.equal(ok.status, 0, ok.stderr);
    const disk = join(work, 'small-disk-generate');
    const copy = join(work, 'small-disk-generate-copy');
    const run = await onSmallDisk(disk, '512k', copy, ['generate', FEED, '-o', join(disk, 'out')]);
    assertOneLineError(
      run,
      'generate',
      /^huntforge generate: disk full while writing \S+ \(left unchanged\): no space left on device — free space/,
    );
    const left = filesUnder(copy);
    assert.ok(left.length > 0, 'nothing was written before the disk filled up');
    assert.deepEqual(
      left.filter((f) => f.endsWith('.tmp')),
      [],
    );
    // the same bytes as a complete write, but for the generation time in the reports
    const content = (path: string) => readFileSync(path, 'utf8').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME');
    for (const file of left) {
      const relative = file.slice(join(copy, 'out').length + 1);
      assert.equal(
        content(file),
        content(join(reference, relative)),
        `${relative} differs from a complete write`,
      );
    }
  });

  test('hunt --db on a disk that fills up while ingesting: one line naming the file, exit 2', {
    skip,
  }, async () => {
    const disk = join(work, 'small-disk-db');
    const run = await onSmallDisk(disk, '1m', join(work, 'small-disk-db-copy'), [
      'hunt',
      FEED,
      '--logs',
      logs,
      '--db',
      join(disk, 'hunt.duckdb'),
      '--json',
    ]);
    assertOneLineError(
      run,
      'hunt',
      /^huntforge hunt: disk full while ingesting \S+DnsEvents\.jsonl into DnsEvents: no space left on device writing \S+hunt\.duckdb — free space on that disk, or pass --db/,
    );
  });
});
