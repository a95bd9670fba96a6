import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { nanocoreExampleLogs, PLANTED, toJsonLines } from '../../scripts/examples/nanocore-logs.js';
import { type HuntDatabase, openDatabase } from '../../src/engine/database.js';
import { ingestLogs } from '../../src/engine/ingest/index.js';
import { runLocalHunts } from '../../src/engine/run-hunts.js';
import { planHunts } from '../../src/hunts/plan.js';
import type { Hunt } from '../../src/hunts/types.js';
import { readIndicators } from '../../src/intel/read.js';
import { indicator } from '../support/indicators.js';

let db: HuntDatabase;
let hunts: Hunt[];

before(async () => {
  db = await openDatabase();
  await ingestLogs(db, ['examples/nanocore/logs']);
  hunts = planHunts((await readIndicators(['examples/nanocore/feed.json'])).indicators).hunts;
});
after(() => db.close());

test('the committed example logs are exactly what the deterministic generator writes', () => {
  for (const [table, rows] of Object.entries(nanocoreExampleLogs())) {
    assert.equal(readFileSync(`examples/nanocore/logs/${table}.jsonl`, 'utf8'), toJsonLines(rows), table);
  }
});

test('the example: every planted hit is found, no near miss is', async () => {
  const { findings: all, warnings } = await runLocalHunts(db, hunts);
  assert.deepEqual(warnings, []);
  const kindOf = new Map(hunts.map((h) => [h.id, h.kind]));
  const findings = all.filter((f) => ['ip', 'domain', 'url', 'hash'].includes(kindOf.get(f.huntId)!));
  const dns = findings.filter((f) => f.table === 'DnsEvents');
  assert.deepEqual(
    dns.map((f) => [f.row.Name, f.indicator, f.timestamp]),
    PLANTED.dnsHits
      .map((h) => [h.name, h.indicator, h.time])
      .sort((a, b) => String(b[2]).localeCompare(String(a[2]))),
    'DNS hits newest first: exact, subdomain, case and trailing-dot variants',
  );
  for (const miss of PLANTED.dnsNearMisses) assert.ok(!findings.some((f) => f.row.Name === miss), miss);

  const net = findings.filter((f) => f.table === 'DeviceNetworkEvents' && f.indicatorType === 'ipv4');
  assert.deepEqual(
    net.map((f) => [f.indicator, f.indicatorPort, f.host, f.timestamp]),
    PLANTED.networkHits
      .map((h) => [h.ip, h.port, h.host, h.time])
      .sort((a, b) => String(b[3]).localeCompare(String(a[3]))),
  );
  assert.ok(
    net.every((f) => f.flags.some((flag) => flag.list === 'cloudflare')),
    'Cloudflare flag carried',
  );
  assert.ok(
    !findings.some((f) => f.row.RemotePort === 8080),
    'right Cloudflare address, wrong port: no match',
  );

  const fw = findings.filter((f) => f.table === 'CommonSecurityLog' && f.indicatorType === 'ipv4');
  assert.deepEqual(
    fw.map((f) => [f.indicator, f.indicatorPort, f.row.SourceIP]).sort(),
    PLANTED.firewallHits.map((h) => [h.ip, h.port, h.source]).sort(),
  );
  assert.ok(
    !findings.some(
      (f) => f.table === 'CommonSecurityLog' && f.row.DestinationPort === 80 && f.indicatorType === 'ipv4',
    ),
  );

  const proxy = findings.filter((f) => f.table === 'CommonSecurityLog' && f.indicatorType === 'domain');
  assert.deepEqual(
    proxy.map((f) => f.row.DestinationHostName),
    ['airtellwireless.it.com'],
  );
  const urlHost = findings.filter((f) => f.table === 'DeviceNetworkEvents' && f.indicatorType === 'domain');
  assert.deepEqual(
    urlHost.map((f) => [f.row.RemoteUrl, f.indicator]),
    [['theponzu.com', 'theponzu.com']],
  );
  assert.equal(findings.length, 10);
});

test('the correlated hunt: a Cloudflare address counts when the same client just looked up an IOC domain', async () => {
  const correlated = hunts.filter((h) => h.kind === 'dns-then-connect');
  assert.equal(correlated.length, 1);
  const { findings } = await runLocalHunts(db, correlated);
  assert.deepEqual(
    findings.map((f) => [
      f.host,
      f.indicator,
      f.indicatorPort,
      f.row.MatchedDomain,
      f.row.LookupTime,
      f.timestamp,
    ]),
    [
      [
        'ws-hr-02.corp.local',
        '172.67.208.215',
        443,
        'airtellwireless.it.com',
        '2026-04-27T16:45:00.000Z',
        '2026-04-27T16:45:02.000Z',
      ],
      [
        'ws-fin-07.corp.local',
        '104.21.9.66',
        443,
        'theponzu.com',
        '2026-04-26T09:14:03.000Z',
        '2026-04-26T09:14:05.000Z',
      ],
    ],
  );
});

test('the Nanocore behaviour hunts find the planted persistence and not the excluded admin work', async () => {
  const behaviour = hunts.filter((h) => h.kind === 'behaviour');
  assert.ok(behaviour.length >= 5);
  const { findings } = await runLocalHunts(db, behaviour);
  const hits = findings.map((f) => `${f.host} ${f.row.FileName}`);
  assert.ok(hits.includes('ws-fin-07.corp.local schtasks.exe'), hits.join('\n'));
  assert.ok(hits.includes('ws-fin-07.corp.local dhcpmon.exe'), hits.join('\n'));
  assert.ok(
    !hits.some((h) => h.endsWith('ntbackup.exe')),
    'the seed scenario excludes the nightly ntbackup job',
  );
  assert.ok(!hits.some((h) => h.endsWith('certutil.exe')), 'the seed scenario excludes certutil -addstore');
  const bare = await runLocalHunts(db, behaviour, { applyExclusions: false });
  const bareHits = bare.findings.map((f) => String(f.row.FileName));
  assert.ok(
    bareHits.includes('ntbackup.exe') && bareHits.includes('certutil.exe'),
    'without exclusions both appear',
  );
});

test('hunts whose table has no logs are skipped, not failed; --since/--until bound the events', async () => {
  const { summary } = await runLocalHunts(db, hunts);
  const skipped = [...new Set(summary.hunts.filter((h) => h.status === 'skipped').map((h) => h.table))];
  assert.deepEqual(skipped.sort(), [
    'ASimDnsActivityLogs',
    'ASimNetworkSessionLogs',
    'AZFWNetworkRule',
    'DeviceRegistryEvents',
    'EmailUrlInfo',
    'SecurityEvent',
    'UrlClickEvents',
  ]);
  const bounded = await runLocalHunts(
    db,
    hunts.filter((h) => h.kind === 'domain'),
    {
      since: new Date('2026-04-27T00:00:00Z'),
      until: new Date('2026-04-27T16:00:00Z'),
    },
  );
  assert.deepEqual(
    bounded.findings.map((f) => f.row.Name),
    ['SC88884.COM.'],
  );
});

test('a hunt whose column is missing is skipped with a warning naming table and column', async () => {
  await db.run('CREATE TABLE "AZFWNetworkRule" ("TimeGenerated" TIMESTAMP, "Action" VARCHAR)');
  try {
    const { warnings, summary } = await runLocalHunts(
      db,
      hunts.filter((h) => h.table === 'AZFWNetworkRule'),
    );
    assert.equal(summary.hunts[0].status, 'skipped');
    assert.match(warnings[0], /AZFWNetworkRule has no column DestinationIp/);
  } finally {
    await db.run('DROP TABLE "AZFWNetworkRule"');
  }
});

test('a lookup-then-connect hunt without its lookups is skipped with a warning naming what is missing', async () => {
  const connect = hunts.filter((h) => h.correlation !== undefined);
  assert.ok(connect.length > 0, 'the plan has a lookup-then-connect hunt');
  const lookupTable = connect[0].correlation!.lookupTable;
  const only = await openDatabase();
  try {
    await only.run(
      'CREATE TABLE "DeviceNetworkEvents" ("TimeGenerated" TIMESTAMP, "DeviceName" VARCHAR, "RemoteIP" VARCHAR, "RemotePort" INTEGER, "LocalIP" VARCHAR)',
    );
    const noLookups = await runLocalHunts(only, connect);
    assert.equal(noLookups.summary.hunts[0].status, 'skipped');
    assert.match(noLookups.warnings[0], new RegExp(`skipped: no ${lookupTable} logs to correlate with$`));

    await only.run(`CREATE TABLE "${lookupTable}" ("TimeGenerated" TIMESTAMP, "Name" VARCHAR)`);
    const noClient = await runLocalHunts(only, connect);
    assert.match(noClient.warnings[0], new RegExp(`skipped: table ${lookupTable} has no column ClientIP$`));
  } finally {
    only.close();
  }
});

test('a log column named like one the hunt adds (MatchedIndicator) is kept renamed, and decides nothing', async () => {
  const own = await openDatabase();
  try {
    await own.run(
      'CREATE TABLE "DnsEvents" ("TimeGenerated" TIMESTAMP, "Computer" VARCHAR, "Name" VARCHAR, "MatchedIndicator" VARCHAR)',
    );
    await own.run(`INSERT INTO "DnsEvents" VALUES
      ('2026-04-24 00:00:00', 'a', 'evil.example.com', ''),
      ('2026-04-24 00:00:01', 'b', 'sub.evil.example.com', 'benign.example'),
      ('2026-04-24 00:00:02', 'c', 'benign.example', 'evil.example.com')`);
    const plan = planHunts([indicator('domain', 'evil.example.com')]);
    const { findings, warnings } = await runLocalHunts(
      own,
      plan.hunts.filter((h) => h.table === 'DnsEvents' && h.kind === 'domain'),
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      findings.map((f) => [f.host, f.indicator, f.row['MatchedIndicator (log)']]),
      [
        ['b', 'evil.example.com', 'benign.example'],
        ['a', 'evil.example.com', ''],
      ],
    );
  } finally {
    own.close();
  }
});

test('URL and hash hunts: scheme/host case-insensitive, path exact; hashes case-insensitive', async () => {
  await db.run(
    `CREATE TABLE "UrlClickEvents" ("TimeGenerated" TIMESTAMP, "Url" VARCHAR, "AccountUpn" VARCHAR)`,
  );
  await db.run(`INSERT INTO "UrlClickEvents" VALUES
    ('2026-04-26 10:00:00', 'HTTP://Evil.Example.com/Gate.php', 'a@corp'),
    ('2026-04-26 10:01:00', 'http://evil.example.com/gate.php', 'b@corp'),
    ('2026-04-26 10:02:00', 'http://evil.example.com', 'c@corp')`);
  await db.run(
    `CREATE TABLE "DeviceFileEvents" ("TimeGenerated" TIMESTAMP, "DeviceName" VARCHAR, "SHA256" VARCHAR, "MD5" VARCHAR)`,
  );
  await db.run(`INSERT INTO "DeviceFileEvents" VALUES ('2026-04-26 10:00:00', 'ws1', '${'A'.repeat(64)}', NULL),
    ('2026-04-26 10:00:01', 'ws2', '${'b'.repeat(64)}', '${'C'.repeat(32)}')`);
  try {
    const plan = planHunts([
      indicator('url', 'http://evil.example.com/Gate.php', { host: 'evil.example.com' }),
      indicator('url', 'http://evil.example.com/', { host: 'evil.example.com' }),
      indicator('sha256', 'a'.repeat(64)),
      indicator('md5', 'c'.repeat(32)),
    ]);
    const { findings } = await runLocalHunts(
      db,
      plan.hunts.filter((h) => ['UrlClickEvents', 'DeviceFileEvents'].includes(h.table)),
    );
    const urls = findings
      .filter((f) => f.table === 'UrlClickEvents')
      .map((f) => [f.row.AccountUpn, f.indicator]);
    assert.deepEqual(urls.sort(), [
      ['a@corp', 'http://evil.example.com/Gate.php'],
      ['c@corp', 'http://evil.example.com/'],
    ]);
    const files = findings
      .filter((f) => f.table === 'DeviceFileEvents')
      .map((f) => [f.host, f.indicator, f.row.MatchedHashAlgorithm]);
    assert.deepEqual(files.sort(), [
      ['ws1', 'a'.repeat(64), 'SHA256'],
      ['ws2', 'c'.repeat(32), 'MD5'],
    ]);
  } finally {
    await db.run('DROP TABLE "UrlClickEvents"');
    await db.run('DROP TABLE "DeviceFileEvents"');
  }
});
