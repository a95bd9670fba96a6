import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compactIndicators } from '../../src/generate/compact-indicators.js';
import { DEFENDER_INLINE_LIST_LIMIT, generateFromIndicators } from '../../src/generate/generate.js';
import { writeGenerated } from '../../src/generate/write.js';
import { readIndicators, readIndicatorsFromText } from '../../src/intel/read.js';
import { validateKql } from '../../src/kql/validate.js';
import { renderHuntKql } from '../../src/render/kql/hunt.js';
import { ALL_IOCS_FILE, IOC_TABLE_LIMIT } from '../../src/report/build.js';
import { csvDocument } from '../../src/report/csv.js';

const now = new Date('2026-11-28T00:00:00Z');
const SEED = '../shared/seed/nanocore-rat-sentinel-hunt.txt';

/** A plain indicator list: ip:port, domains and sha256 hashes, every value distinct. */
function feedText(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) lines.push(`45.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${1024 + (i % 50_000)}`);
    else if (i % 3 === 1) lines.push(`c2-${i.toString(36)}.bad-zone.net`);
    else lines.push(createHash('sha256').update(String(i)).digest('hex'));
  }
  return `${lines.join('\n')}\n`;
}

function csvRows(path: string): string[] {
  return readFileSync(path, 'utf8').split('\r\n').slice(1, -1);
}

test('generate on 30,000 indicators streams complete watchlists and IOC list, and caps the report table', async () => {
  const n = 30_000;
  const read = await readIndicatorsFromText(feedText(n), 'big-feed.txt', { workers: false });
  assert.equal(read.indicators.length, n);
  const result = generateFromIndicators(read, { now, families: ['Nanocore RAT'] });
  const dir = mkdtempSync(join(tmpdir(), 'huntforge-large-'));
  try {
    const files = await writeGenerated(dir, result);
    assert.ok(files.includes(ALL_IOCS_FILE));

    // iocs.csv: every indicator, once
    const iocRows = csvRows(join(dir, ALL_IOCS_FILE));
    assert.equal(iocRows.length, n);
    const listed = new Set(iocRows.map((row) => row.split(',')[1]));
    for (const i of read.indicators) assert.ok(listed.has(i.value), i.value);

    // watchlists: as many rows as the lists hold, every value of the hunt present
    assert.ok(result.watchlists.length > 0);
    for (const w of result.watchlists) {
      const rows = csvRows(join(dir, w.file));
      assert.equal(rows.length, w.rowCount, w.file);
      const written = readFileSync(join(dir, w.file), 'utf8');
      const whole = csvDocument(
        ['SearchKey', 'ListName', 'IndicatorType', 'Family'],
        w.rows.map((r) => [r.SearchKey, r.ListName, r.IndicatorType, r.Family]),
      );
      assert.equal(written, whole, `${w.file} is what the whole-document writer gave`);
    }
    const domains = result.watchlists.find((w) => w.alias.endsWith('_domain'));
    assert.ok(domains);
    const keys = new Set(csvRows(join(dir, domains.file)).map((row) => row.split(',')[0]));
    for (const i of read.indicators) if (i.type === 'domain') assert.ok(keys.has(i.value), i.value);

    // no query inlines more than the inline limits
    for (const q of result.queries) assert.ok(q.kql.length < 3_000_000, q.file);

    // report: the first IOC_TABLE_LIMIT rows and a line naming the file with all of them
    assert.equal(result.report.iocSummary.rows.length, IOC_TABLE_LIMIT);
    assert.equal(result.report.iocSummary.total, n);
    assert.equal(result.report.iocSummary.allRowsFile, ALL_IOCS_FILE);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    const tableRows = md.split('\n').filter((line) => /^\| (ip:port|domain|sha256) \|/.test(line));
    assert.equal(tableRows.length, IOC_TABLE_LIMIT);
    assert.match(
      md,
      new RegExp(`First ${IOC_TABLE_LIMIT} of ${n} indicators shown; all ${n} are in iocs\\.csv`),
    );
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    assert.equal(json.iocSummary.rows.length, IOC_TABLE_LIMIT);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a small feed writes no IOC list and keeps its whole report table', async () => {
  const read = await readIndicators([SEED]);
  const result = generateFromIndicators(read, { now });
  assert.equal(result.report.iocSummary.rows.length, read.indicators.length);
  assert.equal('allRowsFile' in result.report.iocSummary, false);
  assert.deepEqual(result.warnings, []);
  const dir = mkdtempSync(join(tmpdir(), 'huntforge-small-'));
  try {
    const files = await writeGenerated(dir, result);
    assert.equal(files.includes(ALL_IOCS_FILE), false);
    assert.equal(existsSync(join(dir, ALL_IOCS_FILE)), false);
    assert.doesNotMatch(readFileSync(join(dir, 'report.md'), 'utf8'), /indicators shown; all/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Defender queries past the inline limit fetch the watchlist CSV with externaldata', async () => {
  const read = await readIndicatorsFromText(feedText(30), 'feed.txt');
  const result = generateFromIndicators(read, { now, tables: ['DeviceNetworkEvents'] });
  const hunt = result.plan.hunts.find((h) => h.match?.indicatorType === 'domain');
  assert.ok(hunt);
  const url = 'https://example.invalid/huntforge/watchlists/hf_intel_domain.csv';
  const kql = renderHuntKql(hunt, {
    platform: 'defender',
    lookback: '14d',
    source: 'test',
    generated: now,
    indicatorSource: { kind: 'externaldata', url },
  });
  assert.match(kql, /externaldata\(SearchKey: string, ListName: string/);
  assert.doesNotMatch(kql, /c2-/, 'no value inline');
  assert.deepEqual(validateKql(kql, { platform: 'defender' }), []);
  assert.ok(DEFENDER_INLINE_LIST_LIMIT >= 10_000);
});

test('compacted indicators equal the ones read, with their repeated parts shared and frozen', async () => {
  const csv = [
    '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","is_compromised","reference","tags","anonymous","reporter"',
    ...Array.from(
      { length: 50 },
      (_, i) =>
        `"2026-04-0${1 + (i % 3)} 00:00:00", "${i}", "c2-${i}.bad.net", "domain", "botnet_cc", "win.nanocore", "Nancrat,NanoCore", "Nanocore RAT", "", "75", "False", "None", "NanoCore,c2", "0", "abuse_ch"`,
    ),
  ].join('\n');
  const read = await readIndicatorsFromText(csv, 'feed.csv');
  assert.equal(read.indicators.length, 50);
  const compact = compactIndicators(read.indicators);
  assert.equal(JSON.stringify(compact), JSON.stringify(read.indicators));
  assert.equal(compact[0].tags, compact[1].tags, 'one tags array for all');
  assert.equal(compact[0].malwareIds, compact[49].malwareIds);
  assert.ok(Object.isFrozen(compact[0].tags));
  assert.equal(compact[3].sources[0].location, read.indicators[3].sources[0].location);
  assert.equal(compact[3].sources[0].file, compact[4].sources[0].file);
});
