/**
 * Remote faults at the client level: a connection reset mid-reply, a reply that trickles in
 * slower than the timeout, and HTTP 200 bodies that are truncated or not the documented JSON —
 * for Log Analytics, Azure Data Explorer, Graph runHuntingQuery and ThreatFox.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { queryAdx } from '../../src/remote/adx.js';
import { runHuntingQuery } from '../../src/remote/defender.js';
import type { ServiceError } from '../../src/remote/http.js';
import { queryWorkspace } from '../../src/remote/loganalytics.js';
import { queryThreatFox } from '../../src/remote/threatfox.js';
import {
  startFakeAdx,
  startFakeGraphHunting,
  startFakeLogAnalytics,
  TEST_TOKEN,
} from '../support/fake-kusto-services.js';
import { THREATFOX_KEY, threatFoxHandler } from '../support/fake-threatfox.js';
import { RESET_MID_REPLY, SLOW_LORIS, TRUNCATED_JSON } from '../support/faults.js';
import { networkEvents } from '../support/kusto-data.js';
import { type Loopback, startLoopback } from '../support/loopback.js';

const NOW = Date.now();
const WORKSPACE = '00000000-1111-2222-3333-444444444444';
const sleeps: number[] = [];
const fast = { maxRetries: 2, baseDelayMs: 1, sleep: async (ms: number) => void sleeps.push(ms) };
let la: Loopback;
let adx: Loopback;
let graph: Loopback;
let threatfox: Loopback;

before(async () => {
  const tables = { DeviceNetworkEvents: networkEvents(4, NOW) };
  la = await startFakeLogAnalytics({ tables });
  adx = await startFakeAdx({ tables });
  graph = await startFakeGraphHunting({ tables });
  threatfox = await startLoopback(threatFoxHandler);
});
after(async () => {
  await Promise.all([la.close(), adx.close(), graph.close(), threatfox.close()]);
});

const queryLa = (extra = {}) =>
  queryWorkspace(WORKSPACE, 'DeviceNetworkEvents | take 10', {
    endpoint: la.url,
    token: TEST_TOKEN,
    timespan: 'P14D',
    retry: fast,
    ...extra,
  });

test('a connection reset mid-reply is retried, and the retry returns every row', async () => {
  const before = la.requests.length;
  la.queue(RESET_MID_REPLY);
  const result = await queryLa();
  assert.equal(result.rows.length, 4);
  assert.equal(la.requests.length - before, 2);
});

test('a connection reset on every attempt ends, after the retry budget, in a message that says so', async () => {
  const before = la.requests.length;
  la.queue(RESET_MID_REPLY, RESET_MID_REPLY, RESET_MID_REPLY);
  await assert.rejects(queryLa(), (err: ServiceError) => {
    assert.equal(err.code, 'ConnectionReset');
    assert.equal(err.status, 0);
    assert.match(
      err.message,
      /^Log Analytics: the connection to 127\.0\.0\.1:\d+ dropped mid-reply \(HTTP 200, .+\) after 3 attempts$/,
    );
    assert.doesNotMatch(err.message, new RegExp(TEST_TOKEN));
    return true;
  });
  assert.equal(la.requests.length - before, 3, 'one attempt and two retries, no more');
});

test('slow-loris: a body that trickles slower than the timeout times out, is retried, then reported', async () => {
  const before = la.requests.length;
  la.queue(SLOW_LORIS, SLOW_LORIS, SLOW_LORIS);
  const started = Date.now();
  await assert.rejects(queryLa({ timeoutMs: 150 }), (err: ServiceError) => {
    assert.equal(err.code, 'Timeout');
    assert.match(
      err.message,
      /^Log Analytics: the reply from 127\.0\.0\.1:\d+ \(HTTP 200\) did not finish within 150 ms after 3 attempts$/,
    );
    return true;
  });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 3 * 150 && elapsed < 3000, `three bounded attempts, took ${elapsed} ms`);
  assert.equal(la.requests.length - before, 3);
});

test('slow-loris once, then a prompt reply: the retry recovers the rows', async () => {
  la.queue(SLOW_LORIS);
  const result = await queryLa({ timeoutMs: 150 });
  assert.equal(result.rows.length, 4);
});

test('slow-loris against Graph runHuntingQuery and ADX also times out with the service named', async () => {
  graph.queue(SLOW_LORIS, SLOW_LORIS);
  await assert.rejects(
    runHuntingQuery('DeviceNetworkEvents | take 1', {
      endpoint: graph.url,
      token: TEST_TOKEN,
      timeoutMs: 100,
      retry: { ...fast, maxRetries: 1 },
    }),
    /^ServiceError: Defender XDR \(Graph runHuntingQuery\): the reply from .+ did not finish within 100 ms after 2 attempts$/,
  );
  adx.queue(SLOW_LORIS, SLOW_LORIS);
  await assert.rejects(
    queryAdx(adx.url, 'SecurityLogs', 'DeviceNetworkEvents | take 1', {
      token: TEST_TOKEN,
      timeoutMs: 100,
      retry: { ...fast, maxRetries: 1 },
    }),
    /^ServiceError: Azure Data Explorer.*: the reply from .+ did not finish within 100 ms after 2 attempts$/,
  );
});

const truncatedCases: {
  name: string;
  server: () => Loopback;
  raw: string;
  call: () => Promise<unknown>;
  service: RegExp;
}[] = [
  {
    name: 'Log Analytics',
    server: () => la,
    raw: TRUNCATED_JSON.raw!,
    call: () => queryLa(),
    service: /^Log Analytics/,
  },
  {
    name: 'Azure Data Explorer v2',
    server: () => adx,
    raw: '[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},{"FrameType":"DataTable","TableId":1,"Rows":[["2026-',
    call: () =>
      queryAdx(adx.url, 'SecurityLogs', 'DeviceNetworkEvents | take 1', { token: TEST_TOKEN, retry: fast }),
    service: /^Azure Data Explorer/,
  },
  {
    name: 'Graph runHuntingQuery',
    server: () => graph,
    raw: '{"schema":[{"name":"Timestamp","type":"DateTime"}],"results":[{"Timestamp":"2026-',
    call: () =>
      runHuntingQuery('DeviceNetworkEvents | take 1', {
        endpoint: graph.url,
        token: TEST_TOKEN,
        retry: fast,
      }),
    service: /^Defender XDR/,
  },
  {
    name: 'ThreatFox',
    server: () => threatfox,
    raw: '{"query_status":"ok","data":[{"id":"1092411","ioc":"104.21.9.66:4',
    call: () =>
      queryThreatFox(
        { malware: 'win.nanocore' },
        { authKey: THREATFOX_KEY, endpoint: threatfox.url, cacheDir: false, retry: fast },
      ),
    service: /^ThreatFox/,
  },
];

for (const c of truncatedCases)
  test(`truncated JSON with HTTP 200 from ${c.name} is a MalformedResponse that says where it breaks off`, async () => {
    const server = c.server();
    const before = server.requests.length;
    server.queue({ status: 200, headers: { 'content-type': 'application/json' }, raw: c.raw });
    await assert.rejects(c.call(), (err: ServiceError) => {
      assert.equal(err.code, 'MalformedResponse');
      assert.equal(err.status, 200);
      assert.match(err.message, c.service);
      assert.match(
        err.message,
        new RegExp(`HTTP 200 but the reply is not JSON — it breaks off after ${c.raw.length} characters`),
      );
      assert.doesNotMatch(err.message, new RegExp(`${TEST_TOKEN}|${THREATFOX_KEY}`));
      return true;
    });
    // A complete reply with a broken body is the sender's answer, not a transient fault: not retried.
    assert.equal(server.requests.length - before, 1);
  });

const malformedCases: {
  name: string;
  server: () => Loopback;
  body: unknown;
  call: () => Promise<unknown>;
  message: RegExp;
}[] = [
  {
    name: 'Log Analytics',
    server: () => la,
    body: { tables: 'PrimaryResult' },
    call: () => queryLa(),
    message: /^Log Analytics: HTTP 200 but the reply has no tables$/,
  },
  {
    name: 'Azure Data Explorer v2',
    server: () => adx,
    body: { Tables: [] },
    call: () =>
      queryAdx(adx.url, 'SecurityLogs', 'DeviceNetworkEvents | take 1', { token: TEST_TOKEN, retry: fast }),
    message: /^Azure Data Explorer.*HTTP 200 but/,
  },
  {
    name: 'Graph runHuntingQuery',
    server: () => graph,
    body: { value: [] },
    call: () =>
      runHuntingQuery('DeviceNetworkEvents | take 1', {
        endpoint: graph.url,
        token: TEST_TOKEN,
        retry: fast,
      }),
    message: /^Defender XDR \(Graph runHuntingQuery\): HTTP 200 but the reply has no schema\/results$/,
  },
  {
    name: 'ThreatFox',
    server: () => threatfox,
    body: [{ ioc: 'theponzu.com' }],
    call: () =>
      queryThreatFox(
        { malware: 'win.nanocore' },
        { authKey: THREATFOX_KEY, endpoint: threatfox.url, cacheDir: false, retry: fast },
      ),
    message: /^ThreatFox: HTTP 200 but the reply has no query_status$/,
  },
];

for (const c of malformedCases)
  test(`well-formed JSON of the wrong shape from ${c.name} is a MalformedResponse, not an empty result`, async () => {
    c.server().queue({ status: 200, body: c.body });
    await assert.rejects(c.call(), (err: ServiceError) => {
      assert.equal(err.code, 'MalformedResponse');
      assert.match(err.message, c.message);
      return true;
    });
  });
