/** Property test: ipv6_is_in_range through huntforge kql against ipaddr.js on random addresses. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { connectionDatabase, runKql, type SqlDatabase } from '../../src/kql/run.js';
import { kqlString } from '../../src/render/kql/literal.js';

let connection: DuckDBConnection;
let db: SqlDatabase;

before(async () => {
  connection = await (await DuckDBInstance.create(':memory:')).connect();
  db = connectionDatabase(connection);
});

after(() => connection?.closeSync());

// A range near the address (same leading bits up to a random point) so that both answers occur.
const caseArb = fc.tuple(
  fc.ipV6(),
  fc.ipV6(),
  fc.integer({ min: 0, max: 128 }),
  fc.integer({ min: 0, max: 128 }),
);

test('ipv6_is_in_range agrees with ipaddr.js, for every textual form fast-check writes', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(caseArb, { minLength: 1, maxLength: 10 }), async (cases) => {
      const rows = cases.map(([address, other, shared, prefix]) => {
        const a = ipaddr.IPv6.parse(address).toByteArray();
        const b = ipaddr.IPv6.parse(other).toByteArray();
        // copy the first `shared` bits of the address into the range base
        const base = b.map((byte, i) => {
          const bits = Math.max(0, Math.min(8, shared - i * 8));
          const mask = (0xff << (8 - bits)) & 0xff;
          return (a[i] & mask) | (byte & ~mask & 0xff);
        });
        const range = `${ipaddr.fromByteArray(base).toString()}/${prefix}`;
        const expected = ipaddr.IPv6.parse(address).match(ipaddr.IPv6.parseCIDR(range));
        return { address, range, expected };
      });
      const tests = rows.map(
        (r, i) => `r${i} = ipv6_is_in_range(${kqlString(r.address)}, ${kqlString(r.range)})`,
      );
      const result = await runKql(db, `print ${tests.join(', ')}`);
      assert.deepEqual(
        result.rows[0],
        Object.fromEntries(rows.map((r, i) => [`r${i}`, r.expected])),
        JSON.stringify(rows),
      );
    }),
    { numRuns: 40, seed: 20261128 },
  );
});
