import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fixture, repoRoot, seedPath } from './helpers.js';

function iocs(args: string[], input?: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'iocs', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    input,
  });
}

const dir = mkdtempSync(join(tmpdir(), 'huntforge-iocs-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('iocs on the seed prints the family, counts, flagged count and the seed table with flags', () => {
  const r = iocs([seedPath]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.trimEnd().split('\n');
  assert.deepEqual(lines.slice(0, 4), [
    'Malware Family: Nanocore RAT',
    'Total IOCs: 6',
    'IOC Types: domain 3, ip:port 3',
    'Flagged: 3',
  ]);
  assert.ok(lines.includes('| Type | Value | Threat Type | First Seen | Confidence | Flags |'));
  assert.ok(lines.includes('| domain | airtellwireless[.]it[.]com | botnet_cc | 2026-04-25 | 75% |  |'));
  const ipRow = lines.find((l) =>
    l.startsWith('| ip:port | 104[.]21[.]9[.]66:443 | botnet_cc | 2026-04-25 | 100% |'),
  );
  assert.ok(ipRow, r.stdout);
  assert.match(ipRow, /shared-infrastructure/);
  assert.equal(lines.filter((l) => l.startsWith('| ip:port') || l.startsWith('| domain')).length, 6);
});

test('iocs --json is exactly the DESIGN contract', () => {
  const r = iocs([seedPath, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(doc), ['indicators', 'rejected']);
  assert.equal(doc.indicators.length, 6);
  for (const i of doc.indicators)
    assert.deepEqual(Object.keys(i), [
      'type',
      'value',
      'port',
      'malware',
      'threatType',
      'firstSeen',
      'lastSeen',
      'confidence',
      'tags',
      'sources',
      'flags',
    ]);
  const ip = doc.indicators.find((i: { value: string }) => i.value === '104.21.9.66');
  assert.equal(ip.type, 'ipv4');
  assert.equal(ip.port, 443);
  assert.equal(ip.confidence, 100);
  assert.equal(ip.firstSeen, '2026-04-25T00:00:00Z');
  assert.deepEqual(Object.keys(ip.flags[0]), ['list', 'category', 'reason']);
  assert.deepEqual(doc.rejected, []);
});

test('rejected records are counted on stderr and listed in --json with location, reason and raw', () => {
  const file = fixture('threatfox-2026-crlf.csv');
  const r = iocs([file, '--json']);
  assert.equal(r.status, 0);
  assert.equal(r.stderr, `2 records rejected (first: ${file}:11 not a well-formed CSV row)\n`);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(doc.rejected[0]), ['location', 'reason', 'raw']);
  assert.equal(doc.indicators.length, 5);
});

test('iocs --csv neutralises cells a spreadsheet would execute', () => {
  const r = iocs([fixture('hostile.json'), '--csv']);
  assert.equal(r.status, 0, r.stderr);
  const [header, ...rows] = r.stdout.split('\r\n').filter((l) => l !== '');
  assert.equal(
    header,
    'type,value,port,malware,threat_type,first_seen,last_seen,confidence,tags,flags,sources',
  );
  const text = rows.join('\r\n');
  assert.match(text, /"'=HYPERLINK\(""http:\/\/x""\);line\nbreak;/);
  assert.match(text, /"Evil ""RAT"" <script>/);
  assert.doesNotMatch(text, /(^|,)[=+@-]/m);
});

test('filters: --type (comma list), --min-confidence, --family by alias, --since/--until, --drop-flagged', () => {
  const count = (args: string[]) => JSON.parse(iocs([seedPath, '--json', ...args]).stdout).indicators.length;
  assert.equal(count(['--type', 'ipv4']), 3);
  assert.equal(count(['--type', 'domain,ipv4']), 6);
  assert.equal(count(['--type', 'url', '--type', 'domain']), 3);
  assert.equal(count(['--min-confidence', '90']), 3);
  assert.equal(count(['--family', 'nanocore rat']), 6);
  assert.equal(count(['--family', 'AsyncRAT']), 0);
  assert.equal(count(['--since', '2026-04-26']), 0);
  assert.equal(count(['--until', '2026-04-25']), 6);
  assert.equal(count(['--max-age', '36500d']), 6);
  assert.equal(count(['--drop-flagged']), 3);
  const misp = JSON.parse(iocs([fixture('threatfox-api.json'), '--json', '--family', 'nancrat']).stdout);
  assert.equal(misp.indicators.length, 3);
});

test('a date-only --until keeps that whole day; days a month lacks are errors', () => {
  const feed = join(dir, 'noon.json');
  writeFileSync(
    feed,
    JSON.stringify({
      query_status: 'ok',
      data: [{ ioc: 'evil.example.com', ioc_type: 'domain', first_seen: '2026-03-01 12:00:00 UTC' }],
    }),
  );
  const count = (args: string[]) => JSON.parse(iocs([feed, '--json', ...args]).stdout).indicators.length;
  assert.equal(count(['--until', '2026-03-01']), 1);
  assert.equal(count(['--until', '2026-02-28']), 0);
  assert.equal(count(['--until', '2026-03-01T11:59:59Z']), 0);
  assert.equal(count(['--since', '2026-03-01']), 1);
  assert.equal(count(['--since', '2026-03-02']), 0);
  for (const date of ['2026-02-30', '2026-02-29', '2026-04-31T10:00:00Z', '2026-13-01']) {
    const r = iocs([feed, '--until', date]);
    assert.equal(r.status, 2, date);
    assert.equal(
      r.stderr.trim(),
      `huntforge iocs: --until: expected a date such as 2026-04-25, got '${date}'`,
    );
  }
});

test('the table escapes | and \\ in values, so each keeps its cell', () => {
  const r = iocs(['-'], 'http://evil.example.com/a|b\\c\n');
  assert.equal(r.status, 0, r.stderr);
  const row = r.stdout.split('\n').find((l) => l.startsWith('| url |'));
  assert.equal(row, '| url | hxxp://evil[.]example[.]com/a\\|b\\\\c |  |  |  |  |');
});

test('reads standard input with -', () => {
  const r = iocs(['-', '--json'], readFileSync(seedPath, 'utf8'));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).indicators.length, 6);
});

test('no readable input: one clear line naming the file, exit 2', () => {
  const r = iocs(['/nonexistent/feed.csv']);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'huntforge iocs: /nonexistent/feed.csv: no such file\n');
});

test('an unknown format names the file and the accepted formats; other inputs are still read (exit 0)', () => {
  const pdf = join(dir, 'report.bin');
  writeFileSync(pdf, Buffer.from('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n', 'latin1'));
  const json = join(dir, 'other.json');
  writeFileSync(json, '{"hello": "world"}');
  const r = iocs([pdf, json, seedPath]);
  assert.equal(r.status, 0);
  const errors = r.stderr.trimEnd().split('\n');
  assert.equal(errors.length, 2);
  assert.match(
    errors[0],
    /report\.bin: is a PDF: extract its text first .*accepted: ThreatFox API JSON, .*STIX 2\.1/,
  );
  assert.match(errors[1], /other\.json: JSON, but not a recognised format \(accepted: /);
  assert.match(r.stdout, /Total IOCs: 6/);
});

test('bad arguments exit 2 with one line', () => {
  for (const args of [
    ['--type', 'cidr', seedPath],
    ['--min-confidence', '101', seedPath],
    ['--max-age', 'soon', seedPath],
    [],
    ['--json', '--csv', seedPath],
  ]) {
    const r = iocs(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('--help shows usage, options and real examples', () => {
  const r = iocs(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: huntforge iocs <input\.\.\.>/);
  assert.match(r.stdout, /huntforge iocs \.\.\/shared\/seed\/nanocore-rat-sentinel-hunt\.txt/);
  for (const option of [
    '--json',
    '--csv',
    '--min-confidence',
    '--since',
    '--until',
    '--max-age',
    '--family',
    '--type',
    '--drop-flagged',
  ])
    assert.ok(r.stdout.includes(option), option);
});
