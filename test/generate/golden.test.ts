import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { generateFromIndicators } from '../../src/generate/generate.js';
import { readIndicators } from '../../src/intel/read.js';
import { renderMarkdown } from '../../src/report/markdown.js';

const SEED = '../shared/seed/nanocore-rat-sentinel-hunt.txt';
const GOLDEN = 'test/fixtures/golden/seed-report.md';

test('the seed report is generated exactly as the golden file (HUNTFORGE_UPDATE_FIXTURES=1 rewrites it)', async () => {
  const read = await readIndicators([SEED]);
  const result = generateFromIndicators(read, { now: new Date('2026-11-28T00:00:00Z') });
  const markdown = renderMarkdown(result.report);
  if (process.env.HUNTFORGE_UPDATE_FIXTURES === '1' || !existsSync(GOLDEN)) writeFileSync(GOLDEN, markdown);
  assert.equal(markdown, readFileSync(GOLDEN, 'utf8'));
});

test('the seed report has the seed sections, improved', async () => {
  const read = await readIndicators([SEED]);
  const { report } = generateFromIndicators(read, { now: new Date('2026-11-28T00:00:00Z') });
  const md = renderMarkdown(report);
  for (const section of [
    '## IOC Summary',
    '## Hunting Queries',
    '## Required Tables and Data Connectors',
    '## False Positive Scenarios',
    '## What Changed Versus a Naive IOC Hunt',
  ]) {
    assert.ok(md.includes(section), section);
  }
  assert.deepEqual(report.iocSummary.families, ['Nanocore RAT']);
  assert.equal(report.iocSummary.total, 6);
  assert.equal(report.iocSummary.flagged, 3);
  assert.deepEqual(report.iocSummary.types, ['domain', 'ip:port']);
  assert.match(
    md,
    /\| ip:port \| 104\[\.\]21\[\.\]9\[\.\]66:443 \| botnet_cc \| 2026-04-25 \| 100% \| Cloudflare/,
  );
  for (const table of ['CommonSecurityLog', 'DeviceNetworkEvents', 'DnsEvents']) {
    assert.ok(
      report.tables.some((t) => t.table === table),
      table,
    );
  }
  assert.deepEqual(report.tables.find((t) => t.table === 'DnsEvents')!.connectors, [
    { connectorId: 'DNS', dataTypes: ['DnsEvents'] },
  ]);
  // The seed's five scenarios, each with the exact filter compiled into the query.
  for (const title of [
    'Legitimate scheduled backup job using ntbackup.exe',
    'Admin using PowerShell to manage scheduled tasks',
    'Legitimate use of certutil.exe for certificate management',
    'Antivirus or endpoint protection tool using msiexec.exe',
    'Legitimate use of regsvr32.exe for COM registration',
  ]) {
    const scenario = report.falsePositives.find((f) => f.title === title);
    assert.ok(scenario, title);
    assert.ok(scenario.filters.length > 0, `${title} has a filter`);
  }
  const improvements = report.improvements.join('\n');
  assert.match(improvements, /Cloudflare/);
  assert.match(improvements, /keep their port/);
  assert.match(improvements, /theponzu\.com\.evil\.net/);
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report, 'report.json carries the same content');
});
