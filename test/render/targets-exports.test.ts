import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseCsv } from 'csv-parse/sync';
import { readIndicators } from '../../src/intel/read.js';
import { parsePattern } from '../../src/intel/readers/stix-pattern.js';
import type { Indicator } from '../../src/intel/types.js';
import { renderMisp } from '../../src/render/targets/misp.js';
import { renderStix, stixPattern, stixString } from '../../src/render/targets/stix.js';
import { csvCell, renderWatchlist, WATCHLIST_COLUMNS } from '../../src/render/targets/watchlist.js';
import { CONTEXT, HOSTILE_VALUES, hunt, indicator, seedHunts } from './targets-support.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const validateStix = ajv.compile(JSON.parse(readFileSync('data/schemas/stix21-rules.json', 'utf8')));

interface StixObject {
  type: string;
  id: string;
  [key: string]: unknown;
}

function mixedHunts() {
  return [
    ...seedHunts(),
    hunt('url', [
      indicator('url', 'http://evil-gate.com:8080/Gate.php?id=1', {
        port: 8080,
        validUntil: '2027-01-01T00:00:00Z',
      }),
    ]),
    hunt('hash', [
      indicator('md5', '0123456789abcdef0123456789abcdef'),
      indicator('sha1', '0123456789abcdef0123456789abcdef01234567'),
      indicator('sha256', '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', {
        confidence: null,
      }),
    ]),
    hunt('ip', [indicator('ipv6', '2001:db8::7', { malware: 'AsyncRAT', malwareAliases: ['asyncrat'] })], {
      family: 'AsyncRAT',
    }),
  ];
}

function bundleOf(hunts = mixedHunts()): { type: string; id: string; objects: StixObject[] } {
  return JSON.parse(renderStix(hunts, CONTEXT).files[0].content);
}

test('the STIX rules schema rejects a bad id, a missing pattern and a non-UTC timestamp (it can fail)', () => {
  const good = bundleOf();
  assert.ok(validateStix(good), ajv.errorsText(validateStix.errors));
  const mutate = (change: (o: StixObject) => void) => {
    const copy = structuredClone(good);
    change(copy.objects.find((o) => o.type === 'indicator')!);
    return validateStix(copy);
  };
  assert.equal(
    mutate((o) => {
      o.id = 'indicator--not-a-uuid';
    }),
    false,
  );
  assert.equal(
    mutate((o) => {
      delete o.pattern;
    }),
    false,
  );
  assert.equal(
    mutate((o) => {
      o.valid_from = '2026-04-25T10:11:12+02:00';
    }),
    false,
  );
  assert.equal(
    mutate((o) => {
      o.created = '2026-04-25T10:11:12Z';
    }),
    false,
  );
});

test('STIX bundle: identity, malware per family, one indicator per IOC, indicates relationships', () => {
  const bundle = bundleOf();
  assert.ok(validateStix(bundle), ajv.errorsText(validateStix.errors));
  const byType = (type: string) => bundle.objects.filter((o) => o.type === type);
  assert.equal(byType('identity').length, 1);
  assert.deepEqual(
    byType('malware')
      .map((m) => m.name)
      .sort(),
    ['AsyncRAT', 'NanoCore RAT'],
  );
  const indicators = byType('indicator');
  assert.equal(indicators.length, 11);
  assert.equal(byType('relationship').length, 11);
  const ids = new Set(bundle.objects.map((o) => o.id));
  for (const rel of byType('relationship')) {
    assert.equal(rel.relationship_type, 'indicates');
    assert.ok(ids.has(String(rel.source_ref)) && ids.has(String(rel.target_ref)));
  }
  for (const ind of indicators) {
    assert.equal(ind.pattern_type, 'stix');
    assert.ok(String(ind.valid_until) > String(ind.valid_from), `${ind.name}: valid_until after valid_from`);
    assert.doesNotThrow(() => parsePattern(String(ind.pattern)));
  }
  const ipPort = indicators.find((i) => String(i.pattern).includes('104.21.9.66'))!;
  assert.equal(
    ipPort.pattern,
    "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '104.21.9.66' AND network-traffic:dst_port = 443]",
  );
  assert.equal(ipPort.confidence, 100);
  assert.deepEqual(ipPort.kill_chain_phases, [
    { kill_chain_name: 'mitre-attack', phase_name: 'command-and-control' },
  ]);
  assert.ok((ipPort.labels as string[]).includes('flagged:shared-infrastructure'));
  assert.match(String(ipPort.description), /FLAGGED: shared-infrastructure/);
  assert.deepEqual(ipPort.external_references, [
    {
      source_name: 'ThreatFox',
      description: 'threatfox-json threatfox.json#1',
      url: 'https://threatfox.abuse.ch/ioc/1500001/',
    },
  ]);
  const url = indicators.find((i) => String(i.pattern).startsWith('[url:'))!;
  assert.equal(url.valid_until, '2027-01-01T00:00:00.000Z');
  assert.equal(
    indicators.find((i) => String(i.pattern).includes("'SHA-256'"))!.pattern,
    "[file:hashes.'SHA-256' = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef']",
  );
});

test('STIX ids do not churn: the same feed gives the same bundle', () => {
  assert.deepEqual(bundleOf(), bundleOf());
  const later = JSON.parse(
    renderStix(mixedHunts(), { ...CONTEXT, generated: new Date('2027-02-01T00:00:00Z') }).files[0].content,
  );
  assert.deepEqual(later, bundleOf());
});

test('stixString escapes backslashes and quotes so the pattern parser reads the value back', () => {
  for (const value of HOSTILE_VALUES) {
    const pattern = stixPattern(indicator('domain', value));
    assert.equal(pattern, `[domain-name:value = ${stixString(value)}]`);
    const [[[comparison]]] = parsePattern(pattern);
    assert.deepEqual(comparison.values, [value]);
  }
});

test('MISP event: attributes with type, category, to_ids, value, comment; family tag', () => {
  const event = JSON.parse(renderMisp(mixedHunts(), CONTEXT).files[0].content).Event;
  assert.match(event.uuid, /^[0-9a-f-]{36}$/);
  assert.equal(event.info, 'huntforge: AsyncRAT, NanoCore RAT indicators from ThreatFox');
  assert.deepEqual(event.Tag, [
    { name: 'misp-galaxy:malpedia="AsyncRAT"' },
    { name: 'misp-galaxy:malpedia="NanoCore RAT"' },
  ]);
  const byValue = new Map(event.Attribute.map((a: Record<string, unknown>) => [a.value, a]));
  const ipPort = byValue.get('104.21.9.66|443') as Record<string, unknown>;
  assert.equal(ipPort.type, 'ip-dst|port');
  assert.equal(ipPort.category, 'Network activity');
  assert.equal(ipPort.to_ids, true);
  assert.match(String(ipPort.comment), /FLAGGED: shared-infrastructure/);
  assert.equal((byValue.get('theponzu.com') as Record<string, unknown>).type, 'domain');
  assert.equal((byValue.get('2001:db8::7') as Record<string, unknown>).type, 'ip-dst');
  const md5 = byValue.get('0123456789abcdef0123456789abcdef') as Record<string, unknown>;
  assert.deepEqual([md5.type, md5.category], ['md5', 'Payload delivery']);
  assert.equal(new Set(event.Attribute.map((a: { uuid: string }) => a.uuid)).size, event.Attribute.length);
});

test('Sentinel watchlist CSV: SearchKey first, one row per indicator, formulas neutralised', () => {
  const content = renderWatchlist(mixedHunts(), CONTEXT).files[0].content;
  const rows: string[][] = parseCsv(content);
  assert.deepEqual(rows[0], [...WATCHLIST_COLUMNS]);
  assert.equal(rows.length, 1 + 11);
  const ip = rows.find((r) => r[0] === '104.21.9.66')!;
  assert.deepEqual(ip.slice(1, 8), [
    'ipv4',
    '104.21.9.66',
    '443',
    'NanoCore RAT',
    'botnet_cc',
    '100',
    'shared-infrastructure: Cloudflare anycast range (cloudflare-ips)',
  ]);
  for (const value of HOSTILE_VALUES) {
    const [[cell]] = parseCsv(`${csvCell(value)}\r\n`, { relax_column_count: true });
    assert.equal(cell, /^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
  }
});

function identity(ind: Indicator): string {
  return `${ind.type}|${ind.value}|${ind.port ?? ''}|${ind.malware ?? ''}`;
}

test('round trip: huntforge reads its own STIX and MISP exports back to the same indicators', async () => {
  const hunts = mixedHunts();
  const expected = [...new Set(hunts.flatMap((h) => h.indicators).map(identity))].sort();
  const dir = mkdtempSync(join(tmpdir(), 'huntforge-targets-'));
  try {
    for (const output of [renderStix(hunts, CONTEXT), renderMisp(hunts, CONTEXT)]) {
      const path = join(dir, output.files[0].path.replace('/', '-'));
      writeFileSync(path, output.files[0].content);
      const read = await readIndicators([path]);
      assert.deepEqual(read.errors, [], output.target);
      assert.deepEqual(read.rejected, [], output.target);
      assert.deepEqual(read.indicators.map(identity).sort(), expected, output.target);
      const ipPort = read.indicators.find((i) => i.value === '104.21.9.66')!;
      assert.equal(ipPort.port, 443);
      if (output.target === 'stix') {
        assert.equal(ipPort.confidence, 100);
        assert.equal(read.indicators.find((i) => i.type === 'url')!.validUntil, '2027-01-01T00:00:00Z');
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
