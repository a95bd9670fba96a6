/**
 * Property test for Kusto's term matching: random texts and needles through `huntforge kql`
 * (has, has_cs, has_any, !has) against a plain-JS scan of the documented rule. Terms are maximal
 * runs of alphanumerics; a needle with punctuation is a phrase whose alphanumeric edges must not
 * touch other alphanumerics.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { connectionDatabase, runKql, type SqlDatabase } from '../../src/kql/run.js';
import { kqlDynamicStrings, kqlString } from '../../src/render/kql/literal.js';

let connection: DuckDBConnection;
let db: SqlDatabase;

before(async () => {
  connection = await (await DuckDBInstance.create(':memory:')).connect();
  db = connectionDatabase(connection);
});

after(() => connection?.closeSync());

const isTermChar = (ch: string) => /[\p{L}\p{N}]/u.test(ch);

function has(text: string, needle: string, caseSensitive: boolean): boolean {
  const t = caseSensitive ? text : text.toLowerCase();
  const n = caseSensitive ? needle : needle.toLowerCase();
  for (let at = t.indexOf(n); at >= 0; at = t.indexOf(n, at + 1)) {
    const before = at === 0 ? '' : t[at - 1];
    const after = at + n.length >= t.length ? '' : t[at + n.length];
    if (
      (!isTermChar(n[0]) || !before || !isTermChar(before)) &&
      (!isTermChar(n[n.length - 1]) || !after || !isTermChar(after))
    )
      return true;
  }
  return false;
}

// Small alphabets make collisions (and near misses) frequent.
const piece = fc.constantFrom('a', 'b', 'A', 'B', '1', 'é', '.', '-', ' ', '_', '/');
const text = fc.array(piece, { maxLength: 14 }).map((p) => p.join(''));
const term = fc
  .array(fc.constantFrom('a', 'b', 'A', '1', 'é'), { minLength: 1, maxLength: 3 })
  .map((p) => p.join(''));
const needle = fc.oneof(
  term,
  fc.tuple(term, fc.constantFrom('.', '-', '/'), term).map(([x, sep, y]) => `${x}${sep}${y}`),
  fc.tuple(fc.constantFrom('.', '/'), term).map(([sep, x]) => `${sep}${x}`),
);

test('has / has_cs / !has / has_any agree with the term rule on random texts', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(text, { minLength: 1, maxLength: 8 }),
      fc.array(needle, { minLength: 1, maxLength: 3 }),
      async (texts, needles) => {
        const n0 = kqlString(needles[0]);
        const values = texts.map((s, i) => `${i}, ${kqlString(s)}`).join(', ');
        const query = `datatable(i:long, s:string)[${values}]
| extend h = s has ${n0}, cs = s has_cs ${n0}, nh = s !has ${n0}, any = s has_any (${kqlDynamicStrings(needles)})
| order by i asc`;
        const result = await runKql(db, query);
        const expected = texts.map((s, i) => ({
          i,
          s,
          h: has(s, needles[0], false),
          cs: has(s, needles[0], true),
          nh: !has(s, needles[0], false),
          any: needles.some((n) => has(s, n, false)),
        }));
        assert.deepEqual(result.rows, expected);
      },
    ),
    { numRuns: 60, seed: 20261128 },
  );
});
