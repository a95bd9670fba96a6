import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServiceError } from '../../src/remote/http.js';
import { queryWorkspace } from '../../src/remote/loganalytics.js';
import { runRemoteHunts } from '../../src/remote/run-hunts.js';
import { createTarget } from '../../src/remote/target.js';
import { runCli } from '../support/cli.js';
import { startFakeLogAnalytics, TEST_TOKEN } from '../support/fake-kusto-services.js';
import { networkEvents } from '../support/kusto-data.js';
import { type Loopback, oneApiError } from '../support/loopback.js';

const NOW = Date.now();
const WORKSPACE = '00000000-1111-2222-3333-444444444444';
const fast = { baseDelayMs: 1, sleep: async () => {} };
let server: Loopback;
let limited: Loopback;

before(async () => {
  server = await startFakeLogAnalytics({ tables: { DeviceNetworkEvents: networkEvents(6, NOW) } });
  // 40 rows with a 10-row limit: the result must be sliced.
  limited = await startFakeLogAnalytics({
    tables: { DeviceNetworkEvents: networkEvents(40, NOW) },
    rowLimit: 10,
  });
});
after(async () => {
  await server.close();
  await limited.close();
});

const query = (extra = {}) =>
  queryWorkspace(WORKSPACE, 'DeviceNetworkEvents | take 10', {
    endpoint: server.url,
    token: TEST_TOKEN,
    timespan: 'P14D',
    retry: fast,
    ...extra,
  });

test('POSTs {query, timespan} with the bearer token and returns columns and rows', async () => {
  const result = await query();
  assert.equal(result.rows.length, 6);
  assert.equal(result.columns[0].name, 'TimeGenerated');
  const sent = server.requests.at(-1)!;
  assert.equal(sent.path, `/v1/workspaces/${WORKSPACE}/query`);
  assert.deepEqual(sent.body, { query: 'DeviceNetworkEvents | take 10', timespan: 'P14D' });
  assert.equal(sent.headers.authorization, `Bearer ${TEST_TOKEN}`);
  assert.match(String(sent.headers.prefer), /^wait=\d+$/);
});

test('429 with Retry-After, then 200', async () => {
  const waits: number[] = [];
  server.queue({
    status: 429,
    headers: { 'retry-after': '3' },
    body: oneApiError('ThrottledError', 'too many requests'),
  });
  const result = await query({ retry: { baseDelayMs: 1, sleep: async (ms: number) => void waits.push(ms) } });
  assert.equal(result.rows.length, 6);
  assert.deepEqual(waits, [3000]);
});

test('a partial error (HTTP 200 with an error object) is surfaced with the rows', async () => {
  server.queue({
    status: 200,
    body: {
      tables: [{ name: 'PrimaryResult', columns: [{ name: 'x', type: 'long' }], rows: [[1]] }],
      error: {
        code: 'PartialError',
        message: 'There were some errors when processing your query.',
        details: [{ code: 'EngineError', message: 'a shard was unavailable' }],
      },
    },
  });
  const result = await query();
  assert.deepEqual(result.rows, [[1]]);
  assert.equal(result.partialError?.code, 'PartialError/EngineError');
  assert.match(result.partialError!.message, /a shard was unavailable/);
});

test('504 is retried and then reported as a timeout with advice', async () => {
  server.queue(
    ...Array.from({ length: 3 }, () => ({
      status: 504,
      body: oneApiError('GatewayTimeout', 'The query exceeded the timeout'),
    })),
  );
  await assert.rejects(query({ retry: { ...fast, maxRetries: 2 } }), (err: ServiceError) => {
    assert.equal(err.status, 504);
    assert.match(
      err.message,
      /Log Analytics: HTTP 504 after 3 attempts — GatewayTimeout: The query exceeded the timeout \(the query ran out of time/,
    );
    return true;
  });
});

test('401 and 403 name the problem and never the token', async () => {
  await assert.rejects(query({ token: 'eyJwrong.eyJtoken.sig-abcdef' }), (err: ServiceError) => {
    assert.equal(err.status, 401);
    assert.match(err.message, /AuthenticationFailed/);
    assert.doesNotMatch(err.message, /eyJwrong|sig-abcdef/);
    return true;
  });
  await assert.rejects(
    query({ token: 'forbidden' }),
    (err: ServiceError) => err.status === 403 && /InsufficientAccessError.*lacks a role/.test(err.message),
  );
});

test('204 (a workspace without data) is an empty result; malformed bodies are errors', async () => {
  server.queue({ status: 204 });
  assert.deepEqual(await query(), { columns: [], rows: [] });
  server.queue({ status: 200, body: { nothing: true } });
  await assert.rejects(query(), /Log Analytics: HTTP 200 but the reply has no tables/);
  server.queue({ status: 200, raw: '{"tables": [' });
  await assert.rejects(query(), /not JSON/);
});

test('a result over the row limit is sliced in halves until every slice fits', async () => {
  const target = createTarget(
    { kind: 'log-analytics', workspaceId: WORKSPACE, endpoint: limited.url },
    { env: { HUNTFORGE_ACCESS_TOKEN: TEST_TOKEN } },
  );
  const before = limited.requests.length;
  const result = await runRemoteHunts(
    [
      {
        id: 'h1',
        table: 'DeviceNetworkEvents',
        kql: 'DeviceNetworkEvents | extend MatchedIndicator = "104.21.9.66"',
        indicators: [],
      },
    ],
    target,
    { lookbackMs: 8 * 86_400_000, now: () => NOW, minSliceMs: 1000 },
  );
  assert.equal(result.findings.length, 40, 'every row arrives exactly once');
  assert.equal(new Set(result.findings.map((f) => f.timestamp)).size, 40);
  assert.ok(limited.requests.length - before > 4, 'the range was cut several times');
  assert.match(result.warnings.join('\n'), /ran in \d+ time slices/);
  for (const r of limited.requests.slice(before))
    assert.match(String((r.body as { timespan: string }).timespan), /^\d{4}-.+Z\/\d{4}-.+Z$/);
});

test('at most 5 queries run at once against a workspace', async () => {
  let inFlight = 0;
  let peak = 0;
  const target = createTarget(
    { kind: 'log-analytics', workspaceId: WORKSPACE },
    { env: { HUNTFORGE_ACCESS_TOKEN: TEST_TOKEN } },
  );
  target.run = async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 10));
    inFlight--;
    return { columns: [], rows: [] };
  };
  const hunts = Array.from({ length: 12 }, (_, i) => ({
    id: `h${i}`,
    table: 'DnsEvents',
    kql: 'DnsEvents',
    indicators: [],
  }));
  const result = await runRemoteHunts(hunts, target, { lookbackMs: 86_400_000 });
  assert.equal(result.summary.hunts.length, 12);
  assert.equal(peak, 5);
});

test('huntforge run --query --workspace --json returns the rows as findings after a first 429', async () => {
  server.queue({
    status: 429,
    headers: { 'retry-after': '1' },
    body: oneApiError('ThrottledError', 'slow down'),
  });
  const before = server.requests.length;
  const r = await runCli(
    [
      'run',
      '--query',
      'DeviceNetworkEvents | where RemoteIP == "104.21.9.66" | extend MatchedIndicator = "104.21.9.66:443"',
      '--workspace',
      WORKSPACE,
      '--endpoint',
      server.url,
      '--json',
    ],
    { env: { HUNTFORGE_ACCESS_TOKEN: TEST_TOKEN } },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(server.requests.length - before, 2, 'one 429, one retry');
  const out = JSON.parse(r.stdout);
  assert.equal(out.findings.length, 6);
  const f = out.findings[0];
  assert.deepEqual(
    {
      huntId: f.huntId,
      table: f.table,
      indicator: f.indicator,
      indicatorType: f.indicatorType,
      indicatorPort: f.indicatorPort,
      host: f.host,
      user: f.user,
      process: f.process,
    },
    {
      huntId: 'query',
      table: 'DeviceNetworkEvents',
      indicator: '104.21.9.66',
      indicatorType: 'ipv4',
      indicatorPort: 443,
      host: 'host-0',
      user: 'alice',
      process: 'nanocore.exe',
    },
  );
  assert.match(f.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.equal(f.row.RemoteIP, '104.21.9.66');
  assert.equal(f.row.MatchedIndicator, '104.21.9.66:443');
  assert.deepEqual(out.summary, {
    findings: 6,
    hunts: [{ huntId: 'query', table: 'DeviceNetworkEvents', status: 'ran', rows: 6 }],
  });
  assert.deepEqual(out.warnings, []);
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(TEST_TOKEN));
});

test('huntforge run: a rejected token is one line, exit 2, and the token is not in it', async () => {
  const token = 'eyJbad.eyJtoken.c2VjcmV0LXZhbHVl';
  const r = await runCli(
    ['run', '--query', 'DeviceNetworkEvents', '--workspace', WORKSPACE, '--endpoint', server.url],
    {
      env: { HUNTFORGE_ACCESS_TOKEN: token },
    },
  );
  assert.equal(r.status, 2);
  assert.match(r.stderr, /huntforge run: Log Analytics: HTTP 401 — AuthenticationFailed/);
  assert.doesNotMatch(r.stdout + r.stderr, /eyJbad|c2VjcmV0LXZhbHVl/);
});
