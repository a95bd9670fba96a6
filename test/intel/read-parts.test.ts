import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { type ReadOptions, readIndicators, readIndicatorsLazy } from '../../src/intel/read.js';
import {
  anyRow,
  BANNER,
  COLUMNS,
  exportRow,
  HOSTILE,
  HOSTILE_LINES,
  header,
} from './threatfox-csv-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'huntforge-parts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Part = { start: number; end: number; by: string };

/** Reads `text` once on this thread and once in parts (workers below any size); both results. */
async function readBoth(text: string, name: string, parts: number, options: ReadOptions = {}) {
  const path = join(dir, name);
  writeFileSync(path, text);
  const seen: Part[] = [];
  const single = await readIndicators([path], { ...options, workers: false });
  const split = await readIndicators([path], {
    ...options,
    workers: { minBytes: 0, parts, onPart: (part) => seen.push(part) },
  });
  return { single, split, seen, path };
}

function assertSame(a: Awaited<ReturnType<typeof readIndicators>>, b: typeof a): void {
  // JSON: what a consumer sees, sources with their file:line locations.
  assert.deepEqual(JSON.parse(JSON.stringify(b.indicators)), JSON.parse(JSON.stringify(a.indicators)));
  assert.deepEqual(b.rejected, a.rejected);
  assert.equal(b.rejectedTotal, a.rejectedTotal);
  assert.deepEqual(b.formats, a.formats);
  assert.deepEqual(b.errors, a.errors);
}

/** A deterministic export: repeats (merged across parts), hostile rows and lines sprinkled in. */
function exportText(rows: number, extra: (i: number) => string[] = () => []): string {
  const lines = ['\uFEFF# ThreatFox IOCs: additions - CSV format', BANNER.trimEnd(), header()];
  for (let i = 0; i < rows; i++) {
    const ip = `${1 + (i % 200)}.${(i * 7) % 256}.${(i * 13) % 256}.${i % 97}:${[443, 80, 8080][i % 3]}`;
    const value =
      i % 5 === 0
        ? { ioc_value: `http://h${i % 300}.example.com/gate.php?id=${i},x`, ioc_type: 'url' }
        : i % 7 === 0
          ? { ioc_value: `d${i % 250}.theponzu.com`, ioc_type: 'domain' }
          : { ioc_value: ip };
    lines.push(
      exportRow({
        ...value,
        ioc_id: String(i),
        first_seen_utc: `2026-04-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:00:00`,
        confidence_level: String([50, 75, 100][i % 3]),
        tags: ['None', 'c2', 'exe,RAT'][i % 3],
        reference: i % 4 === 0 ? `https://bazaar.abuse.ch/sample/${i}/` : 'None',
        malware_printable: ['Nanocore RAT', 'Remcos', 'Unknown malware'][i % 3],
      }),
    );
    if (i % 97 === 0) lines.push(exportRow({ ...HOSTILE[i % HOSTILE.length], ioc_id: String(i) }));
    if (i % 211 === 0) lines.push(HOSTILE_LINES[i % HOSTILE_LINES.length]);
    // Well-known shared infrastructure, so flags cross the parts too.
    if (i % 301 === 0) lines.push(exportRow({ ioc_value: '104.21.9.66:443', ioc_id: String(i) }));
    lines.push(...extra(i));
  }
  lines.push(`# Number of entries: ${rows}`);
  return `${lines.join('\n')}\n`;
}

test('read in parts by workers: the same indicators, sources, flags and rejections as one read', async () => {
  const { single, split, seen } = await readBoth(exportText(3000), 'export.csv', 3);
  assert.equal(seen.length, 3);
  assert.deepEqual(
    seen.map((p) => p.by),
    ['this thread', 'worker', 'worker'],
  );
  assert.ok(single.indicators.length > 1000 && single.rejectedTotal > 10);
  assert.ok(single.indicators.some((i) => i.flags.length > 0));
  assert.ok(single.indicators.some((i) => i.sources.length > 1));
  assertSame(single, split);
  const lazy = await readIndicatorsLazy([join(dir, 'export.csv')], { workers: { minBytes: 0, parts: 2 } });
  assert.deepEqual(
    JSON.parse(JSON.stringify([...lazy.indicators])),
    JSON.parse(JSON.stringify(single.indicators)),
  );
});

test("read in parts, then more inputs: later rows merge into the last part's rows, in order", async () => {
  const { path } = await readBoth(exportText(3000), 'then-more.csv', 2);
  // Indicators of the last part (its new rows are still read from its columns) and new ones.
  const list = join(dir, 'then-more.txt');
  writeFileSync(list, '193.208.240.82:80\nhttp://h295.example.com/gate.php?id=2995,x\nfresh.example.org\n');
  const single = await readIndicators([path, list], { workers: false });
  const split = await readIndicators([path, list], { workers: { minBytes: 0, parts: 2 } });
  const merged = single.indicators.find((i) => i.value === '193.208.240.82');
  assert.ok(merged !== undefined && merged.sources.length > 1);
  assert.equal(single.indicators.at(-1)?.value, 'fresh.example.org');
  assertSame(single, split);
});

test('read in parts: a header changing mid-file makes the next part read again here, in order', async () => {
  // The header switches in the second half to the 2024 one (no is_compromised column).
  const reversed = COLUMNS.filter((c) => c !== 'is_compromised');
  let switched = false;
  const text = exportText(2000, (i) => {
    if (i < 1200) return [];
    const lines = switched ? [] : [header(reversed)];
    switched = true;
    return [...lines, exportRow({ ioc_value: `77.1.${i % 256}.9:25`, ioc_id: String(i) }, reversed)];
  });
  const { single, split, seen } = await readBoth(text, 'two-headers.csv', 4);
  assert.ok(seen.some((p) => p.by === 'this thread' && p.start > 0));
  assertSame(single, split);
});

test('read in parts: rejection limits, long lines and CRLF as in one read', async () => {
  const long = `"${'x'.repeat(700)}"`;
  const text = exportText(1500, (i) => (i % 150 === 0 ? [long] : [])).replaceAll('\n', '\r\n');
  const { single, split } = await readBoth(text, 'limits.csv', 3, { maxRejected: 5, maxLineLength: 400 });
  assert.equal(single.rejected.length, 5);
  assert.ok(single.rejectedTotal > 20);
  assertSame(single, split);
});

test('read as one part: a large export read here with its room reserved, as a stream read reads it', async () => {
  const { single, split, seen } = await readBoth(exportText(2000), 'one-part.csv', 1);
  assert.deepEqual(
    seen.map((p) => p.by),
    ['this thread'],
  );
  assertSame(single, split);
});

test('read in parts: a file below the size threshold is read on this thread', async () => {
  const path = join(dir, 'small.csv');
  writeFileSync(path, exportText(50));
  const seen: Part[] = [];
  const r = await readIndicators([path], { workers: { onPart: (part) => seen.push(part) } });
  assert.equal(seen.length, 0);
  assert.ok(r.indicators.length > 10);
});

test('read in parts: property: arbitrary exports read as in one read', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof({ weight: 9, arbitrary: anyRow.map((row) => exportRow(row)) }, fc.string()), {
        minLength: 20,
        maxLength: 120,
      }),
      fc.integer({ min: 2, max: 3 }),
      async (rows, parts) => {
        const text = `${[BANNER.trimEnd(), header(), ...rows].join('\n')}\n`;
        const { single, split } = await readBoth(text, `property-${n++}.csv`, parts);
        assertSame(single, split);
      },
    ),
    { numRuns: 8 },
  );
});
