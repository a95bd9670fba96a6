import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalDomain } from '../../src/intel/canonical.js';
import { isPlainDomain, isPlainDomainBytes } from '../../src/intel/domain-shape.js';
import { isoToSeconds } from '../../src/intel/store/columns.js';
import {
  NO_TIME,
  NOT_FAST,
  threatFoxSeconds,
  threatFoxSecondsBytes,
  toIsoUtc,
} from '../../src/intel/timestamps.js';
import { fixture } from './helpers.js';
import {
  anyRow,
  BANNER,
  COLUMNS,
  exportRow,
  HOSTILE,
  HOSTILE_LINES,
  header,
  readCsvText,
} from './threatfox-csv-helpers.js';

/**
 * The direct reader, the byte reader (`text` whole and cut into chunks of `chunkBytes`) and the
 * general one read `text` to the same indicators and rejections.
 */
async function assertSameRead(text: string, chunkBytes = 97, maxLineLength = 1 << 20): Promise<void> {
  const general = await readCsvText(text, 'general', { maxLineLength });
  const reads = {
    direct: await readCsvText(text, 'direct', { maxLineLength }),
    bytes: await readCsvText(text, 'bytes', { maxLineLength }),
    chunked: await readCsvText(text, 'bytes', { chunkBytes, maxLineLength }),
  };
  for (const [name, read] of Object.entries(reads)) {
    assert.deepEqual(read.indicators, general.indicators, name);
    assert.deepEqual(read.rejected, general.rejected, name);
  }
}

test('direct CSV path: the bundled ThreatFox exports read exactly as through the general reader', async () => {
  for (const name of ['threatfox-2024.csv', 'threatfox-2026-crlf.csv'])
    await assertSameRead(readFileSync(fixture(name), 'utf8'));
});

test('direct CSV path: hostile fields and lines give the same indicators, flags, sources and rejections', async () => {
  const rows = HOSTILE.map((row, i) => exportRow({ ioc_id: String(i), ...row }));
  // Every hostile row also repeated as a duplicate of a clean row, so merges see them too.
  const clean = exportRow({ ioc_value: '104.21.9.66:443', confidence_level: '50', tags: 'c2' });
  const text = [
    '\uFEFF# banner line',
    'data row before the header',
    BANNER,
    header(),
    clean,
    ...rows,
    ...HOSTILE_LINES,
    clean.replace('"50"', '"90"').replace('"c2"', '"exe,RAT"'),
    ...HOSTILE.map((row, i) => exportRow({ ...row, ioc_id: String(i), ioc_value: '104.21.9.66:443' })),
    // A second header (2024's, without is_compromised): later rows are read under it.
    header(COLUMNS.filter((c) => c !== 'is_compromised')),
    exportRow(
      { ioc_value: 'theponzu.com', ioc_type: 'domain' },
      COLUMNS.filter((c) => c !== 'is_compromised'),
    ),
    exportRow({ ioc_value: '9.9.9.9:53' }),
    '# Number of entries: 3',
  ].join('\r\n');
  const direct = await readCsvText(text, 'bytes');
  const indicators = direct.indicators as { flags: unknown[]; sources: unknown[] }[];
  assert.ok(indicators.length >= 10 && direct.rejected.length >= 30);
  assert.ok(indicators.some((i) => i.flags.length > 0 && i.sources.length > 10));
  await assertSameRead(text);
});

test('direct CSV path: property: arbitrary rows read as through the general reader', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof({ weight: 8, arbitrary: anyRow.map((row) => exportRow(row)) }, fc.string()), {
        maxLength: 25,
      }),
      fc.boolean(),
      async (lines, crlf) => {
        await assertSameRead([BANNER, header(), ...lines].join(crlf ? '\r\n' : '\n'));
      },
    ),
    { numRuns: 300 },
  );
});

test('byte path: lines cut by chunks, a BOM, CRLF, long lines and non-ASCII text read as through the general reader', async () => {
  const rows = HOSTILE.map((row, i) => exportRow({ ioc_id: String(i), ...row }));
  const ascii = [BANNER, header(), ...rows, ...HOSTILE_LINES, exportRow({ ioc_value: '9.9.9.9:53' })];
  const long = exportRow({ ioc_value: '5.6.7.8:80', reference: `https://x.example/${'a'.repeat(300)}` });
  const nonAscii = exportRow({ malware_printable: 'Nanocöre', tags: 'ä,b' });
  const cases = [
    ascii.join('\n'),
    `\uFEFF${ascii.join('\r\n')}\r\n`,
    [...ascii, long, long, ...ascii.slice(2)].join('\n'),
    // ASCII chunks first, then text from the first chunk that is not ASCII on
    [...ascii, nonAscii, ...ascii.slice(2)].join('\n'),
    // the last line without a line break, and one ending in a lone CR
    `${ascii.join('\n')}\n${exportRow({ ioc_value: '7.7.7.7:77' })}`,
    `${ascii.join('\n')}\n${exportRow({ ioc_value: '7.7.7.7:77' })}\r`,
  ];
  for (const text of cases)
    for (const chunkBytes of [1, 5, 64, 257, 4096]) {
      await assertSameRead(text, chunkBytes);
      await assertSameRead(text, chunkBytes, 150);
    }
});

test('byte path: rows that are not the export shape or cannot be decided from bytes are taken by the text path', async () => {
  const text = [
    BANNER,
    header(),
    exportRow({ ioc_value: 'AB'.repeat(32), ioc_type: 'sha256_hash' }),
    exportRow({ ioc_value: 'ab'.repeat(32), ioc_type: 'sha256_hash' }),
    exportRow({ ioc_value: 'ab'.repeat(16), ioc_type: 'sha256_hash' }),
    exportRow({ ioc_value: 'ab'.repeat(20), ioc_type: 'sha1_hash' }),
    exportRow({ ioc_value: 'ab'.repeat(16), ioc_type: 'md5_hash' }),
    exportRow({
      ioc_value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ioc_type: 'sha256_hash',
    }),
    exportRow({ ioc_value: '104.21.9.66:443' }),
    exportRow({ ioc_value: '104.21.9.66:443', tags: 'c2', reference: 'https://r.example/1' }),
    ...[
      'https://evil.co.uk/x',
      'http://x.com',
      'http://x.com?q=1',
      'http://x.com#f',
      'http://co.uk/a',
      'http://X.com/a',
      'HTTP://x.com/a',
      'http://x.com:8080/a',
      'http://x.com:80/a',
      'http://u@x.com/a',
      'http://x.com/a\tb',
      'http://1.2.3.4/a',
      'http://a.duckdns.org/x',
      'http://a-.com/x',
      'http://a.b.invalid/x',
      'ftp://x.com/a',
      'https://x.com/gate.php?id=1,2',
    ].map((url, i) => exportRow({ ioc_value: url, ioc_type: 'url', ioc_id: String(i) })),
    ...[
      'a.duckdns.org',
      'x.co.uk',
      'co.uk',
      'a_b.com',
      'a.123',
      '1.2.3.4',
      'x.com.',
      'X.com',
      'a..com',
      'x.local',
    ].map((domain, i) => exportRow({ ioc_value: domain, ioc_type: 'domain', ioc_id: String(i) })),
    exportRow({ ioc_value: '1.2.3.4:443', tags: 'c2,c2' }),
    exportRow({ ioc_value: '1.2.3.4:443', tags: 'c2' }),
    '"2026-04-25 10:11:12", "1", "5.6.7.8:80", "ip:port", "botnet_cc", "win.x", "a, b", "X", "", "50", "False", "None", "None", "0", "abuse_ch"',
    // the header moves columns: later rows are read by the new positions
    header([...COLUMNS].reverse()),
    exportRow({ ioc_value: '1.2.3.4:443', confidence_level: '100' }, [...COLUMNS].reverse()),
    exportRow({ ioc_value: 'theponzu.com', ioc_type: 'domain' }, [...COLUMNS].reverse()),
  ].join('\n');
  const read = await readCsvText(text, 'bytes');
  const indicators = read.indicators as { value: string; flags: unknown[] }[];
  assert.ok(indicators.some((i) => i.flags.length > 0));
  assert.ok(indicators.some((i) => i.value === 'ab'.repeat(32)));
  await assertSameRead(text);
});

test('ThreatFox timestamps from bytes: what threatFoxSeconds makes of the same text', () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.constantFrom('2026-04-25 10:11:12', '2026-04-25 10:11:12 UTC', 'None', ''), fc.string()),
      (text) => {
        const padded = `"${text}"`;
        const bytes = Buffer.from(padded, 'latin1');
        assert.equal(
          threatFoxSecondsBytes(bytes, 1, bytes.length - 1),
          threatFoxSeconds(padded, 1, padded.length - 1),
          text,
        );
      },
    ),
    { numRuns: 3000 },
  );
});

test('ThreatFox timestamps to seconds: what toIsoUtc and the store make of the text, or NOT_FAST', () => {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = fc
    .tuple(
      fc.integer({ min: 1900, max: 2300 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
      fc.constantFrom('', ' UTC', 'Z', ' utc'),
    )
    .map(([y, mo, d, h, mi, s, z]) => `${y}-${two(mo)}-${two(d)} ${two(h)}:${two(mi)}:${two(s)}${z}`);
  fc.assert(
    fc.property(fc.oneof(stamp, fc.constantFrom('', 'None', 'null', ' '), fc.string()), (text) => {
      const padded = `"${text}"`;
      const fast = threatFoxSeconds(padded, 1, padded.length - 1);
      if (fast === NOT_FAST) return;
      const iso = toIsoUtc(text === '' || text === 'None' ? null : text);
      if (fast === NO_TIME) assert.equal(iso, null, text);
      else assert.equal(isoToSeconds(iso as string), fast, text);
    }),
    { numRuns: 5000 },
  );
});

test('plain domain names: canonicalDomain reads them as its general path does', () => {
  const name = fc.stringMatching(/^[a-zA-Z0-9_.\-ü]{0,24}$/);
  const suffix = fc.constantFrom(
    '',
    '.com',
    '.co.uk',
    '.duckdns.org',
    '.invalid',
    '.123',
    '.local',
    '.it.com',
  );
  fc.assert(
    fc.property(name, suffix, (head, tail) => {
      const text = head + tail;
      const bytes = Buffer.from(`"${text}"`, 'utf8');
      assert.equal(isPlainDomainBytes(bytes, 1, bytes.length - 1), isPlainDomain(text), text);
      if (!isPlainDomain(text)) return;
      // A trailing dot sends the same name down the general path.
      assert.deepEqual(canonicalDomain(text), canonicalDomain(`${text}.`), text);
    }),
    { numRuns: 5000 },
  );
  assert.ok(isPlainDomain('x.duckdns.org') && !isPlainDomain('X.com') && !isPlainDomain('a.123'));
});
