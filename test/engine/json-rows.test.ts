import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type HuntDatabase, openDatabase } from '../../src/engine/database.js';

let db: HuntDatabase;
before(async () => {
  db = await openDatabase();
  // Every column type a log table has, with edge values: extremes, NaN and infinities, times
  // before 1970 and with microseconds, text that is hostile to JSON and to SQL.
  await db.run(`CREATE TABLE edge AS SELECT * FROM (VALUES
    (1, true, 127::TINYINT, (-32768)::SMALLINT, 2147483647, 9007199254740991::BIGINT, 9007199254740993::BIGINT,
     (-9223372036854775808)::BIGINT, 18446744073709551615::UBIGINT, 170141183460469231731687303715884105727::HUGEINT,
     0.1::FLOAT, 0.30000000000000004::DOUBLE, 'nan'::DOUBLE, 'inf'::DOUBLE, '-inf'::FLOAT, (-0.0)::DOUBLE, 1e308::DOUBLE,
     TIMESTAMP '2026-04-25 10:00:00.123456', TIMESTAMP '1969-12-31 23:59:59.9995', TIMESTAMPTZ '2026-04-25 12:00:00+02',
     DATE '1900-02-28', '{"a":[1,2.5,"x"],"b":null,"big":12345678901234567890}'::JSON,
     'quote " back \\ nl ' || chr(10) || ' tab ' || chr(9) || ' nul? ' || chr(1) || ' é 𝄞 </script> | //', 
     '8f14e45f-ceea-467f-a0e6-7b8c2e1f0b1a'::UUID),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL, NULL, '', NULL)
  ) AS t(id, b, ti, si, i, safe, unsafe, min64, maxu64, huge, f, d, nan, inf, ninf, negzero, large,
         ts, before1970, tz, day, j, s, u)`);
});
after(() => db.close());

test('queryRows gives the values query gives, for every column type, nulls and hostile text', async () => {
  const sql = 'SELECT * FROM edge ORDER BY id';
  const viaJson = await db.queryRows(sql);
  const viaValues = await db.query(sql);
  assert.deepEqual(viaJson, viaValues);
  assert.equal(JSON.stringify(viaJson), JSON.stringify(viaValues));
  const [first] = viaJson;
  assert.equal(first.unsafe, '9007199254740993');
  assert.equal(first.safe, 9007199254740991);
  assert.equal(first.nan, 'NaN');
  assert.equal(first.ninf, '-Infinity');
  assert.equal(first.ts, '2026-04-25T10:00:00.123Z');
  assert.equal(first.before1970, '1970-01-01T00:00:00.000Z');
  assert.deepEqual(Object.keys(first).slice(0, 3), ['id', 'b', 'ti']);
});

test('queryRows keeps the order of an ORDER BY, binds parameters and returns [] for no rows', async () => {
  await db.run('CREATE TABLE ordered AS SELECT i, (i * 7919) % 1000 AS k FROM range(5000) t(i)');
  const sql = 'SELECT i, k FROM ordered WHERE i >= $1 ORDER BY k DESC, i';
  const viaJson = await db.queryRows(sql, [100]);
  assert.equal(viaJson.length, 4900);
  assert.deepEqual(viaJson, await db.query(sql, [100]));
  assert.deepEqual(await db.queryRows('SELECT i FROM ordered WHERE i < 0'), []);
});

test('queryRows falls back to value conversion for types without an exact JSON form, and duplicate names', async () => {
  const lists =
    "SELECT [1, 2]::BIGINT[] AS l, {'k': 1} AS s, INTERVAL 90 MINUTE AS span, 1.50::DECIMAL(4,2) AS dec";
  assert.deepEqual(await db.queryRows(lists), await db.query(lists));
  assert.deepEqual(await db.queryRows(lists), [{ l: [1, 2], s: { k: 1 }, span: '01:30:00', dec: 1.5 }]);
  const twice = 'SELECT 1 AS a, 2 AS A';
  assert.deepEqual(await db.queryRows(twice), await db.query(twice));
});

test('queryRows errors name the table, as query does', async () => {
  await assert.rejects(db.queryRows('SELECT nosuch FROM edge'), /nosuch/);
});
