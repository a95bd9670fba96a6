import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type HuntDatabase, openDatabase } from '../../src/engine/database.js';
import { parseCefLine } from '../../src/engine/ingest/cef.js';
import { ingestLogs } from '../../src/engine/ingest/index.js';
import { parseZeekHeader } from '../../src/engine/ingest/zeek.js';

const FIXTURES = 'test/fixtures/engine/ingest';
const fixture = (...parts: string[]) => join(FIXTURES, ...parts);

async function withDb<T>(fn: (db: HuntDatabase) => Promise<T>): Promise<T> {
  const db = await openDatabase();
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

function nonNull(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null));
}

describe('CEF parsing', () => {
  test('header pipes and backslashes escaped, extension escapes, unknown keys, syslog host', () => {
    const r = parseCefLine(
      '<134>Apr 25 10:00:00 fw01 CEF:0|Acme\\|Co|Wall\\\\X|1.0|100|Blocked|7|src=10.0.0.1 request=http://a/?q\\=1 x=a\\\\b\\nc cs2Label=Zone cs2=dmz weird=v w=',
      new Date('2026-05-01T00:00:00Z'),
    );
    assert.ok(r.ok);
    assert.deepEqual(r.row, {
      DeviceVendor: 'Acme|Co',
      DeviceProduct: 'Wall\\X',
      DeviceVersion: '1.0',
      DeviceEventClassID: '100',
      Activity: 'Blocked',
      LogSeverity: '7',
      SourceIP: '10.0.0.1',
      RequestURL: 'http://a/?q=1',
      DeviceCustomString2Label: 'Zone',
      DeviceCustomString2: 'dmz',
      AdditionalExtensions: 'x=a\\b\nc;weird=v;w=',
      TimeGenerated: '2026-04-25T10:00:00.000Z',
      Computer: 'fw01',
      Type: 'CommonSecurityLog',
    });
  });

  test('keys every object inherits (constructor, toString, __proto__) are unknown keys', () => {
    const r = parseCefLine(
      'CEF:0|Acme|Wall|1.0|100|Blocked|7|constructor=a toString=b __proto__=c src=10.0.0.1',
      new Date('2026-05-01T00:00:00Z'),
    );
    assert.ok(r.ok);
    assert.equal(r.row.SourceIP, '10.0.0.1');
    assert.equal(r.row.AdditionalExtensions, 'constructor=a;toString=b;__proto__=c');
  });

  test('RFC 3164 timestamps take the latest year not in the future', () => {
    const r = parseCefLine('Dec 31 23:00:00 h CEF:0|V|P|1|1|N|1|', new Date('2026-01-02T00:00:00Z'));
    assert.ok(r.ok);
    assert.equal(r.row.TimeGenerated, '2025-12-31T23:00:00.000Z');
  });

  test('lines that are not CEF say why', () => {
    assert.deepEqual(parseCefLine('hello'), { ok: false, reason: 'no CEF: message' });
    const short = parseCefLine('CEF:0|V|P|1.0');
    assert.equal(short.ok, false);
    assert.match(short.ok ? '' : short.reason, /4 of the 8/);
  });
});

describe('CEF files → CommonSecurityLog', () => {
  test('.cef and .log files with CEF lines, mapped columns and malformed lines with file:line', () =>
    withDb(async (db) => {
      const report = await ingestLogs(db, [fixture('cef')]);
      const cef = report.files.find((f) => f.path.endsWith('firewall.cef'))!;
      const log = report.files.find((f) => f.path.endsWith('perimeter.log'))!;
      assert.deepEqual([cef.format, cef.table, cef.rows, cef.malformed], ['cef', 'CommonSecurityLog', 2, 2]);
      assert.match(cef.firstMalformed[0], /firewall\.cef:4 no CEF: message/);
      assert.match(cef.firstMalformed[1], /firewall\.cef:5 CEF header has 4 of the 8/);
      assert.deepEqual([log.format, log.rows, log.malformed], ['cef', 1, 0]);

      const rows = await db.query<Record<string, unknown>>(
        'SELECT * FROM CommonSecurityLog ORDER BY TimeGenerated',
      );
      assert.deepEqual(nonNull(rows[0]), {
        TimeGenerated: '2026-04-25T10:00:00.000Z',
        DeviceVendor: 'Palo|Alto Networks',
        DeviceProduct: 'PAN-OS',
        DeviceVersion: '10.1',
        DeviceEventClassID: 'traffic-end',
        Activity: 'TRAFFIC',
        LogSeverity: '3',
        AdditionalExtensions: 'vendorKey=some value with spaces;path=C:\\Temp\\x',
        DeviceAction: 'allow',
        CommunicationDirection: 'Outbound',
        DeviceExternalID: 'FW-SN-1',
        DestinationHostName: 'theponzu.com',
        DestinationPort: 443,
        DestinationIP: '104.21.3.4',
        FileHash: 'D41D8CD98F00B204E9800998ECF8427E',
        Message: 'first line\nsecond line',
        Protocol: 'TCP',
        RequestURL: 'https://theponzu.com/gate.php?id=7',
        ReceiptTime: '1777111200000',
        SourcePort: 50000,
        SourceIP: '10.0.0.5',
        SourceUserName: 'alice',
        DeviceCustomNumber1: 991,
        DeviceCustomNumber1Label: 'SessionId',
        DeviceCustomString1: 'allow outbound web',
        DeviceCustomString1Label: 'Rule',
        Computer: 'fw01',
        Type: 'CommonSecurityLog',
      });
      // RFC 5424 header: its timestamp and host; start/end times parsed
      assert.equal(rows[1].TimeGenerated, '2026-04-25T10:05:00.250Z');
      assert.equal(rows[1].Computer, 'fw02');
      assert.equal(rows[1].Activity, 'THREAT\\CHECK');
      assert.equal(rows[1].StartTime, '2026-04-25T10:04:00.000Z');
      assert.equal(rows[1].EndTime, '2026-04-25T10:05:00.000Z');
      assert.equal(rows[2].Computer, 'fw03');
      assert.equal(rows[2].DeviceVendor, 'Check Point');
    }));

  test('--table CommonSecurityLog reads a .txt of CEF lines', () =>
    withDb(async (db) => {
      const report = await ingestLogs(db, [fixture('cef', 'perimeter.log')], { table: 'CommonSecurityLog' });
      assert.equal(report.files[0].format, 'cef');
      assert.equal(report.files[0].rows, 1);
    }));
});

describe('Zeek → ASIM', () => {
  test('header parsing', () => {
    const h = parseZeekHeader(
      '#separator \\x09\n#set_separator\t,\n#unset_field\t-\n#path\tdns\n#fields\tts\tuid\n1\t2\n',
    );
    assert.equal(h.separator, '\t');
    assert.equal(h.path, 'dns');
    assert.deepEqual(h.fields, ['ts', 'uid']);
    assert.equal(h.headerLines, 5);
  });

  for (const flavour of ['zeek-tsv', 'zeek-json'] as const) {
    test(`${flavour} dns.log → ASimDnsActivityLogs`, () =>
      withDb(async (db) => {
        const report = await ingestLogs(db, [fixture(flavour, 'dns.log')]);
        const [file] = report.files;
        assert.deepEqual(
          [file.format, file.table, file.rows, file.malformed],
          [flavour, 'ASimDnsActivityLogs', 2, 1],
        );
        assert.match(
          file.firstMalformed[0],
          flavour === 'zeek-tsv' ? /dns\.log:11 / : /dns\.log:3 invalid JSON/,
        );
        const rows = await db.query<Record<string, unknown>>(
          'SELECT * EXCLUDE (AdditionalFields), AdditionalFields FROM ASimDnsActivityLogs ORDER BY TimeGenerated',
        );
        const first = nonNull(rows[0]);
        assert.equal(first.TimeGenerated, '2026-04-25T10:00:00.123Z');
        assert.equal(first.EventStartTime, '2026-04-25T10:00:00.123Z');
        assert.equal(first.SrcIpAddr, '10.0.0.5');
        assert.equal(first.SrcPortNumber, 53211);
        assert.equal(first.DstIpAddr, '10.0.0.1');
        assert.equal(first.DstPortNumber, 53);
        assert.equal(first.DnsQuery, 'theponzu.com');
        assert.equal(first.DnsQueryTypeName, 'A');
        assert.equal(first.DnsQueryType, 1);
        assert.equal(first.DnsResponseCode, 0);
        assert.equal(first.DnsResponseCodeName, 'NOERROR');
        assert.equal(first.DnsResponseName, '104.21.3.4,172.67.1.2');
        assert.equal(first.DnsFlags, 'RD RA');
        assert.equal(first.TransactionIdHex, '1234');
        assert.equal(first.DnsNetworkDuration, 12);
        assert.equal(first.NetworkProtocol, 'UDP');
        assert.equal(first.EventProduct, 'Zeek');
        assert.equal(first.EventType, 'Query');
        assert.equal(first.EventResult, 'Success');
        assert.equal(first.Type, 'ASimDnsActivityLogs');
        assert.equal(
          (first.AdditionalFields as Record<string, unknown>).uid,
          flavour === 'zeek-tsv' ? 'Cdns1' : 'Cj1',
        );
        const second = rows[1];
        assert.equal(second.EventResult, 'Failure');
        assert.equal(second.EventResultDetails, 'NXDOMAIN');
        assert.equal(second.DnsResponseCode, 3);
        const types = Object.fromEntries(
          (await db.query<{ column_name: string; column_type: string }>('DESCRIBE ASimDnsActivityLogs')).map(
            (r) => [r.column_name, r.column_type],
          ),
        );
        assert.equal(types.TimeGenerated, 'TIMESTAMP');
        assert.equal(types.SrcPortNumber, 'INTEGER');
        assert.equal(types.AdditionalFields, 'JSON');
      }));

    test(`${flavour} conn.log → ASimNetworkSessionLogs`, () =>
      withDb(async (db) => {
        const report = await ingestLogs(db, [fixture(flavour, 'conn.log')]);
        const [file] = report.files;
        assert.equal(file.table, 'ASimNetworkSessionLogs');
        assert.equal(file.malformed, 0);
        const rows = await db.query<Record<string, unknown>>(
          'SELECT * FROM ASimNetworkSessionLogs ORDER BY TimeGenerated',
        );
        const first = rows[0];
        assert.equal(first.TimeGenerated, '2026-04-25T10:00:00.500Z');
        assert.equal(first.EventEndTime, '2026-04-25T10:00:03.000Z');
        assert.equal(first.SrcIpAddr, '10.0.0.5');
        assert.equal(first.SrcPortNumber, 50000);
        assert.equal(first.DstIpAddr, '104.21.3.4');
        assert.equal(first.DstPortNumber, 443);
        assert.equal(first.NetworkProtocol, 'TCP');
        assert.equal(first.NetworkApplicationProtocol, 'SSL');
        assert.equal(first.SrcBytes, 1200);
        assert.equal(first.DstBytes, 5400);
        assert.equal(first.NetworkBytes, 6600);
        assert.equal(first.NetworkPackets, 22);
        assert.equal(first.NetworkSessionId, flavour === 'zeek-tsv' ? 'Cconn1' : 'Cjc1');
        assert.equal(first.NetworkDirection, 'Outbound');
        assert.equal(first.EventResult, 'Success');
        assert.equal(first.EventProduct, 'Zeek');
        assert.equal((first.AdditionalFields as Record<string, unknown>).history, 'ShADadFf');
        if (flavour === 'zeek-tsv') {
          assert.equal(rows.length, 2);
          assert.equal(rows[1].EventResult, 'Failure');
          assert.equal(rows[1].NetworkDirection, 'Inbound');
          assert.equal(rows[1].NetworkApplicationProtocol, null);
          assert.equal(rows[1].SrcBytes, null);
        }
      }));
  }

  test('a Zeek log other than dns or conn is named as unsupported', () =>
    withDb(async (db) => {
      const { mkdtempSync, writeFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const dir = mkdtempSync(join(tmpdir(), 'huntforge-zeek-'));
      writeFileSync(join(dir, 'http.log'), '#separator \\x09\n#path\thttp\n#fields\tts\n1\n');
      await assert.rejects(ingestLogs(db, [dir]), /http\.log: Zeek http\.log is not supported/);
    }));
});

describe('gzip and archived names for raw sources', () => {
  test("Zeek's rotated dns.HH:MM:SS-HH:MM:SS.log.gz and a gzip'd .cef are read", () =>
    withDb(async (db) => {
      const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { gzipSync } = await import('node:zlib');
      const dir = mkdtempSync(join(tmpdir(), 'huntforge-raw-gz-'));
      writeFileSync(
        join(dir, 'dns.10:00:00-11:00:00.log.gz'),
        gzipSync(readFileSync(fixture('zeek-tsv', 'dns.log'))),
      );
      writeFileSync(
        join(dir, 'conn.10:00:00-11:00:00.log.gz'),
        gzipSync(readFileSync(fixture('zeek-json', 'conn.log'))),
      );
      writeFileSync(join(dir, 'firewall.cef.gz'), gzipSync(readFileSync(fixture('cef', 'firewall.cef'))));
      const report = await ingestLogs(db, [dir]);
      const summary = Object.fromEntries(
        report.files.map((f) => [f.path.split('/').pop(), [f.format, f.rows, f.malformed]]),
      );
      assert.deepEqual(summary, {
        'conn.10:00:00-11:00:00.log.gz': ['zeek-json', 1, 0],
        'dns.10:00:00-11:00:00.log.gz': ['zeek-tsv', 2, 1],
        'firewall.cef.gz': ['cef', 2, 2],
      });
    }));

  test('every unusable file is counted in the one error', () =>
    withDb(async (db) => {
      await assert.rejects(ingestLogs(db, [fixture('bad')]), /: .* \(and 2 more unusable files\)$/);
    }));
});
