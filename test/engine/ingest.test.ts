import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type HuntDatabase, openDatabase } from '../../src/engine/database.js';
import { ingestLogs, tableFromFileName } from '../../src/engine/ingest/index.js';
import { tableSchema } from '../../src/schemas/tables.js';

const FIXTURES = 'test/fixtures/engine/ingest';
const fixture = (...parts: string[]) => join(FIXTURES, ...parts);

async function columnTypes(db: HuntDatabase, table: string): Promise<Record<string, string>> {
  const rows = await db.query<{ column_name: string; column_type: string }>(`DESCRIBE "${table}"`);
  return Object.fromEntries(rows.map((r) => [r.column_name, r.column_type]));
}

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'huntforge-ingest-test-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('table names from file names', () => {
  test('known tables, suffixes and custom tables', () => {
    assert.equal(tableFromFileName('DnsEvents.jsonl'), 'DnsEvents');
    assert.equal(tableFromFileName('CommonSecurityLog_2026-04.csv.gz'), 'CommonSecurityLog');
    assert.equal(tableFromFileName('DeviceNetworkEvents-part1.json'), 'DeviceNetworkEvents');
    assert.equal(tableFromFileName('dnsevents.jsonl'), 'DnsEvents');
    assert.equal(tableFromFileName('MyApp_CL.jsonl'), 'MyApp_CL');
    assert.equal(tableFromFileName('Custom-2026.csv'), 'Custom');
    assert.equal(tableFromFileName('2026-04-25.jsonl'), undefined);
  });
});

describe('JSON Lines', () => {
  let db: HuntDatabase;
  before(async () => {
    db = await openDatabase();
  });
  after(() => db.close());

  test('rows land in the bundled table, malformed lines counted with file:line, good rows kept', async () => {
    const path = fixture('json', 'DnsEvents.jsonl');
    const report = await ingestLogs(db, [path]);
    assert.deepEqual(
      report.tables.map((t) => [t.name, t.rows]),
      [['DnsEvents', 4]],
    );
    const [file] = report.files;
    assert.equal(file.format, 'jsonl');
    assert.equal(file.rows, 4);
    assert.equal(file.malformed, 2);
    assert.equal(file.firstMalformed.length, 2);
    assert.match(file.firstMalformed[0], /DnsEvents\.jsonl:4 invalid JSON/);
    assert.match(file.firstMalformed[1], /DnsEvents\.jsonl:7 invalid JSON/);
  });

  test('every bundled column exists with its mapped type; extra columns are kept', async () => {
    const types = await columnTypes(db, 'DnsEvents');
    for (const column of tableSchema('DnsEvents')!) assert.ok(column.name in types, column.name);
    assert.equal(types.TimeGenerated, 'TIMESTAMP');
    assert.equal(types.ResultCode, 'INTEGER');
    assert.equal(types.RemoteIPLatitude, 'DOUBLE');
    assert.equal(types.Name, 'VARCHAR');
    assert.equal(types.SensorName, 'VARCHAR');
    assert.equal(types.Tags, 'JSON');
  });

  test('values: UTC times from every ISO form, bad numbers null, missing columns null, nested kept', async () => {
    const rows = await db.query<Record<string, unknown>>(
      'SELECT TimeGenerated, Name, ResultCode, Message, SensorName, Tags FROM DnsEvents ORDER BY TimeGenerated',
    );
    assert.deepEqual(
      rows.map((r) => r.TimeGenerated),
      [
        '2026-04-25T10:00:00.000Z',
        '2026-04-25T11:30:00.123Z',
        '2026-04-25T12:00:00.000Z', // naive → UTC
        '2026-04-25T12:00:00.000Z', // +02:00 → UTC
      ],
    );
    assert.deepEqual(
      rows.map((r) => r.Name),
      ['theponzu.com', 'x.theponzu.com', 'nottheponzu.com', 'theponzu.com.evil.net'],
    );
    assert.equal(rows[1].ResultCode, null);
    assert.equal(rows[1].SensorName, 'edge-1');
    assert.equal(rows[0].Message, null);
    assert.deepEqual(rows[2].Tags, { env: 'prod', ids: [1, 2] });
    const [micro] = await db.query<{ s: string }>(
      "SELECT strftime(TimeGenerated, '%f') AS s FROM DnsEvents WHERE Name = 'x.theponzu.com'",
    );
    assert.equal(micro.s, '123456');
  });
});

describe('JSON arrays (Log Analytics export)', () => {
  test('[UTC] keys renamed, dynamic stays JSON, long and int typed', async () => {
    const db = await openDatabase();
    try {
      const report = await ingestLogs(db, [fixture('json', 'DeviceNetworkEvents-part1.json')]);
      assert.equal(report.files[0].format, 'json');
      assert.equal(report.files[0].rows, 2);
      assert.equal(report.files[0].malformed, 0);
      const types = await columnTypes(db, 'DeviceNetworkEvents');
      assert.equal(types.AdditionalFields, 'JSON');
      assert.equal(types.RemotePort, 'INTEGER');
      assert.equal(types.ReportId, 'BIGINT');
      assert.ok(!('TimeGenerated [UTC]' in types));
      const rows = await db.query<Record<string, unknown>>(
        'SELECT TimeGenerated, Timestamp, DeviceName, RemotePort, AdditionalFields, ReportId FROM DeviceNetworkEvents ORDER BY TimeGenerated',
      );
      assert.equal(rows[0].TimeGenerated, '2026-04-25T10:05:00.000Z');
      assert.equal(rows[0].Timestamp, '2026-04-25T10:04:59.500Z');
      assert.deepEqual(rows[0].AdditionalFields, { direction: 'out' });
      assert.deepEqual(rows[1].AdditionalFields, { direction: 'in' });
      assert.equal(rows[1].RemotePort, 8080);
      assert.equal(rows[1].Timestamp, null);
      // beyond 2^53: kept exact, as a string
      assert.equal(rows[0].ReportId, '9007199254740993');
    } finally {
      db.close();
    }
  });
});

describe('CSV (portal export)', () => {
  test('[UTC] headers, both timestamp styles, quoted commas, rejected rows with file:line', async () => {
    const db = await openDatabase();
    try {
      const path = fixture('csv', 'CommonSecurityLog_2026-04.csv');
      const report = await ingestLogs(db, [path]);
      const [file] = report.files;
      assert.equal(file.table, 'CommonSecurityLog');
      assert.equal(file.format, 'csv');
      assert.equal(file.rows, 3);
      assert.equal(file.malformed, 1);
      assert.match(file.firstMalformed[0], /CommonSecurityLog_2026-04\.csv:4 /);
      const types = await columnTypes(db, 'CommonSecurityLog');
      assert.equal(types.TimeGenerated, 'TIMESTAMP');
      assert.equal(types.StartTime, 'TIMESTAMP');
      assert.equal(types.DestinationPort, 'INTEGER');
      assert.equal(types.FlowLabel, 'VARCHAR');
      assert.equal(Object.keys(types).length, tableSchema('CommonSecurityLog')!.length + 1);
      const rows = await db.query<Record<string, unknown>>(
        'SELECT TimeGenerated, StartTime, DestinationPort, RequestURL, FlowLabel, Computer FROM CommonSecurityLog ORDER BY TimeGenerated',
      );
      assert.deepEqual(
        rows.map((r) => r.TimeGenerated),
        ['2025-11-21T20:14:51.213Z', '2026-03-26T15:18:18.790Z', '2026-04-25T10:00:00.000Z'],
      );
      assert.equal(rows[1].StartTime, '2026-03-26T15:18:17.000Z');
      assert.equal(rows[0].StartTime, '2025-11-21T20:14:50.000Z');
      assert.equal(rows[1].RequestURL, 'https://theponzu.com/gate.php?a=1,2');
      assert.equal(rows[1].DestinationPort, 443);
      assert.equal(rows[2].DestinationPort, null);
      assert.equal(rows[0].Computer, null);
      assert.deepEqual(
        rows.map((r) => r.FlowLabel),
        ['beta', 'alpha', 'gamma'],
      );
    } finally {
      db.close();
    }
  });
});

describe('CSV lines and row tests', () => {
  test('a line over 2 MiB past the sniffed rows is one rejected row at its line; the rest loads', async () => {
    const path = join(work, 'Late_CL.csv');
    const early = Array.from({ length: 25_000 }, (_, i) => `2026-04-25T10:00:00Z,n${i}`);
    const long = `2026-04-25T10:01:00Z,${'x'.repeat(3 * 1024 * 1024)}`;
    writeFileSync(path, `TimeGenerated,Name\n${early.join('\n')}\n${long}\n2026-04-25T10:02:00Z,after\n`);
    const db = await openDatabase();
    try {
      const [file] = (await ingestLogs(db, [path])).files;
      assert.equal(file.rows, 25_001);
      assert.equal(file.malformed, 1);
      assert.match(file.firstMalformed[0], /Late_CL\.csv:25002 line size over maximum/);
    } finally {
      db.close();
    }
  });

  test('a long line among the sniffed rows: the file is read with a larger line limit, every row loads', async () => {
    const path = join(work, 'Long_CL.csv');
    const long = 'x'.repeat(2 * 1024 * 1024 + 10);
    writeFileSync(
      path,
      `TimeGenerated,Name\n2026-04-25T10:00:00Z,before\n2026-04-25T10:01:00Z,${long}\n2026-04-25T10:02:00Z,after\n`,
    );
    const db = await openDatabase();
    try {
      const [file] = (await ingestLogs(db, [path])).files;
      assert.equal(file.rows, 3);
      assert.equal(file.malformed, 0);
      assert.deepEqual(await db.query('SELECT length(Name) AS n FROM Long_CL ORDER BY TimeGenerated'), [
        { n: 6 },
        { n: long.length },
        { n: 5 },
      ]);
    } finally {
      db.close();
    }
  });

  test('a row test reading a list hashes the list and probes it with each row, never the other way', async () => {
    const path = join(work, 'DnsEvents.csv');
    writeFileSync(
      path,
      'TimeGenerated,Name\n2026-04-25T10:00:00Z,evil.example\n2026-04-25T10:01:00Z,fine.example\n',
    );
    const db = await openDatabase();
    try {
      await db.run("CREATE TEMP TABLE wanted AS SELECT 'evil.example' AS v");
      const rowFilter = () => ({ sql: 'e."Name" IN (SELECT v FROM wanted)', columns: [] });
      // DuckDB guesses a file holds a few dozen rows: a bare IN test became a semi join hashing them
      const plans: string[] = [];
      const explaining = {
        ...db,
        run: async (sql: string) => {
          if (sql.startsWith('INSERT')) plans.push(JSON.stringify(await db.query(`EXPLAIN ${sql}`)));
          return db.run(sql);
        },
      };
      const [file] = (await ingestLogs(explaining, [path], { rowFilter })).files;
      assert.equal(file.rows, 1);
      assert.ok(plans.length > 0);
      for (const plan of plans) {
        assert.match(plan, /MARK/);
        assert.doesNotMatch(plan, /SEMI/);
      }
    } finally {
      db.close();
    }
  });
});

describe('Parquet, gzip, several files of one table, --table', () => {
  test('parquet written by DuckDB COPY and gzip variants of every format append to their tables', async () => {
    const db = await openDatabase();
    try {
      const dir = join(work, 'mixed');
      rmSync(dir, { recursive: true, force: true });
      const { mkdirSync } = await import('node:fs');
      mkdirSync(dir);
      const parquet = join(dir, 'DnsEvents_part2.parquet');
      await db.run(
        `COPY (SELECT TIMESTAMP '2026-04-27 08:00:00' AS TimeGenerated, 'pq.example' AS Name, 5::BIGINT AS ResultCode, 'yes' AS FromParquet) TO '${parquet}' (FORMAT parquet)`,
      );
      writeFileSync(join(dir, 'DnsEvents_part3.parquet.gz'), gzipSync(readFileSync(parquet)));
      writeFileSync(
        join(dir, 'DnsEvents.jsonl.gz'),
        gzipSync(readFileSync(fixture('json', 'DnsEvents.jsonl'))),
      );
      writeFileSync(
        join(dir, 'CommonSecurityLog_2026-04.csv.gz'),
        gzipSync(readFileSync(fixture('csv', 'CommonSecurityLog_2026-04.csv'))),
      );
      writeFileSync(
        join(dir, 'DeviceNetworkEvents-part1.json.gz'),
        gzipSync(readFileSync(fixture('json', 'DeviceNetworkEvents-part1.json'))),
      );
      writeFileSync(join(dir, 'DnsEvents_empty.jsonl'), '');
      const report = await ingestLogs(db, [dir]);
      const byName = Object.fromEntries(report.tables.map((t) => [t.name, t]));
      assert.equal(byName.DnsEvents.rows, 4 + 1 + 1);
      assert.equal(byName.DnsEvents.files.length, 4);
      assert.equal(byName.CommonSecurityLog.rows, 3);
      assert.equal(byName.DeviceNetworkEvents.rows, 2);
      const gz = report.files.find((f) => f.path.endsWith('DnsEvents.jsonl.gz'))!;
      assert.equal(gz.malformed, 2);
      assert.match(gz.firstMalformed[0], /DnsEvents\.jsonl\.gz:4 /);
      const csvGz = report.files.find((f) => f.path.endsWith('.csv.gz'))!;
      assert.equal(csvGz.malformed, 1);
      const empty = report.files.find((f) => f.path.endsWith('DnsEvents_empty.jsonl'))!;
      assert.deepEqual([empty.rows, empty.malformed], [0, 0]);
      const [pq] = await db.query<Record<string, unknown>>(
        "SELECT TimeGenerated, ResultCode, FromParquet FROM DnsEvents WHERE Name = 'pq.example' LIMIT 1",
      );
      assert.deepEqual(pq, { TimeGenerated: '2026-04-27T08:00:00.000Z', ResultCode: 5, FromParquet: 'yes' });
      const [{ n }] = await db.query<{ n: number }>(
        "SELECT count(*) AS n FROM DnsEvents WHERE Name = 'pq.example'",
      );
      assert.equal(n, 2);
      assert.equal((await columnTypes(db, 'DnsEvents')).ResultCode, 'INTEGER');
    } finally {
      db.close();
    }
  });

  test('--table overrides the name for every file', async () => {
    const db = await openDatabase();
    try {
      const file = join(work, 'export-from-portal.jsonl');
      copyFileSync(fixture('json', 'DnsEvents.jsonl'), file);
      const report = await ingestLogs(db, [file], { table: 'DnsEvents' });
      assert.deepEqual(
        report.tables.map((t) => [t.name, t.rows]),
        [['DnsEvents', 4]],
      );
      assert.deepEqual(await db.tableNames(), ['DnsEvents']);
    } finally {
      db.close();
    }
  });

  test('a table without a bundled schema is built from the file itself', async () => {
    const db = await openDatabase();
    try {
      const report = await ingestLogs(db, [fixture('custom', 'MyApp_CL.jsonl')]);
      assert.equal(report.tables[0].name, 'MyApp_CL');
      assert.equal(report.tables[0].rows, 2);
      const types = await columnTypes(db, 'MyApp_CL');
      assert.equal(types.TimeGenerated, 'TIMESTAMP');
      assert.equal(types.User, 'VARCHAR');
      assert.equal(types.Bytes, 'BIGINT');
      assert.equal(types.Ok, 'BOOLEAN');
      assert.equal(types.Detail, 'JSON');
    } finally {
      db.close();
    }
  });
});

describe('since/until', () => {
  test('keep events in [since, until) by TimeGenerated and still count malformed lines', async () => {
    const db = await openDatabase();
    try {
      const report = await ingestLogs(db, [fixture('json', 'DnsEvents.jsonl')], {
        since: new Date('2026-04-25T11:00:00Z'),
        until: new Date('2026-04-25T12:00:00Z'),
      });
      assert.equal(report.files[0].rows, 1);
      assert.equal(report.files[0].malformed, 2);
      const names = await db.query<{ Name: string }>('SELECT Name FROM DnsEvents');
      assert.deepEqual(names, [{ Name: 'x.theponzu.com' }]);
    } finally {
      db.close();
    }
  });

  test('a Defender export with only Timestamp is bounded by Timestamp', async () => {
    const db = await openDatabase();
    try {
      const file = join(work, 'DeviceNetworkEvents_ah.jsonl');
      writeFileSync(
        file,
        '{"Timestamp":"2026-04-25T10:00:00Z","DeviceName":"a"}\n{"Timestamp":"2026-04-20T10:00:00Z","DeviceName":"b"}\n',
      );
      const report = await ingestLogs(db, [file], { since: new Date('2026-04-24T00:00:00Z') });
      assert.equal(report.files[0].rows, 1);
      assert.deepEqual(report.warnings, []);
    } finally {
      db.close();
    }
  });

  test('Timestamp bounds tables that only have Timestamp', async () => {
    const db = await openDatabase();
    try {
      const file = join(work, 'AdvancedHunting_export.jsonl');
      writeFileSync(
        file,
        '{"Timestamp":"2026-04-25T10:00:00Z","DeviceName":"a"}\n{"Timestamp":"2026-04-20T10:00:00Z","DeviceName":"b"}\n',
      );
      const report = await ingestLogs(db, [file], { since: new Date('2026-04-24T00:00:00Z') });
      assert.equal(report.files[0].rows, 1);
    } finally {
      db.close();
    }
  });
});

describe('unusable input', () => {
  test('an unknown format is a clear error naming the file and what is accepted', async () => {
    const db = await openDatabase();
    try {
      await assert.rejects(ingestLogs(db, [fixture('bad', 'notes.txt')]), (err: Error) => {
        assert.match(err.message, /notes\.txt: unrecognised log format/);
        assert.match(err.message, /accepted: \.jsonl/);
        return true;
      });
      await assert.rejects(
        ingestLogs(db, [fixture('bad', 'DnsEvents.xml')]),
        /DnsEvents\.xml: unrecognised log format '\.xml'/,
      );
      await assert.rejects(
        ingestLogs(db, [fixture('bad', '2026-04-25.jsonl')]),
        /2026-04-25\.jsonl: cannot tell which table .* --table/,
      );
      await assert.rejects(ingestLogs(db, [join(work, 'missing.jsonl')]), /missing\.jsonl: no such file/);
      // nothing was ingested before the error
      assert.deepEqual(await db.tableNames(), []);
    } finally {
      db.close();
    }
  });

  test('a broken JSON array is reported for its file while the other files go in', async () => {
    const db = await openDatabase();
    try {
      const dir = join(work, 'broken-array');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'DnsEvents_a.json'), '[{"Name":"a.com"}, {"Name": ');
      copyFileSync(fixture('json', 'DnsEvents.jsonl'), join(dir, 'DnsEvents_b.jsonl'));
      const report = await ingestLogs(db, [dir]);
      const broken = report.files.find((f) => f.path.endsWith('DnsEvents_a.json'))!;
      assert.equal(broken.malformed, 1);
      assert.match(broken.firstMalformed[0], /DnsEvents_a\.json:1 unreadable/);
      assert.equal(report.warnings.length, 1);
      assert.equal(report.tables[0].rows, 4);
    } finally {
      db.close();
    }
  });
});

describe('lazy mode', () => {
  test('views over the files have the same shape and rows as loaded tables', async () => {
    const paths = [
      fixture('json'),
      fixture('csv'),
      fixture('cef'),
      fixture('zeek-tsv'),
      fixture('zeek-json', 'conn.log'),
      fixture('custom'),
    ];
    const loaded = await openDatabase();
    const lazy = await openDatabase();
    try {
      const window = { since: new Date('2025-01-01T00:00:00Z') };
      await ingestLogs(loaded, paths, window);
      const report = await ingestLogs(lazy, paths, { ...window, lazy: true });
      assert.ok(report.files.every((f) => f.lazy === true));
      const kinds = await lazy.query<{ table_name: string; table_type: string }>(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1",
      );
      assert.ok(kinds.length >= 6 && kinds.every((k) => k.table_type === 'VIEW'));
      assert.deepEqual(await lazy.tableNames(), await loaded.tableNames());
      for (const table of await loaded.tableNames()) {
        assert.deepEqual(await columnTypes(lazy, table), await columnTypes(loaded, table), table);
        const dump = async (db: HuntDatabase) =>
          (await db.query(`SELECT * FROM "${table}"`)).map((r) => JSON.stringify(r)).sort();
        assert.deepEqual(await dump(lazy), await dump(loaded), table);
      }
    } finally {
      loaded.close();
      lazy.close();
    }
  });
});

describe('JSON records that are not objects', () => {
  test('lines and array elements that are not objects are malformed; the objects around them are kept', async () => {
    const db = await openDatabase();
    try {
      const dir = mkdtempSync(join(work, 'non-records-'));
      writeFileSync(
        join(dir, 'DnsEvents_lines.jsonl'),
        '{"TimeGenerated":"2026-04-25T10:00:00Z","Name":"a.com"}\n5\n[1,2]\n{"Name":"b.com"}\n',
      );
      writeFileSync(join(dir, 'DnsEvents_array.json'), '[{"Name":"c.com"}, 5, {}, {"Name":"d.com"}]');
      const report = await ingestLogs(db, [dir]);
      const lines = report.files.find((f) => f.path.endsWith('.jsonl'))!;
      const array = report.files.find((f) => f.path.endsWith('.json'))!;
      assert.deepEqual([lines.rows, lines.malformed], [2, 2]);
      assert.match(lines.firstMalformed[0], /DnsEvents_lines\.jsonl:2 not a JSON object/);
      assert.match(lines.firstMalformed[1], /DnsEvents_lines\.jsonl:3 not a JSON object/);
      assert.deepEqual([array.rows, array.malformed], [2, 2]);
      assert.match(array.firstMalformed[0], /DnsEvents_array\.json: 2 array elements are not records/);
      const names = await db.query<{ Name: string }>('SELECT Name FROM DnsEvents ORDER BY Name');
      assert.deepEqual(
        names.map((r) => r.Name),
        ['a.com', 'b.com', 'c.com', 'd.com'],
      );
    } finally {
      db.close();
    }
  });
});

describe('a file read again', () => {
  test('a JSON Lines file rewritten between two runs is read with its new keys', async () => {
    const path = join(work, 'Rewritten_CL.jsonl');
    writeFileSync(path, '{"TimeGenerated":"2026-04-25T10:00:00Z","First":"a"}\n');
    const one = await openDatabase();
    await ingestLogs(one, [path]);
    assert.deepEqual(await one.query('SELECT "First" FROM "Rewritten_CL"'), [{ First: 'a' }]);
    one.close();
    writeFileSync(path, '{"TimeGenerated":"2026-04-25T10:00:00Z","Second":"bb"}\n');
    const two = await openDatabase();
    await ingestLogs(two, [path]);
    assert.deepEqual(await two.query('SELECT "Second" FROM "Rewritten_CL"'), [{ Second: 'bb' }]);
    two.close();
  });
});

describe('JSON keys sniffed from records of different shapes', () => {
  test('every key of the first records is a column, in the order keys first appear, types merged', async () => {
    const path = join(work, 'Shapes_CL.jsonl');
    const records = [
      { TimeGenerated: '2026-04-25T10:00:00Z', Count: 1, Note: null },
      'not an object',
      { TimeGenerated: '2026-04-25T10:01:00Z', Count: 2.5, Note: 'set later', Later: true },
      { Count: 3, TimeGenerated: '2026-04-25T10:02:00Z', Detail: { a: 1 } },
      { TimeGenerated: '2026-04-25T10:03:00Z', Mixed: 1 },
      { TimeGenerated: '2026-04-25T10:04:00Z', Mixed: 'one', Last: 7 },
    ];
    // the same shapes many times over: one record of each shape decides, the repeats change nothing
    const lines = records.map((r) => JSON.stringify(r));
    writeFileSync(path, `${Array.from({ length: 50 }, () => lines.join('\n')).join('\n')}\n`);
    const db = await openDatabase();
    try {
      const report = await ingestLogs(db, [path]);
      assert.equal(report.files[0].rows, 250);
      assert.equal(report.files[0].malformed, 50);
      const rows = await db.query<{ column_name: string; column_type: string }>('DESCRIBE "Shapes_CL"');
      assert.deepEqual(
        rows.map((r) => [r.column_name, r.column_type]),
        [
          ['TimeGenerated', 'TIMESTAMP'],
          ['Count', 'DOUBLE'],
          ['Note', 'VARCHAR'],
          ['Later', 'BOOLEAN'],
          ['Detail', 'JSON'],
          ['Mixed', 'JSON'],
          ['Last', 'BIGINT'],
        ],
      );
    } finally {
      db.close();
    }
  });
});

describe('JSON files that DuckDB alone would refuse or read as empty', () => {
  test('keys that differ only in case are one column, with a warning; every record is read', async () => {
    const path = join(work, 'CaseKeys_CL.jsonl');
    writeFileSync(
      path,
      [
        { TimeGenerated: '2026-04-25T10:00:00Z', Computer: 'c1', Name: 'a.com' },
        { TimeGenerated: '2026-04-25T10:01:00Z', computer: 'c2', Name: 'b.com' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const db = await openDatabase();
    try {
      const report = await ingestLogs(db, [path]);
      assert.deepEqual(report.warnings, [
        `${path}: keys 'Computer', 'computer' differ only in case: read as column Computer, the values under 'computer' are not read`,
      ]);
      assert.deepEqual(await db.query('SELECT Computer, Name FROM "CaseKeys_CL" ORDER BY Name'), [
        { Computer: 'c1', Name: 'a.com' },
        { Computer: null, Name: 'b.com' },
      ]);
    } finally {
      db.close();
    }
  });

  test('a JSON Lines file without one record: each line is malformed, with its line', async () => {
    const path = join(work, 'NoRecords_CL.jsonl');
    writeFileSync(path, 'garbage\n{"a":\n{}\n');
    const db = await openDatabase();
    try {
      const [file] = (await ingestLogs(db, [path])).files;
      assert.deepEqual([file.rows, file.malformed], [0, 3]);
      assert.match(file.firstMalformed[0], /NoRecords_CL\.jsonl:1 invalid JSON/);
      assert.match(file.firstMalformed[2], /NoRecords_CL\.jsonl:3 empty JSON object/);
    } finally {
      db.close();
    }
  });
});

describe('several JSON files', () => {
  test('keys sniffed side by side land with their own files', async () => {
    const dir = join(work, 'side-by-side');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 5; i++)
      writeFileSync(
        join(dir, `Side${i}_CL.jsonl`),
        `${JSON.stringify({ TimeGenerated: '2026-04-25T10:00:00Z', [`Only${i}`]: i, Shared: `s${i}` })}\n`,
      );
    const db = await openDatabase();
    try {
      const report = await ingestLogs(db, [dir]);
      assert.equal(report.files.length, 5);
      for (let i = 0; i < 5; i++) {
        assert.deepEqual(await db.query(`SELECT "Only${i}" AS only, Shared FROM "Side${i}_CL"`), [
          { only: i, Shared: `s${i}` },
        ]);
        const columns = Object.keys(await columnTypes(db, `Side${i}_CL`));
        assert.deepEqual(columns, ['TimeGenerated', `Only${i}`, 'Shared']);
      }
    } finally {
      db.close();
    }
  });
});
