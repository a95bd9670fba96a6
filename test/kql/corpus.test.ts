/** Runs every case of test/kql/corpus/*.json through runKql on the tables of corpus/tables.sql. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { connectionDatabase, runKql, type SqlDatabase } from '../../src/kql/run.js';

interface CorpusCase {
  name: string;
  source: string;
  query: string;
  rows: Record<string, unknown>[];
  ordered?: boolean;
  columns?: [string, string][];
}

const corpusDir = join(import.meta.dirname, 'corpus');
const NOW = new Date('2026-05-01T00:00:00Z');
const files = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.json'))
  .sort();

let connection: DuckDBConnection;
let db: SqlDatabase;

before(async () => {
  const instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run(readFileSync(join(corpusDir, 'tables.sql'), 'utf8'));
  db = connectionDatabase(connection);
});

after(() => connection?.closeSync());

const canonical = (row: Record<string, unknown>) =>
  JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b))));

test('the corpus has at least 60 cases', () => {
  const count = files.reduce(
    (n, f) => n + (JSON.parse(readFileSync(join(corpusDir, f), 'utf8')) as unknown[]).length,
    0,
  );
  assert.ok(count >= 60, `only ${count} cases`);
});

for (const file of files) {
  const cases = JSON.parse(readFileSync(join(corpusDir, file), 'utf8')) as CorpusCase[];
  describe(`corpus ${file}`, () => {
    for (const c of cases) {
      test(c.name, async () => {
        const result = await runKql(db, c.query, { now: NOW });
        if (c.columns)
          assert.deepEqual(
            result.columns.map((col) => [col.name, col.type]),
            c.columns,
          );
        if (c.ordered) assert.deepEqual(result.rows, c.rows);
        else assert.deepEqual(result.rows.map(canonical).sort(), c.rows.map(canonical).sort());
      });
    }
  });
}
