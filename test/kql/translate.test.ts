/**
 * The seed's three queries verbatim, huntforge's own hunt forms, the SQL shape of the hot paths,
 * and the errors: unsupported constructs and analyzer diagnostics, each with its position.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { connectionDatabase, runKql, type SqlDatabase } from '../../src/kql/run.js';
import {
  KqlMissingTableError,
  KqlSemanticError,
  KqlUnsupportedError,
  translateKql,
} from '../../src/kql/translate/index.js';
import { duckType } from '../../src/kql/translate/sql.js';
import { tableSchema } from '../../src/schemas/tables.js';

const seedDir = join(import.meta.dirname, 'corpus', 'seed');
const seedQuery = (name: string) => readFileSync(join(seedDir, name), 'utf8');
const SEED_TABLES = ['DnsEvents', 'CommonSecurityLog', 'DeviceNetworkEvents'];

let connection: DuckDBConnection;
let db: SqlDatabase;

before(async () => {
  const instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  for (const table of SEED_TABLES) {
    const columns = tableSchema(table)!.map((c) => `"${c.name}" ${duckType(c.type)}`);
    await connection.run(`CREATE TABLE "${table}" (${columns.join(', ')})`);
  }
  await connection.run(readFileSync(join(seedDir, 'rows.sql'), 'utf8'));
  db = connectionDatabase(connection);
});

after(() => connection?.closeSync());

describe("the seed's queries, verbatim", () => {
  test('DnsEvents has_any: term-phrase matches (incl. theponzu.com.evil.net), newest first', async () => {
    const r = await runKql(db, seedQuery('dnsevents.kql'));
    assert.deepEqual(
      r.columns.map((c) => c.name),
      ['TimeGenerated', 'Computer', 'Name', 'IPAddresses', 'QueryType'],
    );
    assert.deepEqual(
      r.rows.map((row) => [row.TimeGenerated, row.Computer, row.Name]),
      [
        ['2026-04-25T14:00:00.000Z', 'pc6', 'mail.airtellwireless.it.com'],
        ['2026-04-25T13:00:00.000Z', 'pc4', 'theponzu.com.evil.net'],
        ['2026-04-25T11:00:00.000Z', 'pc2', 'x.THEPONZU.com.'],
        ['2026-04-25T10:00:00.000Z', 'pc1', 'theponzu.com'],
        ['2026-04-25T09:00:00.000Z', 'pc5', 'SC88884.COM'],
        ['2026-03-01T10:00:00.000Z', 'pc11', 'theponzu.com'],
      ],
    );
  });

  test('CommonSecurityLog in: exact, case-sensitive IP matches on either side, newest first', async () => {
    const r = await runKql(db, seedQuery('commonsecuritylog.kql'));
    assert.deepEqual(r.rows, [
      {
        TimeGenerated: '2026-04-25T13:00:00.000Z',
        SourceIP: '10.0.0.6',
        DestinationIP: '172.67.159.51',
        DestinationPort: 80,
        DeviceAction: 'Deny',
        Activity: '',
      },
      {
        TimeGenerated: '2026-04-25T11:00:00.000Z',
        SourceIP: '104.21.9.66',
        DestinationIP: '10.0.0.9',
        DestinationPort: 51000,
        DeviceAction: 'Allow',
        Activity: 'Traffic',
      },
      {
        TimeGenerated: '2026-04-25T10:00:00.000Z',
        SourceIP: '10.0.0.5',
        DestinationIP: '172.67.208.215',
        DestinationPort: 443,
        DeviceAction: 'Allow',
        Activity: 'Traffic',
      },
    ]);
  });

  test('DeviceNetworkEvents in: newest first, a null Timestamp sorts last', async () => {
    const r = await runKql(db, seedQuery('devicenetworkevents.kql'));
    assert.deepEqual(
      r.rows.map((row) => [row.Timestamp, row.DeviceName, row.RemoteIP, row.RemotePort]),
      [
        ['2026-04-26T08:00:00.000Z', 'dev1', '104.21.9.66', 443],
        ['2026-04-26T07:00:00.000Z', 'dev3', '172.67.208.215', 443],
        [null, 'dev4', '172.67.159.51', 8080],
      ],
    );
  });
});

describe("huntforge's own hunt forms", () => {
  const domainHunt = `let lookback = 14d;
let ioc_domains = dynamic(["theponzu.com", "sc88884.com", "airtellwireless.it.com"]);
DnsEvents
| where TimeGenerated > ago(lookback)
| where Name has_any (ioc_domains)
| extend _name = trim_end(@"\\.", tolower(Name))
| extend _labels = split(_name, ".")
| mv-expand _i = range(0, array_length(_labels) - 1) to typeof(int)
| extend MatchedIndicator = strcat_array(array_slice(_labels, _i, -1), ".")
| where MatchedIndicator in (ioc_domains)
| project TimeGenerated, Computer, Name, IPAddresses, QueryType, MatchedIndicator
| order by TimeGenerated desc`;
  const now = new Date('2026-04-30T00:00:00Z');

  test('domain hunt: equal-or-subdomain, trailing dot ignored, lookback applied', async () => {
    const r = await runKql(db, domainHunt, { now });
    assert.deepEqual(
      r.rows.map((row) => [row.Computer, row.MatchedIndicator]),
      [
        ['pc6', 'airtellwireless.it.com'],
        ['pc2', 'theponzu.com'],
        ['pc1', 'theponzu.com'],
        ['pc5', 'sc88884.com'],
      ],
    );
  });

  test('domain hunt gives the same rows as hand-written SQL for the same semantics', async () => {
    const r = await runKql(db, domainHunt, { now });
    const direct = await db.query(`
      SELECT Computer, d AS MatchedIndicator
      FROM DnsEvents, (VALUES ('theponzu.com'), ('sc88884.com'), ('airtellwireless.it.com')) AS iocs(d)
      WHERE TimeGenerated > TIMESTAMP '2026-04-16 00:00:00'
        AND (lower(rtrim(Name, '.')) = d OR ends_with(lower(rtrim(Name, '.')), '.' || d))
      ORDER BY TimeGenerated DESC`);
    assert.deepEqual(
      r.rows.map((row) => [row.Computer, row.MatchedIndicator]),
      direct.map((row) => [row.Computer, row.MatchedIndicator]),
    );
  });

  test('ip:port hunt with iif choosing the matched indicator and an exclusion', async () => {
    const q = `let ioc_endpoints = dynamic(["172.67.208.215:443", "172.67.159.51:443", "104.21.9.66:443"]);
let ioc_ips = dynamic(["104.21.9.66"]);
CommonSecurityLog
| where strcat(DestinationIP, ":", tostring(DestinationPort)) in (ioc_endpoints) or SourceIP in (ioc_ips)
| extend MatchedIndicator = iif(strcat(DestinationIP, ":", tostring(DestinationPort)) in (ioc_endpoints), strcat(DestinationIP, ":", tostring(DestinationPort)), SourceIP)
| where not(DeviceAction =~ "deny" or SourceIP startswith "192.168." or ipv4_is_in_range(DestinationIP, "192.168.0.0/16") or Activity matches regex "^Health")
| project TimeGenerated, SourceIP, DestinationIP, DestinationPort, MatchedIndicator
| order by TimeGenerated desc`;
    const r = await runKql(db, q);
    assert.deepEqual(
      r.rows.map((row) => [row.TimeGenerated, row.MatchedIndicator]),
      [
        ['2026-04-25T11:00:00.000Z', '104.21.9.66'],
        ['2026-04-25T10:00:00.000Z', '172.67.208.215:443'],
      ],
    );
  });
});

describe('generated SQL', () => {
  const dns = { DnsEvents: tableSchema('DnsEvents')! };

  test('has_any over a list is one RE2 scan, not one regex per needle', () => {
    const { sql } = translateKql('DnsEvents | where Name has_any ("a.com", "b.com", "c.com", "d")', dns);
    assert.equal(sql.match(/regexp_matches/g)?.length, 1);
    assert.match(sql, /\(\?i\)/);
  });

  test('sorts always state direction and nulls placement', () => {
    const { sql } = translateKql('DnsEvents | sort by TimeGenerated, Name asc', dns);
    assert.match(sql, /"TimeGenerated" DESC NULLS LAST, "Name" ASC NULLS FIRST/);
  });

  test('now() is one constant instant per query', () => {
    const { sql } = translateKql('DnsEvents | where TimeGenerated > ago(1h) and TimeGenerated < now()', dns, {
      now: new Date('2026-04-30T12:00:00Z'),
    });
    assert.match(sql, /TIMESTAMP '2026-04-30 11:00:00.000'/);
    assert.match(sql, /TIMESTAMP '2026-04-30 12:00:00.000'/);
    assert.doesNotMatch(sql, /now\(\)|current_timestamp/i);
  });

  test('in~ lowers both sides; in does not', () => {
    const ci = translateKql('DnsEvents | where Name in~ ("A.com")', dns).sql;
    const cs = translateKql('DnsEvents | where Name in ("A.com")', dns).sql;
    // tested on the stored value (NULL there is '' in KQL, and '' is not in the list)
    assert.match(ci, /COALESCE\(lower\("__raw_Name"\) IN \('a\.com'\), false\)/);
    assert.match(cs, /COALESCE\("__raw_Name" IN \('A\.com'\), false\)/);
  });

  test('output columns carry the KQL types', () => {
    const { columns } = translateKql(
      'DnsEvents | summarize count() by bin(TimeGenerated, 1h), Computer',
      dns,
    );
    assert.deepEqual(columns, [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'Computer', type: 'string' },
      { name: 'count_', type: 'long' },
    ]);
  });
});

describe('nothing silently wrong: refused constructs name themselves and their position', () => {
  const dns = { DnsEvents: tableSchema('DnsEvents')! };
  const refused: [string, string, RegExp, number, number][] = [
    ['operator', 'DnsEvents | make-series count() on TimeGenerated step 1h', /operator 'make-series'/, 1, 13],
    ['aggregate', 'DnsEvents\n| summarize percentile(Severity, 50)', /aggregate percentile\(\)/, 2, 13],
    [
      'function',
      'DnsEvents\n| extend x = base64_encode_tostring(Name)',
      /function base64_encode_tostring\(\)/,
      2,
      14,
    ],
    ['user function', 'let f = (x:string) { x };\nprint f("a")', /user-defined function 'f'/, 1, 9],
    ['non-constant has', 'DnsEvents | where Name has Computer', /non-constant right side of 'has'/, 1, 28],
    [
      'non-constant bin size',
      'DnsEvents | extend b = bin(Severity, Severity)',
      /function bin\(\).*bin size must be a constant/,
      1,
      38,
    ],
    ['term-less needle', 'DnsEvents | where Name has "."', /term operand without alphanumeric/, 1, 28],
    ['union withsource', 'DnsEvents | union withsource=T DnsEvents', /union withsource/, 1, 13],
    [
      'row_number without a row order',
      'DnsEvents | extend r = row_number()',
      /row_number\(\).*needs serialized rows/,
      1,
      24,
    ],
    ['search with a column predicate', 'DnsEvents | search Computer:"x"', /search predicate/, 1, 20],
    ['datetime_diff week', 'print d = datetime_diff("week", now(), ago(30d))', /period 'week'/, 1, 25],
    [
      'arithmetic on dynamic',
      'print d = dynamic({"a": 1}) | extend v = d.a + 1',
      /arithmetic on a dynamic value 'd\.a \+ 1'/,
      1,
      42,
    ],
    [
      'in against a dynamic column',
      'datatable(d:dynamic)[dynamic([1])] | where 1 in (d)',
      /non-constant dynamic operand/,
      1,
      50,
    ],
  ];
  for (const [what, query, message, line, column] of refused) {
    test(what, () => {
      assert.throws(
        () => translateKql(query, dns),
        (err: unknown) => {
          assert.ok(err instanceof KqlUnsupportedError, `got ${String(err)}`);
          assert.match(err.message, message);
          assert.deepEqual(err.position, { line, column });
          assert.match(err.message, new RegExp(`line ${line}:${column}`));
          return true;
        },
      );
    });
  }

  test('ASIM parser parameters other than the time window are refused', () => {
    const asim = { ASimDnsActivityLogs: tableSchema('ASimDnsActivityLogs')! };
    assert.throws(
      () => translateKql('_Im_Dns(starttime=ago(1d), domain_has_any=dynamic(["x.com"]))', asim),
      /_Im_Dns\(\) parameter 'domain_has_any'.*line 1:28/,
    );
  });

  test('an unknown column is the analyzer error with line:col', () => {
    assert.throws(
      () => translateKql('DnsEvents\n| where Nme == "x"', dns),
      (err: unknown) =>
        err instanceof KqlSemanticError &&
        err.code === 'KS142' &&
        err.position.line === 2 &&
        err.position.column === 9,
    );
  });

  test('a table with no loaded data is refused by name', () => {
    assert.throws(
      () => translateKql('CommonSecurityLog | take 1', dns),
      (err: unknown) =>
        err instanceof KqlMissingTableError &&
        /table 'CommonSecurityLog' at line 1:1 has no loaded data/.test(err.message),
    );
  });

  test('an unloaded table is named even where its bundled schema makes the analyzer fail', () => {
    // Sentinel's UrlClickEvents has no Timestamp column; the real problem is that it is not loaded.
    assert.throws(
      () => translateKql('UrlClickEvents\n| where Timestamp > ago(1d)', dns),
      (err: unknown) =>
        err instanceof KqlMissingTableError && err.table === 'UrlClickEvents' && err.position.line === 1,
    );
  });

  test('an unknown table is the analyzer error', () => {
    assert.throws(
      () => translateKql('NoSuchTable | take 1', dns),
      (err: unknown) => err instanceof KqlSemanticError && err.code === 'KS204',
    );
  });
});
