import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli.js';

const ROOT = process.cwd();
const SEED = resolve(ROOT, '../shared/seed/nanocore-rat-sentinel-hunt.txt');
const FEED = resolve(ROOT, 'examples/nanocore/feed.json');
const LOGS = resolve(ROOT, 'examples/nanocore/logs');

function files(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

test('generate on the seed writes the documented layout and validate reports zero errors', async () => {
  const out = mkdtempSync(join(tmpdir(), 'hf-gen-'));
  const gen = await runCli(['generate', SEED, '-o', out], { timeoutMs: 120_000 });
  assert.equal(gen.status, 0, gen.stderr);
  assert.match(gen.stdout, /Nanocore RAT: 6 indicators \(3 flagged\)/);
  assert.match(gen.stdout, /: 0 errors\./);
  const written = files(out);
  for (const expected of [
    'report.md',
    'report.json',
    'kql/sentinel/ip-CommonSecurityLog.kql',
    'kql/sentinel/domain-DnsEvents.kql',
    'kql/defender/ip-DeviceNetworkEvents.kql',
    'sentinel/hunting/domain-DnsEvents.yaml',
    'sentinel/analytics/domain-DnsEvents.yaml',
    'sentinel/arm/analytics-rules.json',
  ]) {
    assert.ok(written.includes(expected), `${expected} missing from ${written.join(', ')}`);
  }
  const validate = await runCli(['validate', out], { timeoutMs: 120_000 });
  assert.equal(validate.status, 0, validate.stdout + validate.stderr);
  assert.match(validate.stdout, /0 errors/);
});

test('a huntforge.yaml exclusion changes both the generated KQL and the local findings', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hf-cfg-'));
  writeFileSync(
    join(dir, 'huntforge.yaml'),
    [
      'exclusions:',
      '  - id: finance-sandbox',
      '    reason: ws-fin-07 is our detonation sandbox',
      '    field: host',
      '    equals: [ws-fin-07.corp.local]',
      '',
    ].join('\n'),
  );
  const out = join(dir, 'out');
  const tuned = await runCli(['hunt', FEED, '--logs', LOGS, '--json', '-o', out], {
    cwd: dir,
    timeoutMs: 120_000,
  });
  assert.equal(tuned.status, 0, tuned.stderr);
  const kql = readFileSync(join(out, 'kql/sentinel/ip-DeviceNetworkEvents.kql'), 'utf8');
  assert.match(kql, /\| where not\(DeviceName =~ "ws-fin-07\.corp\.local"\)/);
  const tunedHosts = (
    JSON.parse(tuned.stdout) as { findings: { row: { DeviceName?: string } }[] }
  ).findings.map((f) => f.row.DeviceName);
  assert.ok(!tunedHosts.includes('ws-fin-07.corp.local'));
  assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /finance-sandbox/);

  const plain = await runCli(['hunt', FEED, '--logs', LOGS, '--json', '--no-exclusions'], {
    cwd: dir,
    timeoutMs: 120_000,
  });
  const plainHosts = (
    JSON.parse(plain.stdout) as { findings: { row: { DeviceName?: string } }[] }
  ).findings.map((f) => f.row.DeviceName);
  assert.ok(plainHosts.includes('ws-fin-07.corp.local'), '--no-exclusions brings the host back');
});

test('hunt --json follows the contract and --fail-on-findings exits 1; bad config is one clear line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hf-json-'));
  const r = await runCli(['hunt', FEED, '--logs', LOGS, '--json', '--fail-on-findings'], {
    cwd: dir,
    timeoutMs: 120_000,
  });
  assert.equal(r.status, 1);
  const doc = JSON.parse(r.stdout) as {
    findings: Record<string, unknown>[];
    summary: unknown;
    warnings: unknown[];
  };
  assert.ok(doc.findings.length > 0);
  for (const key of ['huntId', 'table', 'indicator', 'indicatorType', 'timestamp', 'row'])
    assert.ok(key in doc.findings[0], key);
  assert.ok(doc.summary);
  assert.ok(Array.isArray(doc.warnings));

  writeFileSync(
    join(dir, 'huntforge.yaml'),
    'exclusions:\n  - id: x\n    reason: y\n    field: host\n    matches: [a]\n',
  );
  const bad = await runCli(['hunt', FEED, '--logs', LOGS], { cwd: dir, timeoutMs: 120_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /huntforge\.yaml:\d+/);
});

test('hunt: what the logs could not give is in the warnings of --json, findings.json and report.md', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hf-skipped-'));
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  writeFileSync(
    join(logs, 'DnsEvents.jsonl'),
    `${JSON.stringify({ TimeGenerated: '2026-04-25T10:00:00Z', Computer: 'pc1', Name: 'theponzu.com' })}\n{"broken":\n`,
  );
  const skipped = /DnsEvents\.jsonl: 1 malformed records skipped \(first: .*DnsEvents\.jsonl:2 /;
  const r = await runCli(['hunt', SEED, '--logs', logs, '--json', '-o', join(dir, 'out')], {
    cwd: dir,
    timeoutMs: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { findings: unknown[]; warnings: string[] };
  assert.equal(doc.findings.length, 1);
  assert.match(doc.warnings[0], skipped);
  const written = JSON.parse(readFileSync(join(dir, 'out', 'findings.json'), 'utf8')) as {
    warnings: string[];
  };
  assert.match(written.warnings[0], skipped);
  assert.match(readFileSync(join(dir, 'out', 'report.md'), 'utf8'), /1 malformed records skipped/);
  assert.match(r.stderr, /^warning: .*1 malformed records skipped/m);
});
