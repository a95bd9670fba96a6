import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { splitExportRow, splitRow } from '../../src/intel/readers/threatfox-csv.js';

/** What csv-parse reads from one row, as threatfox-csv.ts configures it; null if it fails. */
function csvParse(text: string): string[] | null {
  try {
    const rows = parse(text, { ltrim: true, rtrim: true, relax_column_count: true }) as string[][];
    return rows.length === 1 ? rows[0] : null;
  } catch {
    return null;
  }
}

// Field text as exports carry it, plus the characters that matter to a CSV splitter.
const field = fc.stringMatching(/^[a-zA-Z0-9 .:/?=&,_\-"']{0,12}$/);
// Rows as exports write them (`", "` between fields) and as their header does (`","`).
const row = fc
  .tuple(fc.array(field, { minLength: 1, maxLength: 6 }), fc.constantFrom('", "', '","'))
  .map(([fields, separator]) => ({ fields, text: `"${fields.join(separator)}"` }));

test('the fast export splitter agrees with csv-parse whenever it accepts a row', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        row.map((r) => r.text),
        fc.string({ maxLength: 40 }),
      ),
      (text) => {
        const fast = splitExportRow(text);
        if (fast !== null) assert.deepEqual(fast, csvParse(text), text);
      },
    ),
    { numRuns: 5000 },
  );
});

test('the fast splitter takes rows without quotes inside fields; splitRow reads them all', () => {
  fc.assert(
    fc.property(row, ({ fields, text }) => {
      const quoted = fields.some((f) => f.includes('"'));
      if (!quoted) assert.deepEqual(splitExportRow(text), fields);
      const parsed = csvParse(text);
      if (parsed !== null) assert.deepEqual(splitRow(text, -1), parsed);
    }),
    { numRuns: 3000 },
  );
});

test('export rows: commas inside URLs, None, empty fields, and malformed tails', () => {
  assert.deepEqual(splitExportRow('"a", "http://x.com/?a=1,2", "None", ""'), [
    'a',
    'http://x.com/?a=1,2',
    'None',
    '',
  ]);
  assert.equal(splitExportRow('"a", "'), null);
  assert.equal(splitExportRow('"a","'), null);
  assert.deepEqual(splitExportRow('"first_seen_utc","ioc_id", "x"'), ['first_seen_utc', 'ioc_id', 'x']);
  assert.equal(splitExportRow('"a",  "b"'), null);
  assert.equal(splitExportRow('"a""b", "c"'), null);
  assert.deepEqual(splitRow('"a""b", "c"', 2), ['a"b', 'c']);
  assert.equal(splitExportRow('"'), null);
});
