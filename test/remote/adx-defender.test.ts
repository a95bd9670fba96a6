import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseAdxV2, queryAdx } from '../../src/remote/adx.js';
import { runHuntingQuery } from '../../src/remote/defender.js';
import type { ServiceError } from '../../src/remote/http.js';
import { runRemoteHunts } from '../../src/remote/run-hunts.js';
import { createTarget } from '../../src/remote/target.js';
import { runCli } from '../support/cli.js';
import { startFakeAdx, startFakeGraphHunting, TEST_TOKEN } from '../support/fake-kusto-services.js';
import { type FakeTable, networkEvents } from '../support/kusto-data.js';
import { type Loopback, oneApiError } from '../support/loopback.js';

const NOW = Date.now();
const fast = { baseDelayMs: 1, sleep: async () => {} };
let adx: Loopback;
let adxLimited: Loopback;
let graph: Loopback;

/** Defender's own tables use Timestamp rather than TimeGenerated. */
function defenderEvents(count: number): FakeTable {
  const t = networkEvents(count, NOW);
  return {
    columns: t.columns.map((c) => (c.name === 'TimeGenerated' ? { name: 'Timestamp', type: c.type } : c)),
    rows: t.rows,
  };
}

before(async () => {
  adx = await startFakeAdx({ tables: { DeviceNetworkEvents: networkEvents(4, NOW) } });
  adxLimited = await startFakeAdx({ tables: { DeviceNetworkEvents: networkEvents(30, NOW) }, rowLimit: 8 });
  graph = await startFakeGraphHunting({ tables: { DeviceNetworkEvents: defenderEvents(5) } });
});
after(async () => {
  await adx.close();
  await adxLimited.close();
  await graph.close();
});

test('ADX v2: {db, csl, properties} with the time scope; the PrimaryResult frame becomes the result', async () => {
  const range = { start: new Date(NOW - 8 * 86_400_000), end: new Date(NOW) };
  const result = await queryAdx(adx.url, 'SecurityLogs', 'DeviceNetworkEvents | take 5', {
    token: TEST_TOKEN,
    range,
    retry: fast,
  });
  assert.equal(result.rows.length, 4);
  assert.equal(result.columns[4].name, 'RemoteIP');
  const sent = adx.requests.at(-1)!;
  assert.equal(sent.path, '/v2/rest/query');
  const body = sent.body as { db: string; csl: string; properties: string };
  assert.equal(body.db, 'SecurityLogs');
  const options = JSON.parse(body.properties).Options;
  assert.equal(options.query_datetimescope_column, 'TimeGenerated');
  assert.equal(options.query_datetimescope_from, range.start.toISOString());
});

test('ADX v1: {Tables:[…]} is read too', async () => {
  const result = await queryAdx(adx.url, 'SecurityLogs', 'DeviceNetworkEvents', {
    token: TEST_TOKEN,
    apiVersion: 'v1',
    retry: fast,
  });
  assert.equal(result.rows.length, 4);
  assert.equal(adx.requests.at(-1)!.path, '/v1/rest/query');
});

test('ADX errors: unknown database (400, General_BadRequest), 401 without the token, 429 then ok', async () => {
  await assert.rejects(
    queryAdx(adx.url, 'Nope', 'T', { token: TEST_TOKEN, retry: fast }),
    /Azure Data Explorer: HTTP 400 — General_BadRequest: Entity ID 'Nope'/,
  );
  await assert.rejects(
    queryAdx(adx.url, 'SecurityLogs', 'T', { token: 'eyJx.eyJy.zzzzzz', retry: fast }),
    (err: ServiceError) => err.status === 401 && !/eyJx|zzzzzz/.test(err.message),
  );
  adx.queue({
    status: 429,
    headers: { 'retry-after': '0' },
    body: oneApiError('TooManyRequests', 'throttled'),
  });
  const ok = await queryAdx(adx.url, 'SecurityLogs', 'DeviceNetworkEvents', {
    token: TEST_TOKEN,
    retry: fast,
  });
  assert.equal(ok.rows.length, 4);
});

test('ADX v2: errors injected into the stream and DataSetCompletion.HasErrors become a partial error', () => {
  const result = parseAdxV2([
    { FrameType: 'DataSetHeader', IsProgressive: false, Version: 'v2.0' },
    {
      FrameType: 'DataTable',
      TableKind: 'PrimaryResult',
      Columns: [{ ColumnName: 'x', ColumnType: 'long' }],
      Rows: [
        [1],
        {
          OneApiErrors: [
            {
              error: {
                code: 'LimitsExceeded',
                message: 'Request is invalid',
                '@message': 'E_QUERY_RESULT_SET_TOO_LARGE',
              },
            },
          ],
        },
      ],
    },
    { FrameType: 'DataSetCompletion', HasErrors: true, Cancelled: false },
  ]);
  assert.deepEqual(result.rows, [[1]]);
  assert.equal(result.partialError?.code, 'LimitsExceeded');
  assert.match(result.partialError!.message, /E_QUERY_RESULT_SET_TOO_LARGE/);
  assert.throws(() => parseAdxV2({ not: 'frames' }), /not a list of frames/);
  assert.throws(() => parseAdxV2([{ FrameType: 'DataSetHeader' }]), /no PrimaryResult table/);
});

test('ADX: a truncated result is sliced by time scope until every row arrives', async () => {
  const target = createTarget(
    {
      kind: 'adx',
      clusterUrl: 'https://help.kusto.windows.net',
      database: 'SecurityLogs',
      endpoint: adxLimited.url,
    },
    { env: { HUNTFORGE_ACCESS_TOKEN: TEST_TOKEN } },
  );
  const result = await runRemoteHunts(
    [{ id: 'h', table: 'DeviceNetworkEvents', kql: 'DeviceNetworkEvents', indicators: [] }],
    target,
    { lookbackMs: 8 * 86_400_000, now: () => NOW, minSliceMs: 1000 },
  );
  assert.equal(result.findings.length, 30);
  assert.equal(new Set(result.findings.map((f) => f.timestamp)).size, 30);
});

test('Graph runHuntingQuery: {Query, Timespan} → schema/results as columns and rows', async () => {
  const result = await runHuntingQuery('DeviceNetworkEvents | take 5', {
    token: TEST_TOKEN,
    endpoint: graph.url,
    timespan: 'P7D',
    retry: fast,
  });
  assert.equal(result.rows.length, 5);
  assert.equal(result.columns[0].name, 'Timestamp');
  assert.deepEqual(graph.requests.at(-1)!.body, { Query: 'DeviceNetworkEvents | take 5', Timespan: 'P7D' });
  graph.queue({ status: 200, body: { value: [] } });
  await assert.rejects(
    runHuntingQuery('x', { token: TEST_TOKEN, endpoint: graph.url, retry: fast }),
    /has no schema\/results/,
  );
  await assert.rejects(
    runHuntingQuery('x', { token: 'forbidden', endpoint: graph.url, retry: fast }),
    (err: ServiceError) => err.status === 403,
  );
});

test('huntforge run --defender and --cluster return findings in the same shape', async () => {
  const env = { HUNTFORGE_ACCESS_TOKEN: TEST_TOKEN };
  const [defender, cluster] = await Promise.all([
    runCli(
      [
        'run',
        '--defender',
        '--query',
        'DeviceNetworkEvents | extend MatchedIndicator = "104.21.9.66"',
        '--endpoint',
        graph.url,
        '--json',
      ],
      { env },
    ),
    runCli(
      [
        'run',
        '--cluster',
        'https://help.kusto.windows.net',
        '--database',
        'SecurityLogs',
        '--query',
        'DeviceNetworkEvents | extend MatchedIndicator = "104.21.9.66"',
        '--endpoint',
        adx.url,
        '--json',
      ],
      { env },
    ),
  ]);
  assert.equal(defender.status, 0, defender.stderr);
  assert.equal(cluster.status, 0, cluster.stderr);
  const d = JSON.parse(defender.stdout).findings;
  const c = JSON.parse(cluster.stdout).findings;
  assert.equal(d.length, 5);
  assert.equal(c.length, 4);
  for (const f of [d[0], c[0]]) {
    assert.equal(f.indicator, '104.21.9.66');
    assert.equal(f.indicatorType, 'ipv4');
    assert.equal(f.host, 'host-0');
    assert.match(f.timestamp, /Z$/);
  }
});
