import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { UserFacingError } from '../../src/cli/command.js';
import { openDatabase, toJsonSafe } from '../../src/engine/database.js';
import { ingestLogs } from '../../src/engine/ingest/index.js';

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'huntforge-db-test-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

test('query returns JSON-safe rows: ISO UTC times, safe bigints as numbers, JSON parsed, params bound', async () => {
  const db = await openDatabase();
  try {
    const rows = await db.query(
      `SELECT TIMESTAMP '2026-04-25 10:00:00.5' AS t, TIMESTAMPTZ '2026-04-25 12:00:00+02' AS tz,
              42::BIGINT AS small, 9007199254740993::BIGINT AS big, '{"a":[1,2]}'::JSON AS j,
              [1, 2]::BIGINT[] AS list, {'k': 1::BIGINT} AS s, INTERVAL 90 MINUTE AS span, $1 AS p`,
      ['bound'],
    );
    assert.deepEqual(rows, [
      {
        t: '2026-04-25T10:00:00.500Z',
        tz: '2026-04-25T10:00:00.000Z',
        small: 42,
        big: '9007199254740993',
        j: { a: [1, 2] },
        list: [1, 2],
        s: { k: 1 },
        span: '01:30:00',
        p: 'bound',
      },
    ]);
    assert.equal(JSON.stringify(rows).includes('"t":"2026-04-25T10:00:00.500Z"'), true);
  } finally {
    db.close();
  }
});

test('toJsonSafe handles intervals with days and fractions', () => {
  assert.equal(toJsonSafe({ months: 0, days: 1, micros: 3_723_000_001n }), '1.01:02:03.0000010');
  assert.equal(toJsonSafe(new Date(Number.NaN)), null);
});

test('--db keeps ingested tables: closed and reopened, the rows are still there', async () => {
  const path = join(work, 'persist.duckdb');
  const db = await openDatabase({ path });
  assert.equal(db.path, resolve(path));
  await ingestLogs(db, ['test/fixtures/engine/ingest/json/DnsEvents.jsonl']);
  db.close();
  const again = await openDatabase({ path });
  try {
    const [{ n }] = await again.query<{ n: number }>('SELECT count(*) AS n FROM DnsEvents');
    assert.equal(n, 4);
    assert.deepEqual(await again.tableNames(), ['DnsEvents']);
    // the same file again is not added twice
    const report = await ingestLogs(again, ['test/fixtures/engine/ingest/json/DnsEvents.jsonl']);
    assert.equal(report.files[0].rows, 0);
    assert.match(
      report.warnings[0],
      /DnsEvents\.jsonl: already in DnsEvents of .*persist\.duckdb \(4 rows, ingested .*\); skipped/,
    );
    const [{ m }] = await again.query<{ m: number }>('SELECT count(*) AS m FROM DnsEvents');
    assert.equal(m, 4);
  } finally {
    again.close();
  }
});

test('a --db held by another process is a clear error, not a crash', async () => {
  const path = join(work, 'locked.duckdb');
  const holder = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import('./src/engine/database.ts').then(async ({ openDatabase }) => {
         const db = await openDatabase({ path: ${JSON.stringify(path)} });
         await db.run('CREATE TABLE t AS SELECT 1 AS x');
         process.stdout.write('ready\\n');
         process.stdin.once('data', () => { db.close(); process.exit(0); });
       })`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  try {
    const [chunk] = (await once(holder.stdout!, 'data')) as [Buffer];
    assert.equal(chunk.toString().trim(), 'ready');
    await assert.rejects(openDatabase({ path }), (err: Error) => {
      assert.ok(err instanceof UserFacingError);
      assert.match(err.message, /locked\.duckdb is in use by another process \(PID \d+\)/);
      return true;
    });
  } finally {
    holder.stdin!.write('done\n');
    await once(holder, 'exit');
  }
  // released: it opens now
  const db = await openDatabase({ path });
  db.close();
});

test('a private temp directory is removed on close; a given one is kept', async () => {
  const { existsSync } = await import('node:fs');
  const db = await openDatabase();
  const temp = db.tempDirectory;
  assert.ok(existsSync(temp));
  db.close();
  assert.ok(!existsSync(temp));
  const mine = join(work, 'spill');
  const withMine = await openDatabase({ tempDirectory: mine, memoryLimit: '512MB' });
  const [{ v }] = await withMine.query<{ v: string }>("SELECT current_setting('memory_limit') AS v");
  assert.match(v, /MiB|MB|GiB/);
  withMine.close();
});
