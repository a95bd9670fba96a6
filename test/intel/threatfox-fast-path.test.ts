import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { isoToSeconds } from '../../src/intel/store/columns.js';
import { NO_TIME, NOT_FAST, threatFoxSeconds, toIsoUtc } from '../../src/intel/timestamps.js';
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

/** The direct reader and the general one read `text` to the same indicators and rejections. */
async function assertSameRead(text: string): Promise<void> {
  const general = await readCsvText(text, false);
  const direct = await readCsvText(text, true);
  assert.deepEqual(direct.indicators, general.indicators);
  assert.deepEqual(direct.rejected, general.rejected);
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
  const direct = await readCsvText(text, true);
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
