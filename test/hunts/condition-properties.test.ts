/**
 * Properties of the condition compilers: any value stays one KQL literal; SQL agrees with a plain
 * reference evaluator; and dropping a field the data lacks never widens a condition — whatever
 * the missing field's values and wherever it sits under all/any/not.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { compileConditionSql, sqlString } from '../../src/engine/sql/condition.js';
import type { Condition } from '../../src/hunts/types.js';
import { parseKqlTree } from '../../src/kql/syntax.js';
import { compileConditionKql } from '../../src/render/kql/condition.js';

test('any string value compiles to exactly one KQL string literal in a valid query', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('equals', 'startswith', 'endswith', 'contains' as const),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      (operator, value) => {
        const { kql } = compileConditionKql(
          { field: 'commandLine', operator, values: [value] },
          'DeviceProcessEvents',
        );
        const tree = parseKqlTree(`DeviceProcessEvents | where not(${kql}) | project ProcessCommandLine`);
        assert.deepEqual(tree.diagnostics, []);
        assert.deepEqual(tree.stringLiterals, [value]);
        assert.deepEqual(tree.queryOperators, ['FilterOperator', 'ProjectOperator']);
      },
    ),
    { numRuns: 300 },
  );
});

// DeviceNetworkEvents columns for the logical fields used below.
const COLUMNS = {
  host: 'DeviceName',
  process: 'InitiatingProcessFileName',
  url: 'RemoteUrl',
  commandLine: 'InitiatingProcessCommandLine',
} as const;
type Field = keyof typeof COLUMNS;
const FIELDS = Object.keys(COLUMNS) as Field[];
const ALPHABET = ['a', 'A', 'b', '.', '%', "'"];

type Row = Record<Field, string>;
const ROWS: Row[] = [];
// every 2-character combination for host/process/url, with a varying command line
for (const x of ALPHABET)
  for (const y of ALPHABET) {
    const i = ROWS.length;
    ROWS.push({
      host: x + y,
      process: y + x,
      url: `${x}${x}${y}`,
      commandLine: ALPHABET[i % ALPHABET.length] + y,
    });
  }

let connection: DuckDBConnection;
before(async () => {
  const db = await DuckDBInstance.create(':memory:');
  connection = await db.connect();
  await connection.run(
    `CREATE TABLE DeviceNetworkEvents (id INTEGER, ${FIELDS.map((f) => `${COLUMNS[f]} VARCHAR`).join(', ')})`,
  );
  for (const [i, row] of ROWS.entries()) {
    await connection.run(
      `INSERT INTO DeviceNetworkEvents VALUES (${i}, ${FIELDS.map((f) => sqlString(row[f])).join(', ')})`,
    );
  }
});
after(() => connection.closeSync());

async function matching(sql: string): Promise<number[]> {
  const reader = await connection.runAndReadAll(
    `SELECT id FROM DeviceNetworkEvents WHERE ${sql} ORDER BY id`,
  );
  return reader.getRowObjects().map((r) => Number(r.id));
}

/** The reference semantics: case-insensitive string operators, case-sensitive regex. */
function evaluate(c: Condition, row: Row): boolean {
  if ('all' in c) return c.all.every((x) => evaluate(x, row));
  if ('any' in c) return c.any.some((x) => evaluate(x, row));
  if ('not' in c) return !evaluate(c.not, row);
  const text = row[c.field as Field];
  const lower = text.toLowerCase();
  return c.values.some((v) => {
    const value = v.toLowerCase();
    switch (c.operator) {
      case 'equals':
        return lower === value;
      case 'startswith':
        return lower.startsWith(value);
      case 'endswith':
        return lower.endsWith(value);
      case 'contains':
        return lower.includes(value);
      case 'regex':
        return new RegExp(v).test(text);
      default:
        throw new Error(`no reference for ${c.operator}`);
    }
  });
}

const leaf: fc.Arbitrary<Condition> = fc
  .record({
    field: fc.constantFrom(...FIELDS),
    operator: fc.constantFrom('equals', 'startswith', 'endswith', 'contains', 'regex' as const),
    values: fc.array(fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 1, maxLength: 2 }), {
      minLength: 1,
      maxLength: 2,
    }),
  })
  .map((l) =>
    // regex values become literal-character patterns (RE2 and JS agree on those)
    l.operator === 'regex'
      ? { ...l, values: l.values.map((v) => v.replace(/[.%']/g, (ch) => `\\${ch}`)) }
      : l,
  ) as fc.Arbitrary<Condition>;

const condition: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    tie('node').map((not) => ({ not })),
  ),
})).node;

test('SQL matches the reference semantics for random conditions', async () => {
  await fc.assert(
    fc.asyncProperty(condition, async (c) => {
      const { sql, evaluable } = compileConditionSql(c, 'DeviceNetworkEvents', [
        'id',
        ...FIELDS.map((f) => COLUMNS[f]),
      ]);
      assert.ok(evaluable);
      const expected = ROWS.flatMap((row, i) => (evaluate(c, row) ? [i] : []));
      assert.deepEqual(await matching(sql), expected);
    }),
    { numRuns: 150 },
  );
});

test('dropping a field the data lacks never widens a condition, under any nesting of all/any/not', async () => {
  const withoutCommandLine = ['id', COLUMNS.host, COLUMNS.process, COLUMNS.url];
  await fc.assert(
    fc.asyncProperty(condition, async (c) => {
      const full = compileConditionSql(c, 'DeviceNetworkEvents', ['id', ...FIELDS.map((f) => COLUMNS[f])]);
      const narrowed = compileConditionSql(c, 'DeviceNetworkEvents', withoutCommandLine);
      const fullRows = await matching(full.sql);
      const narrowedRows = await matching(narrowed.sql);
      // as a selection it reports no row the full condition would not; as an exclusion it removes none either
      for (const id of narrowedRows) assert.ok(fullRows.includes(id), `row ${id}: ${narrowed.sql}`);
      // and the same tree compiles for KQL with the same skipped fields
      const kql = compileConditionKql(c, 'DnsEvents');
      assert.equal(kql.evaluable, kql.kql !== 'false');
    }),
    { numRuns: 150 },
  );
});
