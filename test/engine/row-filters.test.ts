import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { seededRandom } from '../../scripts/seeded-random.js';
import { openDatabase } from '../../src/engine/database.js';
import { ingestLogs } from '../../src/engine/ingest/index.js';
import type { IngestOptions, IngestReport } from '../../src/engine/ingest/types.js';
import { planRowFilters } from '../../src/engine/row-filters.js';
import { runLocalHunts } from '../../src/engine/run-hunts.js';
import type { Finding } from '../../src/engine/types.js';
import { planHunts } from '../../src/hunts/plan.js';
import type { Hunt } from '../../src/hunts/types.js';
import { readIndicators } from '../../src/intel/read.js';
import type { Indicator } from '../../src/intel/types.js';
import { indicator } from '../support/indicators.js';

const scratch = mkdtempSync(join(tmpdir(), 'huntforge-row-filters-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  findings: Finding[];
  summary: unknown;
  warnings: string[];
  ingest: IngestReport;
  rows: Map<string, number>;
}

/** Ingests the logs (every row, or only the rows the hunts' filters admit) and runs the hunts. */
async function hunt(
  logs: string[],
  hunts: Hunt[],
  filtered: boolean,
  window: Pick<IngestOptions, 'since' | 'until'> = {},
): Promise<Run> {
  const db = await openDatabase();
  try {
    const filters = filtered ? await planRowFilters(db, logs, hunts, window) : undefined;
    const ingest = await ingestLogs(db, logs, { ...window, rowFilter: filters?.filterFor });
    await filters?.drop();
    const rows = new Map<string, number>();
    for (const table of await db.tableNames()) {
      const [{ n }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM "${table}"`);
      rows.set(table, n);
    }
    const result = await runLocalHunts(db, hunts, window);
    return { ...result, ingest, rows };
  } finally {
    db.close();
  }
}

/** Findings in a fixed order: rows with equal times may come back in either order. */
function sorted(findings: Finding[]): string[] {
  return findings.map((f) => JSON.stringify(f)).sort();
}

function assertSameResults(filtered: Run, full: Run): void {
  assert.deepEqual(sorted(filtered.findings), sorted(full.findings));
  assert.deepEqual(filtered.summary, full.summary);
  assert.deepEqual(filtered.warnings, full.warnings);
  assert.deepEqual(
    filtered.ingest.files.map((f) => [f.path, f.malformed, f.firstMalformed]),
    full.ingest.files.map((f) => [f.path, f.malformed, f.firstMalformed]),
    'malformed records are counted and located the same way',
  );
}

test('the example: loading only the rows the hunts can match finds exactly what loading every row finds', async () => {
  const hunts = planHunts((await readIndicators(['examples/nanocore/feed.json'])).indicators).hunts;
  const logs = ['examples/nanocore/logs'];
  const full = await hunt(logs, hunts, false);
  const filtered = await hunt(logs, hunts, true);
  assert.ok(full.findings.length >= 15, `the example has findings (${full.findings.length})`);
  assertSameResults(filtered, full);
  for (const [table, rows] of full.rows) {
    assert.ok(
      (filtered.rows.get(table) ?? 0) < rows,
      `${table}: ${filtered.rows.get(table)} of ${rows} rows loaded`,
    );
  }
});

const HASH = (n: number, length: number) => n.toString(16).padStart(length, 'a').slice(-length);

/** Indicators of every kind, and logs mixing their exact values, variants, near misses and noise. */
function randomCase(seed: number): { indicators: Indicator[]; files: Record<string, string> } {
  const r = seededRandom(seed);
  const pick = <T>(values: T[]) => values[Math.floor(r() * values.length)];
  const domains = ['evil-c2.com', 'update.bad-cdn.net', 'x.y.z.example-c2.org'];
  const ips = ['198.51.100.7', '203.0.113.9', '2001:db8::15'];
  const urls = ['http://dl.evil-c2.com/a/payload.bin', 'https://files.bad-cdn.net/x?id=1'];
  const sha256 = HASH(seed * 7919 + 1, 64);
  const md5 = HASH(seed * 104729 + 3, 32);
  const indicators = [
    ...domains.map((d) => indicator('domain', d)),
    indicator('ipv4', ips[0], { port: 443 }),
    indicator('ipv4', ips[1]),
    indicator('ipv6', ips[2], { port: 8443 }),
    ...urls.map((u) => indicator('url', u, { host: new URL(u).hostname })),
    indicator('sha256', sha256),
    indicator('md5', md5),
  ];
  const names = [
    ...domains,
    ...domains.map((d) => `www.${d}`),
    ...domains.map((d) => d.toUpperCase()),
    ...domains.map((d) => `${d}.`),
    ...domains.map((d) => `not${d}`),
    ...domains.map((d) => `${d}.evil.net`),
    'benign.example.org',
    'mail.example.com',
  ];
  const addresses = [...ips, '198.51.100.70', '10.0.0.1', '2001:db8::16', '2001:DB8::15'];
  const time = (i: number) => new Date(Date.UTC(2026, 3, 20) + i * 60_000).toISOString();
  const lines = (count: number, row: (i: number) => Record<string, unknown>) =>
    Array.from({ length: count }, (_, i) => JSON.stringify(row(i))).join('\n');
  const hosts = ['ws-01', 'ws-02', 'dc-01'];
  const files: Record<string, string> = {
    'DnsEvents.jsonl': lines(400, (i) => ({
      TimeGenerated: time(i),
      Computer: pick(hosts),
      ClientIP: `10.0.0.${i % 5}`,
      Name: r() < 0.3 ? pick(names) : `host${i}.benign.example`,
    })),
    'DeviceNetworkEvents.jsonl': lines(400, (i) => ({
      TimeGenerated: time(i),
      DeviceName: pick(hosts),
      LocalIP: `10.0.0.${i % 5}`,
      RemoteIP: r() < 0.4 ? pick(addresses) : `52.1.${i % 250}.${i % 200}`,
      RemotePort: pick([443, 8443, 80, 8080]),
      RemoteUrl: r() < 0.2 ? pick([...names, ...urls, 'http://benign.example.org/x']) : '',
      InitiatingProcessFileName: pick(['chrome.exe', 'dhcpmon.exe', 'powershell.exe']),
    })),
    'CommonSecurityLog.jsonl': lines(300, (i) => ({
      TimeGenerated: time(i),
      DeviceVendor: 'Palo Alto Networks',
      SourceIP: `10.0.1.${i % 7}`,
      DestinationIP: r() < 0.3 ? pick(addresses) : `93.184.${i % 200}.1`,
      DestinationPort: pick([443, 80, 8443]),
      DestinationHostName: r() < 0.3 ? pick(names) : '',
      RequestURL: r() < 0.3 ? pick([...urls, `${urls[0].toUpperCase()}`, `${urls[0]}x`]) : '',
      FileHash: r() < 0.2 ? pick([sha256, sha256.toUpperCase(), md5, HASH(i, 64)]) : '',
    })),
    'DeviceFileEvents.jsonl': lines(200, (i) => ({
      TimeGenerated: time(i),
      DeviceName: pick(hosts),
      FileName: pick(['dhcpmon.exe', 'report.docx', 'run.tmp']),
      FolderPath: pick(['C:\\Users\\a\\AppData\\Roaming\\DHCP Monitor', 'C:\\Temp']),
      SHA256: r() < 0.3 ? pick([sha256, sha256.toUpperCase(), HASH(i, 64)]) : HASH(i + 1000, 64),
      MD5: r() < 0.3 ? pick([md5, md5.toUpperCase()]) : HASH(i, 32),
    })),
    'DeviceProcessEvents.jsonl': lines(200, (i) => ({
      TimeGenerated: time(i),
      DeviceName: pick(hosts),
      FileName: pick(['schtasks.exe', 'dhcpmon.exe', 'cmd.exe', 'certutil.exe']),
      ProcessCommandLine: pick([
        'schtasks.exe /create /f /tn "DHCP Monitor" /xml "C:\\Users\\a\\AppData\\Local\\Temp\\tmp1.tmp"',
        'cmd.exe /c dir',
        'certutil.exe -urlcache -f http://x/y',
      ]),
      FolderPath: pick(['C:\\Program Files (x86)\\DHCP Monitor\\dhcpmon.exe', 'C:\\Windows\\System32']),
      InitiatingProcessFileName: pick(['explorer.exe', 'dhcpmon.exe']),
    })),
  };
  // an unreadable record and a cut-off one among good ones
  files['DnsEvents.jsonl'] += '\n{"TimeGenerated": "2026-04-20T00:00:00Z", "Name": \n{not json}\n';
  return { indicators, files };
}

for (const seed of [1, 2, 3]) {
  test(`random logs, seed ${seed}: the filtered load finds exactly what the full load finds, within a time window too`, async () => {
    const { indicators, files } = randomCase(seed);
    const dir = join(scratch, `seed-${seed}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const hunts = planHunts(indicators).hunts;

    const full = await hunt([dir], hunts, false);
    const filtered = await hunt([dir], hunts, true);
    assertSameResults(filtered, full);
    const kinds = new Set(full.findings.map((f) => hunts.find((h) => h.id === f.huntId)?.kind));
    for (const kind of ['domain', 'ip', 'url', 'hash', 'dns-then-connect'])
      assert.ok(
        kinds.has(kind as Hunt['kind']),
        `seed ${seed}: a ${kind} finding to compare (${[...kinds]})`,
      );
    assert.ok(
      full.findings.some((f) => f.indicatorType === 'behaviour'),
      `seed ${seed}: behaviour findings to compare`,
    );
    const loaded = [...filtered.rows.values()].reduce((a, b) => a + b, 0);
    const all = [...full.rows.values()].reduce((a, b) => a + b, 0);
    assert.ok(loaded < all, `only some rows loaded (${loaded} of ${all})`);

    const window = { since: new Date('2026-04-20T02:00:00Z'), until: new Date('2026-04-20T05:00:00Z') };
    assertSameResults(await hunt([dir], hunts, true, window), await hunt([dir], hunts, false, window));
  });
}

test('a table with a CEF file gets no filter: all its rows load', async () => {
  const dir = join(scratch, 'cef');
  mkdirSync(dir, { recursive: true });
  const cef = (dst: string) =>
    `Apr 20 10:00:00 fw CEF:0|Palo Alto Networks|PAN-OS|10.1|end|TRAFFIC|1|rt=Apr 20 2026 10:00:00 UTC src=10.0.0.1 dst=${dst} dpt=443`;
  writeFileSync(
    join(dir, 'firewall.cef'),
    `${[cef('198.51.100.7'), cef('93.184.216.34'), cef('8.8.8.8')].join('\n')}\n`,
  );
  writeFileSync(
    join(dir, 'DnsEvents.jsonl'),
    `${JSON.stringify({ TimeGenerated: '2026-04-20T10:00:00Z', Name: 'benign.example.org' })}\n`,
  );
  const hunts = planHunts([indicator('ipv4', '198.51.100.7'), indicator('domain', 'evil-c2.com')]).hunts;
  const db = await openDatabase();
  try {
    const filters = await planRowFilters(db, [dir], hunts, {});
    assert.equal(filters.filterFor('CommonSecurityLog'), undefined);
    assert.equal(filters.filterFor('DnsEvents')?.sql !== undefined, true);
    await ingestLogs(db, [dir], { rowFilter: filters.filterFor });
    await filters.drop();
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*) AS n FROM CommonSecurityLog');
    assert.equal(n, 3);
    const [{ d }] = await db.query<{ d: number }>('SELECT count(*) AS d FROM DnsEvents');
    assert.equal(d, 0, 'the one DNS row matches nothing and is not loaded');
  } finally {
    db.close();
  }
});

test('files of one table with different columns: a filter reads the columns a file lacks as NULLs', async () => {
  const dir = join(scratch, 'columns');
  mkdirSync(dir, { recursive: true });
  // one export has RemoteUrl, the other only addresses; the table has both columns
  writeFileSync(
    join(dir, 'DeviceNetworkEvents_a.jsonl'),
    `${JSON.stringify({ TimeGenerated: '2026-04-20T10:00:00Z', DeviceName: 'a', RemoteIP: '52.1.1.1', RemotePort: 443, RemoteUrl: 'www.evil-c2.com', MyExtra: 'x' })}\n`,
  );
  writeFileSync(
    join(dir, 'DeviceNetworkEvents_b.jsonl'),
    `${JSON.stringify({ TimeGenerated: '2026-04-20T11:00:00Z', DeviceName: 'b', RemoteIP: '198.51.100.7', RemotePort: 443 })}\n${JSON.stringify({ TimeGenerated: '2026-04-20T11:00:00Z', DeviceName: 'b', RemoteIP: '52.1.1.2', RemotePort: 443 })}\n`,
  );
  const hunts = planHunts([indicator('ipv4', '198.51.100.7'), indicator('domain', 'evil-c2.com')]).hunts;
  const full = await hunt([dir], hunts, false);
  const filtered = await hunt([dir], hunts, true);
  assertSameResults(filtered, full);
  assert.equal(full.findings.length, 2);
  assert.equal(filtered.rows.get('DeviceNetworkEvents'), 2);
});

test('a table none of whose files has a host column: its domain test is dropped without reading the files', async () => {
  const dir = join(scratch, 'no-host-column');
  mkdirSync(dir, { recursive: true });
  const row = (ip: string) =>
    JSON.stringify({ TimeGenerated: '2026-04-20T10:00:00Z', DeviceName: 'a', RemoteIP: ip, RemotePort: 443 });
  writeFileSync(join(dir, 'DeviceNetworkEvents.jsonl'), `${row('198.51.100.7')}\n${row('52.1.1.1')}\n`);
  const hunts = planHunts([indicator('ipv4', '198.51.100.7'), indicator('domain', 'evil-c2.com')]).hunts;
  assert.ok(
    hunts.some((h) => h.table === 'DeviceNetworkEvents' && h.match?.indicatorType === 'domain'),
    'a domain hunt reads DeviceNetworkEvents (RemoteUrl)',
  );
  const db = await openDatabase();
  try {
    const filters = await planRowFilters(db, [dir], hunts, {});
    const sql = filters.filterFor('DeviceNetworkEvents')?.sql ?? '';
    assert.match(sql, /RemoteIP/);
    assert.doesNotMatch(sql, /RemoteUrl/, 'no test on a column no file has');
    await filters.drop();
  } finally {
    db.close();
  }
  const full = await hunt([dir], hunts, false);
  const filtered = await hunt([dir], hunts, true);
  assertSameResults(filtered, full);
  assert.equal(full.findings.length, 1);
  assert.equal(filtered.rows.get('DeviceNetworkEvents'), 1);
});

test('planning leaves the database as it found it: no views or host tables stay behind', async () => {
  const dir = join(scratch, 'leaves-nothing');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'DnsEvents.jsonl'),
    `${JSON.stringify({ TimeGenerated: '2026-04-20T10:00:00Z', Name: 'www.evil-c2.com' })}\n`,
  );
  const hunts = planHunts([indicator('domain', 'evil-c2.com')]).hunts;
  const objects = async (db: Awaited<ReturnType<typeof openDatabase>>) =>
    (
      await db.query<{ name: string }>(
        `SELECT view_name AS name FROM duckdb_views() WHERE NOT internal UNION ALL
         SELECT table_name FROM duckdb_tables() WHERE table_name NOT LIKE 'hf_values_%'`,
      )
    ).map((r) => r.name);
  // an empty in-memory database plans in itself; one that holds tables plans in a scratch database
  for (const existing of [[], ['CREATE TABLE kept (x INTEGER)']]) {
    const db = await openDatabase();
    try {
      for (const sql of existing) await db.run(sql);
      const before = await objects(db);
      const filters = await planRowFilters(db, [dir], hunts, {});
      assert.deepEqual(await objects(db), before);
      await ingestLogs(db, [dir], { rowFilter: filters.filterFor });
      await filters.drop();
      const [{ n }] = await db.query<{ n: number }>('SELECT count(*) AS n FROM DnsEvents');
      assert.equal(n, 1);
    } finally {
      db.close();
    }
  }
});

test('a first record behind a byte-order mark is found with or without filters; one after a cut-off line without', async () => {
  const dir = join(scratch, 'lost-records');
  mkdirSync(dir, { recursive: true });
  const record = (time: string, computer: string, name: string) =>
    JSON.stringify({ TimeGenerated: time, Computer: computer, Name: name });
  writeFileSync(
    join(dir, 'DnsEvents.jsonl'),
    [
      `\uFEFF${record('2026-04-25T10:00:00Z', 'bom', 'evil.example.com')}`,
      record('2026-04-25T10:01:00Z', 'plain', 'other.example.org'),
      '{"Name":',
      record('2026-04-25T10:02:00Z', 'after-cut', 'sub.evil.example.com'),
    ].join('\n'),
  );
  const hunts = planHunts([indicator('domain', 'evil.example.com')]).hunts;
  // DuckDB reads the line after a cut-off one in some runs and loses it with the bad one in others:
  // every run must come out the same
  for (let run = 0; run < 3; run++) {
    const full = await hunt([dir], hunts, false);
    assert.deepEqual(full.findings.map((f) => f.host).sort(), ['after-cut', 'bom']);
    assert.deepEqual(
      full.ingest.files.map((f) => [f.rows, f.malformed]),
      [[3, 1]],
    );
    const filtered = await hunt([dir], hunts, true);
    assert.ok(filtered.findings.some((f) => f.host === 'bom'));
  }
});
