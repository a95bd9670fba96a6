import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterIndicators } from '../../src/intel/filter.js';
import { mergeIndicators } from '../../src/intel/merge.js';
import { readIndicatorsFromText } from '../../src/intel/read.js';
import type { Indicator } from '../../src/intel/types.js';

function indicator(overrides: Partial<Indicator>): Indicator {
  return {
    type: 'domain',
    value: 'theponzu.com',
    port: null,
    host: null,
    malware: null,
    malwareIds: [],
    malwareAliases: [],
    threatType: null,
    firstSeen: null,
    lastSeen: null,
    validUntil: null,
    confidence: null,
    tags: [],
    sources: [{ file: 'a', location: 'a:1', format: 'text' }],
    flags: [],
    ...overrides,
  };
}

test('merge: one per (type, value, port); max confidence, earliest first, latest last, unions, first family', () => {
  const merged = mergeIndicators([
    indicator({
      confidence: 50,
      firstSeen: '2026-04-25T00:00:00Z',
      lastSeen: '2026-04-26T00:00:00Z',
      tags: ['a'],
    }),
    indicator({
      confidence: 90,
      firstSeen: '2026-04-20T00:00:00Z',
      lastSeen: '2026-04-21T00:00:00Z',
      malware: 'Nanocore RAT',
      malwareAliases: ['nancrat'],
      threatType: 'botnet_cc',
      tags: ['b', 'a'],
      sources: [{ file: 'b', location: 'b#7', format: 'stix' }],
    }),
    indicator({ malware: 'Other', threatType: 'payload', confidence: null }),
    indicator({ type: 'ipv4', value: '104.21.9.66', port: 443 }),
    indicator({ type: 'ipv4', value: '104.21.9.66', port: 8443 }),
    indicator({ type: 'ipv4', value: '104.21.9.66', port: null }),
  ]);
  assert.equal(merged.length, 4);
  const [domain] = merged;
  assert.equal(domain.confidence, 90);
  assert.equal(domain.firstSeen, '2026-04-20T00:00:00Z');
  assert.equal(domain.lastSeen, '2026-04-26T00:00:00Z');
  assert.equal(domain.malware, 'Nanocore RAT');
  assert.equal(domain.threatType, 'botnet_cc');
  assert.deepEqual(domain.tags, ['a', 'b']);
  assert.deepEqual(domain.malwareAliases, ['nancrat']);
  assert.deepEqual(
    domain.sources.map((s) => s.location),
    ['a:1', 'b#7', 'a:1'],
  );
});

test('merge does not mutate its inputs or share their lists', () => {
  const a = indicator({ tags: ['x'] });
  const b = indicator({ tags: ['y'] });
  mergeIndicators([a, b]);
  assert.deepEqual(a.tags, ['x']);
  assert.equal(a.sources.length, 1);
});

const list = [
  indicator({
    value: 'old.example.com',
    firstSeen: '2026-01-01T00:00:00Z',
    confidence: 50,
    malware: 'AsyncRAT',
  }),
  indicator({
    value: 'new.example.com',
    firstSeen: '2026-04-24T00:00:00Z',
    confidence: 90,
    malware: 'Nanocore RAT',
    malwareIds: ['win.nanocore'],
    malwareAliases: ['nancrat'],
  }),
  indicator({
    type: 'ipv4',
    value: '104.21.9.66',
    port: 443,
    confidence: 100,
    firstSeen: '2026-04-25T00:00:00Z',
    flags: [{ list: 'cloudflare', category: 'shared-infrastructure', reason: 'x' }],
  }),
  indicator({ value: 'undated.example.com' }),
];
const values = (xs: Indicator[]) => xs.map((i) => i.value);

test('filters: confidence, since/until, max age against a given now, family by name/id/alias, type, flagged', () => {
  assert.deepEqual(values(filterIndicators(list, { minConfidence: 90 })), ['new.example.com', '104.21.9.66']);
  assert.deepEqual(values(filterIndicators(list, { since: new Date('2026-04-01T00:00:00Z') })), [
    'new.example.com',
    '104.21.9.66',
  ]);
  assert.deepEqual(values(filterIndicators(list, { until: new Date('2026-04-24T00:00:00Z') })), [
    'old.example.com',
    'new.example.com',
  ]);
  assert.deepEqual(
    values(filterIndicators(list, { maxAgeMs: 2 * 86_400_000, now: new Date('2026-04-26T00:00:00Z') })),
    ['new.example.com', '104.21.9.66'],
  );
  for (const family of ['NANOCORE RAT', 'win.nanocore', 'Nancrat'])
    assert.deepEqual(values(filterIndicators(list, { families: [family] })), ['new.example.com'], family);
  assert.deepEqual(values(filterIndicators(list, { types: ['ipv4'] })), ['104.21.9.66']);
  assert.deepEqual(values(filterIndicators(list, { dropFlagged: true })).length, 3);
  assert.equal(filterIndicators(list, {}).length, 4);
});

test('family filter: case, spaces and punctuation aside; a Malpedia id answers to its name', async () => {
  for (const family of ['nanocore-rat', 'NanocoreRAT', ' nanocore ', 'win.nanocore'])
    assert.deepEqual(values(filterIndicators(list, { families: [family] })), ['new.example.com'], family);
  for (const family of ['nano', 'rat'])
    assert.deepEqual(values(filterIndicators(list, { families: [family] })), [], family);
  assert.equal(filterIndicators(list, { families: ['--', ' '] }).length, 4, 'no name: no family filter');
  // One address, reported as AsyncRAT, then as Remcos: merged, the family is the first one, and
  // either name finds it.
  const feed = JSON.stringify({
    query_status: 'ok',
    data: [
      { ioc: '45.9.1.2:443', ioc_type: 'ip:port', malware: 'win.asyncrat', malware_printable: 'AsyncRAT' },
      { ioc: '45.9.1.2:443', ioc_type: 'ip:port', malware: 'win.remcos', malware_printable: 'Remcos' },
    ],
  });
  for (const family of ['AsyncRAT', 'Remcos', 'win.remcos']) {
    const r = await readIndicatorsFromText(feed, 'feed.json', { families: [family] });
    assert.deepEqual(values(r.indicators), ['45.9.1.2'], family);
    assert.equal(r.indicators[0].malware, 'AsyncRAT');
  }
});

test('readIndicators applies filters after merging', async () => {
  const text = 'evil.example.com\nbad.example.org\n104[.]21[.]9[.]66:443\n';
  const r = await readIndicatorsFromText(text, 'list', { types: ['domain'] });
  assert.deepEqual(values(r.indicators), ['evil.example.com', 'bad.example.org']);
});
