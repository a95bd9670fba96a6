import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { compileConditionSql, sqlIdentifier, sqlString } from '../../src/engine/sql/condition.js';
import type { Condition } from '../../src/hunts/types.js';

let connection: DuckDBConnection;

// A DeviceNetworkEvents-shaped table (Sentinel column names), ids to name the rows.
const ROWS: [number, string | null, string | null, string | null, number | null, string | null][] = [
  // id, DeviceName, InitiatingProcessFileName, RemoteIP, RemotePort, RemoteUrl
  [1, 'WS01.corp.local', 'Chrome.EXE', '10.9.0.17', 443, 'https://Example.com/a'],
  [2, 'ws02.corp.local', 'nessusd.exe', '10.10.0.1', 8443, 'http://evil.test/x'],
  [3, 'srv01', 'svchost.exe', '2001:db8::1', 53, null],
  [4, 'srv02', 'a%b_c.exe', '2001:db9::1', null, "O'Brien"],
  [5, null, null, null, null, null],
  [6, 'ws03', 'abc.exe', '10.9.0.300', 80, 'x'],
  [7, 'ws04', 'Abc.exe', '::ffff:10.9.0.1', 80, 'ABC'],
  [8, 'ws05', 'svc.exe', '2001:0db8:0000:0000:0000:0000:0000:00ff', 80, ''],
];

before(async () => {
  const db = await DuckDBInstance.create(':memory:');
  connection = await db.connect();
  // the compiled SQL must not rely on the deprecated `x -> …` lambda syntax
  await connection.run("SET lambda_syntax = 'DISABLE_SINGLE_ARROW'");
  await connection.run(
    'CREATE TABLE DeviceNetworkEvents (id INTEGER, DeviceName VARCHAR, InitiatingProcessFileName VARCHAR, RemoteIP VARCHAR, RemotePort INTEGER, RemoteUrl VARCHAR)',
  );
  for (const row of ROWS) {
    const values = row.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : sqlString(v)));
    await connection.run(`INSERT INTO DeviceNetworkEvents VALUES (${values.join(', ')})`);
  }
});

after(() => connection.closeSync());

/** Ids of the rows a condition matches, and of those its exclusion keeps. */
async function evaluate(
  condition: Condition,
  columns?: string[],
): Promise<{ matched: number[]; kept: number[] }> {
  const { sql, evaluable } = compileConditionSql(condition, 'DeviceNetworkEvents', columns);
  assert.ok(evaluable);
  const ids = async (where: string) =>
    (await connection.runAndReadAll(`SELECT id FROM DeviceNetworkEvents WHERE ${where} ORDER BY id`))
      .getRowObjects()
      .map((r) => Number(r.id));
  return { matched: await ids(sql), kept: await ids(`NOT (${sql})`) };
}

const ALL_IDS = ROWS.map((r) => r[0]);
function complement(ids: number[]): number[] {
  return ALL_IDS.filter((id) => !ids.includes(id));
}

const CASES: [string, Condition, number[]][] = [
  ['equals, case-insensitive', { field: 'host', operator: 'equals', values: ['ws01.CORP.local'] }, [1]],
  [
    'equals, several values',
    { field: 'process', operator: 'equals', values: ['chrome.exe', 'NESSUSD.EXE'] },
    [1, 2],
  ],
  ['equals on an integer column', { field: 'dstPort', operator: 'equals', values: ['443', '53'] }, [1, 3]],
  ['startswith', { field: 'process', operator: 'startswith', values: ['ABC'] }, [6, 7]],
  ['endswith', { field: 'url', operator: 'endswith', values: ['/X'] }, [2]],
  ['contains', { field: 'url', operator: 'contains', values: ['example'] }, [1]],
  ['contains takes % and _ literally', { field: 'process', operator: 'contains', values: ['%b_'] }, [4]],
  ['contains with a quote', { field: 'url', operator: 'contains', values: ["o'brien"] }, [4]],
  ['regex is case-sensitive', { field: 'process', operator: 'regex', values: ['^A[a-z]+\\.exe$'] }, [7]],
  ['regex with (?i)', { field: 'process', operator: 'regex', values: ['(?i)^abc'] }, [6, 7]],
  [
    'cidr IPv4 (IPv4-mapped too; not a broken address, not IPv6)',
    { field: 'dstIp', operator: 'cidr', values: ['10.9.0.0/24'] },
    [1, 7],
  ],
  ['cidr IPv4 /8', { field: 'dstIp', operator: 'cidr', values: ['10.0.0.0/8'] }, [1, 2, 7]],
  ['cidr IPv4 bare address', { field: 'dstIp', operator: 'cidr', values: ['10.10.0.1'] }, [2]],
  [
    'cidr IPv6 (compressed and full forms)',
    { field: 'dstIp', operator: 'cidr', values: ['2001:db8::/32'] },
    [3, 8],
  ],
  ['cidr IPv6 /128', { field: 'dstIp', operator: 'cidr', values: ['2001:db8::ff'] }, [8]],
  ['cidr IPv6 odd prefix', { field: 'dstIp', operator: 'cidr', values: ['2001:db8::/31'] }, [3, 4, 8]],
  [
    'all / any / not',
    {
      all: [
        {
          any: [
            { field: 'dstPort', operator: 'equals', values: ['80'] },
            { field: 'host', operator: 'equals', values: ['srv01'] },
          ],
        },
        { not: { field: 'process', operator: 'startswith', values: ['abc'] } },
      ],
    },
    [3, 8],
  ],
];

for (const [name, condition, expected] of CASES) {
  test(`SQL ${name}: matches exactly the expected rows, and NOT keeps all others (nulls included)`, async () => {
    const { matched, kept } = await evaluate(condition);
    assert.deepEqual(matched, expected);
    assert.deepEqual(kept, complement(expected));
  });
}

test('a leaf on a column the ingested data lacks is skipped with a note, never a broken query', async () => {
  const condition: Condition = {
    any: [
      { field: 'host', operator: 'equals', values: ['srv01'] },
      { field: 'commandLine', operator: 'contains', values: ['x'] },
    ],
  };
  const columns = ['id', 'DeviceName', 'InitiatingProcessFileName', 'RemoteIP', 'RemotePort', 'RemoteUrl'];
  const compiled = compileConditionSql(condition, 'DeviceNetworkEvents', columns);
  assert.equal(compiled.evaluable, true);
  assert.deepEqual(
    compiled.skipped.map((s) => s.field),
    ['commandLine'],
  );
  const { matched, kept } = await evaluate(condition, columns);
  assert.deepEqual(matched, [3]);
  assert.deepEqual(kept, complement([3]));
});

test('hostile values stay literals: quotes, NUL, backslashes, comments, semicolons', async () => {
  const hostile = ["'; DROP TABLE DeviceNetworkEvents; --", 'a\u0000b', '\\', '/* x */', "O'Brien"];
  for (const value of hostile) {
    const { sql } = compileConditionSql(
      { field: 'url', operator: 'equals', values: [value] },
      'DeviceNetworkEvents',
    );
    const rows = await connection.runAndReadAll(`SELECT count(*) AS n FROM DeviceNetworkEvents WHERE ${sql}`);
    assert.equal(Number(rows.getRowObjects()[0].n), value === "O'Brien" ? 1 : 0, value);
  }
  const left = await connection.runAndReadAll('SELECT count(*) AS n FROM DeviceNetworkEvents');
  assert.equal(Number(left.getRowObjects()[0].n), ROWS.length);
});

test('sqlString and sqlIdentifier quote by doubling', () => {
  assert.equal(sqlString("it's"), "'it''s'");
  assert.equal(sqlString('a\u0000b'), "'a' || chr(0) || 'b'");
  assert.equal(sqlIdentifier('we"ird'), '"we""ird"');
});

test('SecurityEvent file-name fields compare the last path segment', async () => {
  await connection.run('CREATE TABLE SecurityEvent (NewProcessName VARCHAR, EventID INTEGER)');
  await connection.run(
    `INSERT INTO SecurityEvent VALUES ('C:\\Windows\\System32\\schtasks.exe', 4688), ('C:\\Temp\\schtasks.exe.bak', 4688), ('schtasks.exe', 4688)`,
  );
  const { sql } = compileConditionSql(
    { field: 'process', operator: 'equals', values: ['SCHTASKS.EXE'] },
    'SecurityEvent',
  );
  const rows = await connection.runAndReadAll(
    `SELECT NewProcessName FROM SecurityEvent WHERE ${sql} ORDER BY 1`,
  );
  assert.deepEqual(
    rows.getRowObjects().map((r) => r.NewProcessName),
    ['C:\\Windows\\System32\\schtasks.exe', 'schtasks.exe'],
  );
});

test('cidr over many IPv4 blocks of every prefix length agrees with ipaddr.js address by address', async () => {
  const { ipaddr } = await import('../../src/packages/ipaddr.js');
  const random = (() => {
    let x = 0x2545f491;
    return () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 2 ** 32;
    };
  })();
  const address = () => Array.from({ length: 4 }, () => Math.floor(random() * 256)).join('.');
  // Blocks of every length from /8 to /32 (0.0.0.0/0 below); addresses inside, near and far.
  const blocks = Array.from({ length: 120 }, (_, i) => `${address()}/${8 + (i % 25)}`);
  const table = 'DeviceNetworkEvents';
  await connection.run(`CREATE TABLE cidr_probe (RemoteIP VARCHAR)`);
  const probes = Array.from({ length: 2000 }, (_, i) => {
    if (i % 2 === 0) return address();
    const [base, bits] = ipaddr.parseCIDR(blocks[i % blocks.length]);
    const bytes = base.toByteArray();
    // an address in the block's network, or just past it (the low bits randomised)
    const keep = Math.max(0, bits - (i % 3 === 0 ? 1 : 0));
    const n = (bytes[0] * 2 ** 24 + bytes[1] * 2 ** 16 + bytes[2] * 2 ** 8 + bytes[3]) >>> 0;
    const mask = keep === 0 ? 0 : (0xffffffff << (32 - keep)) >>> 0;
    const v = ((n & mask) | (Math.floor(random() * 2 ** 32) & ~mask)) >>> 0;
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  });
  await connection.run(`INSERT INTO cidr_probe SELECT unnest([${probes.map(sqlString).join(', ')}])`);
  const { sql } = compileConditionSql({ field: 'dstIp', operator: 'cidr', values: blocks }, table);
  const rows = await connection.runAndReadAll(`SELECT RemoteIP, ${sql} AS inside FROM cidr_probe`);
  const parsed = blocks.map((b) => ipaddr.parseCIDR(b));
  let inside = 0;
  for (const r of rows.getRowObjects()) {
    const ip = ipaddr.parse(String(r.RemoteIP));
    const expected = parsed.some((range) => ip.match(range));
    if (expected) inside++;
    assert.equal(r.inside, expected, String(r.RemoteIP));
  }
  assert.ok(inside > 300 && inside < 1800, `${inside} of 2000 inside: both outcomes tested`);
  const all = compileConditionSql({ field: 'dstIp', operator: 'cidr', values: ['0.0.0.0/0'] }, table);
  const [{ n }] = (
    await connection.runAndReadAll(`SELECT count(*) AS n FROM cidr_probe WHERE ${all.sql}`)
  ).getRowObjects();
  assert.equal(Number(n), probes.length);
});
