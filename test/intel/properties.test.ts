import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { canonicalValue } from '../../src/intel/canonical.js';
import { readIndicators, readIndicatorsFromText } from '../../src/intel/read.js';
import { PatternError, parsePattern } from '../../src/intel/readers/stix-pattern.js';
import { defang, refang } from '../../src/intel/refang.js';

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
const suffix = fc.constantFrom(
  'com',
  'net',
  'org',
  'it.com',
  'co.uk',
  'zip',
  'mov',
  'xn--p1ai',
  'duckdns.org',
  'io',
);
const domain = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), suffix)
  .map(([ls, s]) => `${ls.join('.')}.${s}`);
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
// URL paths as feeds carry them; a path that itself contains a defang marker is shown as-is by defang.
const path = fc.stringMatching(
  /^(?:\/[A-Za-z0-9._~%!$&'*+,;=:@-]{0,12}){0,4}(?:\?[A-Za-z0-9=&.,%-]{0,16})?$/,
);
const url = fc
  .tuple(
    fc.constantFrom('http', 'https', 'ftp', 'tcp'),
    fc.oneof(domain, fc.ipV4()),
    fc.option(fc.integer({ min: 1, max: 65535 })),
    path,
  )
  .map(([scheme, host, port, p]) => `${scheme}://${host}${port === null ? '' : `:${port}`}${p}`);
const email = fc.tuple(fc.stringMatching(/^[a-z0-9._%+-]{1,20}$/), domain).map(([l, d]) => `${l}@${d}`);
const rawIndicator = fc.oneof(fc.ipV4(), fc.ipV6(), domain, url, email, hex(32), hex(40), hex(64));

test('refang(defang(x)) == x for every valid canonical indicator', () => {
  fc.assert(
    fc.property(rawIndicator, (raw) => {
      const canonical = canonicalValue(raw);
      fc.pre(canonical.ok);
      if (!canonical.ok) return;
      const value = canonical.value.value;
      assert.equal(refang(defang(value)), value);
      // and the canonical form is a fixed point
      const again = canonicalValue(value);
      assert.ok(again.ok && again.value.value === value);
    }),
    { numRuns: 2000 },
  );
});

const dir = mkdtempSync(join(tmpdir(), 'huntforge-intel-prop-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function assertWellFormed(r: Awaited<ReturnType<typeof readIndicators>>) {
  for (const x of r.rejected) {
    assert.ok(x.reason.length > 0 && x.location.length > 0);
    assert.ok(x.raw.length <= 120);
  }
  for (const e of r.errors) {
    assert.equal(e.includes('\n'), false);
    assert.doesNotMatch(e, /internal error/);
  }
}

test('no byte sequence makes readIndicators throw', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
      const file = join(dir, `bytes-${n++}`);
      writeFileSync(file, bytes);
      assertWellFormed(await readIndicators([file]));
    }),
    { numRuns: 150 },
  );
});

const csvHeader =
  '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","is_compromised","reference","tags","anonymous","reporter"\n';

test('no ThreatFox CSV row makes the CSV reader throw', async () => {
  const field = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom('None', '', 'ip:port', '1.2.3.4:99999', '"'),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(field, { minLength: 0, maxLength: 17 }), { maxLength: 8 }),
      async (rows) => {
        const body = rows.map((r) => r.map((f) => `"${f}"`).join(', ')).join('\r\n');
        assertWellFormed(await readIndicatorsFromText(csvHeader + body, 'fuzz.csv'));
      },
    ),
    { numRuns: 200 },
  );
});

test('no JSON document (ThreatFox, STIX or MISP shaped) makes the JSON readers throw', async () => {
  // Keys that shadow Object.prototype methods: `String({"toString": false})` throws.
  const methodKeyed = fc.dictionary(
    fc.constantFrom('toString', 'valueOf', 'toJSON', 'constructor', 'hasOwnProperty'),
    fc.jsonValue({ maxDepth: 1 }),
  );
  const anything = fc.oneof(fc.jsonValue({ maxDepth: 3 }), methodKeyed);
  const shaped = fc.oneof(
    anything,
    anything.map((data) => ({ query_status: 'ok', data })),
    fc
      .array(
        fc.dictionary(
          fc.constantFrom('ioc', 'ioc_type', 'tags', 'confidence_level', 'first_seen', 'malware_alias'),
          anything,
        ),
      )
      .map((data) => ({ query_status: 'ok', data })),
    fc.dictionary(
      fc.string({ maxLength: 5 }),
      fc.array(
        fc.record({ ioc_value: anything, ioc_type: fc.constantFrom('domain', 'url', 'ip:port', 'x') }),
      ),
    ),
    fc
      .array(
        fc.record({
          type: fc.constantFrom('indicator', 'malware', 'relationship'),
          pattern: fc.oneof(fc.string(), anything),
          labels: anything,
          confidence: anything,
          valid_from: anything,
          id: fc.oneof(fc.string(), anything),
          name: anything,
          target_ref: fc.oneof(fc.string(), anything),
          source_ref: fc.oneof(fc.string(), anything),
          relationship_type: fc.constant('indicates'),
        }),
      )
      .map((objects) => ({ type: 'bundle', objects })),
    fc
      .array(
        fc.record({
          type: fc.constantFrom('ip-dst|port', 'domain|ip', 'filename|sha256', 'url', 'md5', 'x'),
          value: anything,
          to_ids: fc.boolean(),
          Tag: anything,
        }),
      )
      .map((Attribute) => ({
        Event: { Attribute, Object: [{ Attribute }], Tag: [{ name: 'misp-galaxy:malpedia="x"' }] },
      })),
  );
  await fc.assert(
    fc.asyncProperty(shaped, async (doc) => {
      assertWellFormed(await readIndicatorsFromText(JSON.stringify(doc) ?? 'null', 'fuzz.json'));
    }),
    { numRuns: 300 },
  );
});

test('no text makes the free-text and list readers throw', async () => {
  const pieces = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      '[.]',
      'hxxp://',
      '|',
      '| Value |',
      '<td>',
      '&#46;',
      '=\n',
      '104[.]21',
      ':443',
      '\\.',
      'Malware Family:',
      '\f',
    ),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(pieces, { maxLength: 30 }), async (parts) => {
      assertWellFormed(await readIndicatorsFromText(parts.join(''), 'fuzz.txt'));
      assertWellFormed(await readIndicatorsFromText(`<html>${parts.join('\n')}`, 'fuzz.html'));
    }),
    { numRuns: 200 },
  );
});

test('the STIX pattern parser fails only with PatternError', () => {
  const token = fc.constantFrom(
    '[',
    ']',
    '(',
    ')',
    "'a'",
    'AND',
    'OR',
    'IN',
    'ipv4-addr:value',
    '=',
    '443',
    'WITHIN',
    'SECONDS',
    "t'2026-01-01T00:00:00Z'",
    'file:hashes.',
    "'SHA-256'",
    ',',
    '!=',
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.array(token).map((t) => t.join(' ')),
      ),
      (pattern) => {
        try {
          parsePattern(pattern);
        } catch (err) {
          assert.ok(err instanceof PatternError, String(err));
        }
      },
    ),
    { numRuns: 2000 },
  );
});
