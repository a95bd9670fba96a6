import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isKustoLoaded } from '../../src/kql/kusto.js';

const FILES = 'test/fixtures/kql/files';
const SEED = 'test/fixtures/kql/seed';
const LINE =
  /^(?<path>[^\s:]+):(?<line>\d+):(?<col>\d+): (?<severity>error|warning|suggestion) (?<code>KS\d{3}|YAML|JSON) \S.*$/;

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'validate', ...args], {
    encoding: 'utf8',
  });
}

test('valid queries: only the summary, exit 0', () => {
  const r = cli(SEED);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '3 files, 3 queries, 0 errors, 0 warnings\n');
  assert.equal(r.stderr, '');
});

test('errors: one path:line:col line per diagnostic, then the summary, exit 1', () => {
  const r = cli(FILES);
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  const summary = lines.pop();
  assert.equal(summary, '6 files, 7 queries, 5 errors, 0 warnings');
  for (const line of lines) assert.match(line, LINE);
  assert.deepEqual(
    lines.map((l) => l.split(': ')[0] + ' ' + l.split(' ')[2]),
    [
      `${FILES}/arm/rules.json:24:84 KS142`,
      `${FILES}/broken.csl:4:26 KS142`,
      `${FILES}/defender/network.kql:2:9 KS142`,
      `${FILES}/sentinel/hunting/broken-columns.yaml:12:28 KS142`,
      `${FILES}/sentinel/hunting/broken-columns.yaml:13:12 KS204`,
    ],
  );
  assert.equal(
    lines[1],
    `${FILES}/broken.csl:4:26: error KS142 The name 'Nmae' does not refer to any known column, table, variable or function.`,
  );
});

test('warnings are counted always and printed with --warnings; they do not fail the run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'huntforge-validate-'));
  const file = join(dir, 'costly.kql');
  writeFileSync(file, 'DnsEvents\n| where Name contains "theponzu"\n| join (DnsEvents) on Name\n');
  const quiet = cli(file);
  assert.equal(quiet.status, 0);
  assert.equal(quiet.stdout, '1 file, 1 query, 0 errors, 2 warnings\n');
  const loud = cli('--warnings', file);
  assert.equal(loud.status, 0);
  assert.deepEqual(loud.stdout.trimEnd().split('\n').slice(0, 2), [
    `${file}:2:14: suggestion KS500 Avoid using the 'contains' operator as it has a high compute price. Use the 'has' operator in cases when full term match is desired (see: https://aka.ms/kusto.stringterms).`,
    `${file}:3:3: warning KS508 Avoid using joins without specifying the join kind. The default join behavior may be unexpected.`,
  ]);
});

test('--json gives files, unreadable and summary', () => {
  const r = cli('--json', join(FILES, 'broken.csl'), join(FILES, 'valid.kql'));
  assert.equal(r.status, 1);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(report.summary, { files: 2, queries: 2, errors: 1, warnings: 0 });
  assert.deepEqual(report.unreadable, []);
  assert.deepEqual(report.files[0].diagnostics[0], {
    path: join(FILES, 'broken.csl'),
    line: 4,
    column: 26,
    severity: 'error',
    code: 'KS142',
    message: "The name 'Nmae' does not refer to any known column, table, variable or function.",
  });
  assert.equal(report.files[0].platform, 'sentinel');
});

test('an unreadable path is exit 2 with a line on stderr; readable paths are still checked', () => {
  const r = cli(join(SEED, 'dnsevents.kql'), 'no/such/file.kql');
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '1 file, 1 query, 0 errors, 0 warnings\n');
  assert.equal(r.stderr, 'huntforge validate: cannot read no/such/file.kql: no such file or directory\n');
});

test('--platform defender checks everything as Defender XDR', () => {
  const r = cli('--platform', 'defender', join(SEED, 'devicenetworkevents.kql'), join(SEED, 'dnsevents.kql'));
  assert.equal(r.status, 1);
  assert.match(r.stdout, /dnsevents\.kql:4:1: error KS204 The name 'DnsEvents'/);
});

test('bad arguments are exit 2; --help shows usage and a real example', () => {
  assert.equal(cli().status, 2);
  assert.equal(cli('--platform', 'splunk', SEED).status, 2);
  assert.equal(cli('--frobnicate', SEED).status, 2);
  const help = cli('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: huntforge validate <file\|dir\.\.\.>/);
  assert.match(help.stdout, /Example:\n {2}huntforge validate /);
});

test('the parser is loaded only when a command validates something', async () => {
  const { main } = await import('../../src/cli/main.js');
  const write = process.stdout.write;
  const captured: string[] = [];
  process.stdout.write = ((chunk: string) => {
    captured.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    assert.equal(await main(['--help']), 0);
    assert.equal(await main(['validate', '--help']), 0);
    assert.equal(isKustoLoaded(), false);
    assert.equal(await main(['validate', join(SEED, 'dnsevents.kql')]), 0);
    assert.equal(isKustoLoaded(), true);
  } finally {
    process.stdout.write = write;
  }
  assert.ok(captured.join('').includes('1 file, 1 query, 0 errors, 0 warnings'));
});
