import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runRemoteHunts } from '../../src/remote/run-hunts.js';
import { checkTables, tableCheckQuery } from '../../src/remote/table-check.js';
import { createTarget } from '../../src/remote/target.js';
import { runCli } from '../support/cli.js';
import { startFakeLogAnalytics, TEST_TOKEN } from '../support/fake-kusto-services.js';
import { networkEvents } from '../support/kusto-data.js';
import type { Loopback } from '../support/loopback.js';

const NOW = Date.now();
const DAY = 86_400_000;
const WORKSPACE = 'ws-1';
let server: Loopback;

before(async () => {
  const old = networkEvents(3, NOW - 30 * DAY, 1); // only data a month old
  server = await startFakeLogAnalytics({
    tables: {
      DeviceNetworkEvents: networkEvents(3, NOW),
      CommonSecurityLog: { columns: old.columns, rows: old.rows },
    },
  });
});
after(() => server.close());

const target = () =>
  createTarget(
    { kind: 'log-analytics', workspaceId: WORKSPACE, endpoint: server.url },
    { env: { HUNTFORGE_ACCESS_TOKEN: TEST_TOKEN } },
  );

test('the check is one union query with take 1 per table', () => {
  const kql = tableCheckQuery(['DnsEvents', 'My Table'], 14 * DAY, 'TimeGenerated');
  assert.match(kql, /^union withsource=HuntforgeTable isfuzzy=true/);
  assert.match(kql, /\(DnsEvents \| where TimeGenerated > ago\(1209600s\) \| take 1\)/);
  assert.match(kql, /\(\['My Table'\] \| where/);
  assert.match(kql, /\| summarize Rows = count\(\) by HuntforgeTable$/);
});

test('one query reports every empty or missing table with its connector', async () => {
  const before = server.requests.length;
  const check = await checkTables(
    ['DeviceNetworkEvents', 'CommonSecurityLog', 'DnsEvents'],
    14 * DAY,
    target(),
    { CommonSecurityLog: ['CEF', 'CefAma'], DnsEvents: ['DNS'] },
  );
  assert.equal(server.requests.length - before, 1);
  assert.deepEqual(
    check.tables.map((t) => [t.table, t.hasData]),
    [
      ['DeviceNetworkEvents', true],
      ['CommonSecurityLog', false],
      ['DnsEvents', false],
    ],
  );
  assert.equal(check.warnings.length, 2);
  assert.match(
    check.warnings[0],
    /^CommonSecurityLog: no rows in the last 14d .* ensure the data connector CEF or CefAma is enabled$/,
  );
  assert.match(check.warnings[1], /^DnsEvents: .* DNS is enabled$/);
});

test('with --check, hunts on tables without data are skipped, the others run', async () => {
  const result = await runRemoteHunts(
    [
      { id: 'net', table: 'DeviceNetworkEvents', kql: 'DeviceNetworkEvents', indicators: [] },
      { id: 'dns', table: 'DnsEvents', kql: 'DnsEvents', indicators: [], connectors: ['DNS'] },
    ],
    target(),
    { lookbackMs: 14 * DAY, check: true },
  );
  assert.deepEqual(
    result.summary.hunts.map((h) => [h.huntId, h.status]),
    [
      ['net', 'ran'],
      ['dns', 'skipped'],
    ],
  );
  assert.equal(result.findings.length, 3);
  assert.match(result.warnings[0], /DnsEvents: .*DNS is enabled/);
});

test('huntforge run --check alone lists the tables and their state', async () => {
  const r = await runCli(
    [
      'run',
      '--check',
      '--workspace',
      WORKSPACE,
      '--table',
      'DeviceNetworkEvents',
      '--table',
      'CommonSecurityLog',
      '--endpoint',
      server.url,
    ],
    {
      env: { HUNTFORGE_ACCESS_TOKEN: TEST_TOKEN },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^data +DeviceNetworkEvents$/m);
  assert.match(r.stdout, /^no data +CommonSecurityLog +— enable CEF or CefAma$/m);
});
