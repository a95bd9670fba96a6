import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { startFakeLogAnalytics, TEST_TOKEN } from '../support/fake-kusto-services.js';
import type { FakeTable } from '../support/kusto-data.js';
import { type Loopback, oneApiError } from '../support/loopback.js';

const NOW = Date.now();
const recent = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();
let server: Loopback;

// The fake service cannot evaluate KQL: each row carries the MatchedIndicator the real query would compute.
const dnsEvents: FakeTable = {
  columns: ['TimeGenerated', 'Computer', 'ClientIP', 'Name', 'MatchedIndicator'].map((name) => ({
    name,
    type: name === 'TimeGenerated' ? 'datetime' : 'string',
  })),
  rows: [
    [recent(30), 'ws-17', '10.0.0.17', 'theponzu.com', 'theponzu.com'],
    [recent(20), 'ws-18', '10.0.0.18', 'example.org', 'example.org'],
  ],
};
const networkEvents: FakeTable = {
  columns: [
    'TimeGenerated',
    'DeviceName',
    'InitiatingProcessAccountName',
    'InitiatingProcessFileName',
    'RemoteIP',
    'RemotePort',
    'MatchedIndicator',
  ].map((name) => ({ name, type: 'string' })),
  rows: [[recent(10), 'ws-17', 'alice', 'nanocore.exe', '104.21.9.66', 443, '104.21.9.66:443']],
};

before(async () => {
  server = await startFakeLogAnalytics({
    tables: { DnsEvents: dnsEvents, DeviceNetworkEvents: networkEvents },
  });
});
after(() => server.close());

test('huntforge run <feed> --workspace plans the hunts, retries a first 429 and returns the rows as findings', async () => {
  server.queue({
    status: 429,
    headers: { 'retry-after': '1' },
    body: oneApiError('ThrottledError', 'too many requests'),
  });
  const r = await runCli(
    ['run', 'examples/nanocore/feed.json', '--workspace', 'ws-guid', '--endpoint', server.url, '--json'],
    {
      env: { HUNTFORGE_ACCESS_TOKEN: TEST_TOKEN },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const found = out.findings.map(
    (f: {
      table: string;
      indicator: string;
      indicatorType: string;
      indicatorPort: number | null;
      host: string;
    }) => [f.table, f.indicator, f.indicatorType, f.indicatorPort, f.host],
  );
  // The fake answers every DeviceNetworkEvents query with its row: the address hunt and the
  // lookup-then-connect hunt both report it.
  assert.deepEqual(found.sort(), [
    ['DeviceNetworkEvents', '104.21.9.66', 'ipv4', 443, 'ws-17'],
    ['DeviceNetworkEvents', '104.21.9.66', 'ipv4', 443, 'ws-17'],
    ['DnsEvents', 'theponzu.com', 'domain', null, 'ws-17'],
  ]);
  const cloudflare = out.findings.find((f: { indicator: string }) => f.indicator === '104.21.9.66');
  assert.ok(cloudflare.flags.length > 0, 'flags of shared infrastructure travel with the finding');
  const ran = out.summary.hunts.filter((h: { status: string }) => h.status === 'ran').length;
  assert.ok(ran >= 3, `hunts ran: ${ran}`);
  // Tables this fake workspace lacks fail one by one, with the service's message, and do not stop the run.
  assert.ok(
    out.summary.hunts.some(
      (h: { status: string; message?: string }) =>
        h.status === 'failed' && /Failed to resolve table/.test(h.message ?? ''),
    ),
  );
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(TEST_TOKEN));
});

test('huntforge run <feed> --check skips hunts on tables without data and names their connectors', async () => {
  const r = await runCli(
    [
      'run',
      'examples/nanocore/feed.json',
      '--workspace',
      'ws-guid',
      '--endpoint',
      server.url,
      '--check',
      '--json',
    ],
    {
      env: { HUNTFORGE_ACCESS_TOKEN: TEST_TOKEN },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const byTable = new Map(out.tables.map((t: { table: string; hasData: boolean }) => [t.table, t.hasData]));
  assert.equal(byTable.get('DnsEvents'), true);
  assert.equal(byTable.get('CommonSecurityLog'), false);
  assert.ok(
    out.warnings.some((w: string) =>
      /^CommonSecurityLog: .*ensure the data connector CEF or CefAma is enabled/.test(w),
    ),
  );
  assert.ok(
    out.summary.hunts
      .filter((h: { table: string }) => h.table === 'CommonSecurityLog')
      .every((h: { status: string }) => h.status === 'skipped'),
  );
  assert.equal(out.findings.length, 3);
});
