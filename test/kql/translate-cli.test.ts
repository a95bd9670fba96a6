/** `huntforge kql` end to end: log files in, the result as a table, --json or --csv; errors on one line. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const logs = join(import.meta.dirname, 'corpus', 'logs');
const seedDns = join(import.meta.dirname, 'corpus', 'seed', 'dnsevents.kql');

function kql(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'kql', ...args], {
    encoding: 'utf8',
  });
}

test('--json prints exactly {columns, rows} with the seed query read from @file', () => {
  const r = kql(`@${seedDns}`, '--logs', logs, '--json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(doc), ['columns', 'rows']);
  assert.deepEqual(doc.columns, [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'Computer', type: 'string' },
    { name: 'Name', type: 'string' },
    { name: 'IPAddresses', type: 'string' },
    { name: 'QueryType', type: 'string' },
  ]);
  assert.deepEqual(
    doc.rows.map((row: Record<string, unknown>) => row.Computer),
    ['pc4', 'pc2', 'pc1'],
  );
});

test('--csv prints a header and one line per row', () => {
  const r = kql(
    'DnsEvents | summarize n = count() by QueryType | order by QueryType asc',
    '--logs',
    logs,
    '--csv',
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'QueryType,n\r\nA,3\r\nAAAA,1\r\n');
});

test('the default output is an aligned table with a row count', () => {
  const r = kql('DnsEvents | where Computer == "pc1" | project Computer, Name', '--logs', logs);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n'), [
    'Computer  Name',
    '--------  ------------',
    'pc1       theponzu.com',
    '(1 row)',
    '',
  ]);
});

test('control characters from the logs are shown, not sent to the terminal, in the table and the warnings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'huntforge-kql-cli-'));
  try {
    const file = join(dir, 'DnsEvents.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({
          TimeGenerated: '2026-04-24T00:00:00Z',
          Computer: '\u001b[31mRED\u001b]0;title\u0007 abc\u202egnp.exe',
          Name: 'x',
        }),
        '{"bad": "\u001b]0;PWNED\u0007',
      ].join('\n'),
    );
    const r = kql('DnsEvents | project Computer', '--logs', dir);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    assert.ok(r.stdout.includes(String.raw`\x1b[31mRED\x1b]0;title\x07 abc\u202egnp.exe`), r.stdout);
    assert.match(r.stderr, /^warning: .*DnsEvents\.jsonl: 1 malformed records skipped/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unsupported operator is one line naming it and its position, exit 2', () => {
  const r = kql('DnsEvents\n| evaluate bag_unpack(Computer)', '--logs', logs);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /unsupported KQL operator 'evaluate' at line 2:3/);
});

test('an unknown column is one line with its position, exit 2', () => {
  const r = kql('DnsEvents | where Nam has "x"', '--logs', logs);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /line 1:19: The name 'Nam' does not refer/);
});

test('--now fixes the instant ago() counts back from', () => {
  const query = 'DnsEvents | where TimeGenerated > ago(1h) | project Computer';
  const atLogs = kql(query, '--logs', logs, '--now', '2026-04-25T13:30:00Z', '--csv');
  assert.equal(atLogs.status, 0, atLogs.stderr);
  assert.equal(atLogs.stdout, 'Computer\r\npc4\r\n');
  const today = kql(query, '--logs', logs, '--csv');
  assert.equal(today.stdout, 'Computer\r\n');
});

test('--help shows a real example', () => {
  const r = kql('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /huntforge kql 'DnsEvents \| where Name has_any/);
});

test('no logs and no database is a usage error', () => {
  const r = kql('DnsEvents | take 1');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--logs/);
});
