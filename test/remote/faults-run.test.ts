/**
 * Remote faults across a whole run: hunts that meet a reset, a slow-loris or a truncated reply
 * are listed as failed with their message while every finding of the hunts that completed is
 * kept; a token that expires on the 3rd query is refreshed once through the injectable
 * credential, and with HUNTFORGE_ACCESS_TOKEN (nothing to refresh) the run says which hunts did
 * not complete. The CLI exits 3 on a partial run.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { clearTokenCache, type TokenCredentialLike } from '../../src/remote/credentials.js';
import type { RemoteHunt } from '../../src/remote/findings.js';
import { runRemoteHunts } from '../../src/remote/run-hunts.js';
import { createTarget } from '../../src/remote/target.js';
import { runCli } from '../support/cli.js';
import { startFakeLogAnalytics, TEST_TOKEN } from '../support/fake-kusto-services.js';
import { huntOf, RESET_MID_REPLY, SLOW_LORIS, TRUNCATED_JSON, tokenExpiresAfter } from '../support/faults.js';
import { networkEvents } from '../support/kusto-data.js';
import type { Loopback, Reply } from '../support/loopback.js';

const NOW = Date.now();
const LOOKBACK = 8 * 86_400_000;
const tables = { DeviceNetworkEvents: networkEvents(6, NOW) };
const fast = { maxRetries: 1, baseDelayMs: 1, sleep: async () => {} };

const hunts: RemoteHunt[] = ['h1', 'h2', 'h3', 'h4', 'h5'].map((id) => ({
  id,
  table: 'DeviceNetworkEvents',
  kql: `DeviceNetworkEvents | extend MatchedIndicator = "104.21.9.66" // hunt ${id}`,
  indicators: [],
}));

let healthy: Loopback;
let faulty: Loopback;
const servers: Loopback[] = [];

/** Every finding of a fault-free run, by hunt. */
let reference: Map<string, unknown[]>;

const faultsByHunt: Record<string, Reply> = { h2: RESET_MID_REPLY, h4: SLOW_LORIS, h5: TRUNCATED_JSON };

before(async () => {
  healthy = await startFakeLogAnalytics({ tables });
  faulty = await startFakeLogAnalytics({
    tables,
    intercept: (req) => faultsByHunt[huntOf(req) ?? ''],
  });
  const clean = await runRemoteHunts(
    hunts,
    createTarget(
      { kind: 'log-analytics', workspaceId: 'ws', endpoint: healthy.url },
      { env: { HUNTFORGE_ACCESS_TOKEN: TEST_TOKEN }, retry: fast },
    ),
    { lookbackMs: LOOKBACK, now: () => NOW },
  );
  reference = byHunt(clean.findings);
  assert.equal(clean.findings.length, 5 * 6);
});
after(async () => {
  await Promise.all([healthy.close(), faulty.close(), ...servers.map((s) => s.close())]);
});
beforeEach(() => clearTokenCache());

function byHunt(findings: { huntId: string }[]): Map<string, unknown[]> {
  const map = new Map<string, unknown[]>();
  for (const f of findings) map.set(f.huntId, [...(map.get(f.huntId) ?? []), f]);
  return map;
}

function statuses(summary: { hunts: { huntId: string; status: string }[] }): Record<string, string> {
  return Object.fromEntries(summary.hunts.map((h) => [h.huntId, h.status]));
}

test('partial run: reset, slow-loris and truncated hunts are failed with messages; the others keep every finding', async () => {
  const started = Date.now();
  const result = await runRemoteHunts(
    hunts,
    createTarget(
      { kind: 'log-analytics', workspaceId: 'ws', endpoint: faulty.url },
      { env: { HUNTFORGE_ACCESS_TOKEN: TEST_TOKEN }, retry: fast, timeoutMs: 200 },
    ),
    { lookbackMs: LOOKBACK, now: () => NOW },
  );
  assert.ok(Date.now() - started < 3000);
  assert.deepEqual(statuses(result.summary), {
    h1: 'ran',
    h2: 'failed',
    h3: 'ran',
    h4: 'failed',
    h5: 'failed',
  });
  const message = (id: string) => result.summary.hunts.find((h) => h.huntId === id)?.message ?? '';
  assert.match(message('h2'), /dropped mid-reply \(HTTP 200, .+\) after 2 attempts/);
  assert.match(message('h4'), /did not finish within 200 ms after 2 attempts/);
  assert.match(message('h5'), /not JSON — it breaks off after \d+ characters/);
  assert.deepEqual(result.incomplete, ['h2', 'h4', 'h5']);
  assert.ok(
    result.warnings.includes(
      'partial run: 3 of 5 hunts did not complete (h2, h4, h5); findings they would have found are missing',
    ),
    result.warnings.join('\n'),
  );
  // Nothing silently dropped: the completed hunts' findings are exactly those of a clean run.
  assert.deepEqual(
    byHunt(result.findings),
    new Map([
      ['h1', reference.get('h1')],
      ['h3', reference.get('h3')],
    ]),
  );
  assert.equal(result.summary.findings, 12);
});

test('token expiring on the 3rd query with HUNTFORGE_ACCESS_TOKEN: nothing to refresh, the hunts left are named', async () => {
  const expiry = tokenExpiresAfter(2, TEST_TOKEN);
  const server = await startFakeLogAnalytics({ tables, intercept: expiry.intercept });
  servers.push(server);
  const result = await runRemoteHunts(
    hunts,
    createTarget(
      { kind: 'log-analytics', workspaceId: 'ws', endpoint: server.url },
      { env: { HUNTFORGE_ACCESS_TOKEN: TEST_TOKEN }, retry: fast },
    ),
    { lookbackMs: LOOKBACK, now: () => NOW, concurrency: 1 },
  );
  assert.deepEqual(statuses(result.summary), {
    h1: 'ran',
    h2: 'ran',
    h3: 'failed',
    h4: 'failed',
    h5: 'failed',
  });
  const h3 = result.summary.hunts.find((h) => h.huntId === 'h3')!;
  assert.match(
    h3.message ?? '',
    /rejected HUNTFORGE_ACCESS_TOKEN as expired or invalid \(401 invalid_token\) and it cannot be refreshed/,
  );
  for (const id of ['h4', 'h5'])
    assert.equal(
      result.summary.hunts.find((h) => h.huntId === id)?.message,
      'not run: the credential was rejected earlier in this run',
    );
  assert.equal(server.requests.length, 3, 'no query is sent after the token is known to be dead');
  assert.equal(expiry.rejected(), 1);
  assert.deepEqual(result.incomplete, ['h3', 'h4', 'h5']);
  assert.deepEqual(
    byHunt(result.findings),
    new Map([
      ['h1', reference.get('h1')],
      ['h2', reference.get('h2')],
    ]),
  );
  assert.doesNotMatch(JSON.stringify(result), new RegExp(TEST_TOKEN));
});

/** A credential like DefaultAzureCredential's that hands out a new token on each call and counts them. */
function countingCredential(): TokenCredentialLike & { calls: number } {
  return {
    calls: 0,
    async getToken() {
      this.calls++;
      return { token: `identity-token-${this.calls}`, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

test('token expiring on the 3rd query with the Azure sign-in: refreshed once, the query retried, nothing lost', async () => {
  const expiry = tokenExpiresAfter(2, 'identity-token-1', ['identity-token-2']);
  const server = await startFakeLogAnalytics({ tables, intercept: expiry.intercept });
  servers.push(server);
  const credential = countingCredential();
  // Five hunts at once: several queries meet the expired token together and share one refresh.
  const result = await runRemoteHunts(
    hunts,
    createTarget(
      { kind: 'log-analytics', workspaceId: 'ws', endpoint: server.url },
      { env: {}, credential, retry: fast },
    ),
    { lookbackMs: LOOKBACK, now: () => NOW },
  );
  assert.equal(credential.calls, 2, 'one sign-in, then exactly one refresh');
  assert.ok(expiry.rejected() >= 1);
  assert.deepEqual(statuses(result.summary), { h1: 'ran', h2: 'ran', h3: 'ran', h4: 'ran', h5: 'ran' });
  assert.deepEqual(result.incomplete, []);
  assert.deepEqual(byHunt(result.findings), reference);
  const tokens = server.requests.map((r) => r.headers.authorization);
  assert.equal(tokens.filter((t) => t === 'Bearer identity-token-2').length, expiry.rejected());
});

test('a refreshed token that is rejected too is not refreshed again: the hunt fails with the 401', async () => {
  const expiry = tokenExpiresAfter(0, 'identity-token-1');
  const server = await startFakeLogAnalytics({ tables, intercept: expiry.intercept });
  servers.push(server);
  const credential = countingCredential();
  await assert.rejects(
    runRemoteHunts(
      hunts.slice(0, 1),
      createTarget(
        { kind: 'log-analytics', workspaceId: 'ws', endpoint: server.url },
        { env: {}, credential, retry: fast },
      ),
      { lookbackMs: LOOKBACK, now: () => NOW },
    ),
    /Log Analytics: hunt query was refused with a freshly refreshed token too — HTTP 401 — AuthenticationFailed/,
  );
  assert.equal(credential.calls, 2);
  assert.equal(server.requests.length, 2);
});

test('huntforge run --json on a partial run: exit 3, failed hunts listed, findings of completed hunts present', async () => {
  // Every table the planned hunts name holds the same events, so each query that gets through completes.
  const anyTable = new Proxy(
    {},
    { get: (_, name) => (typeof name === 'string' ? tables.DeviceNetworkEvents : undefined) },
  );
  const server = await startFakeLogAnalytics({ tables: anyTable, ...tokenExpiresAfter(2, TEST_TOKEN) });
  servers.push(server);
  const r = await runCli(
    ['run', 'examples/nanocore/feed.json', '--workspace', 'ws-guid', '--endpoint', server.url, '--json'],
    { env: { HUNTFORGE_ACCESS_TOKEN: TEST_TOKEN } },
  );
  assert.equal(r.status, 3, r.stderr);
  const out = JSON.parse(r.stdout) as {
    findings: { huntId: string }[];
    summary: { hunts: { huntId: string; status: string; message?: string }[] };
    warnings: string[];
  };
  const ran = out.summary.hunts.filter((h) => h.status === 'ran').map((h) => h.huntId);
  const failed = out.summary.hunts.filter((h) => h.status === 'failed');
  assert.equal(ran.length, 2, `ran: ${ran}`);
  assert.equal(ran.length + failed.length, out.summary.hunts.length);
  for (const h of failed) assert.match(h.message ?? '', /HUNTFORGE_ACCESS_TOKEN|credential was rejected/);
  assert.ok(out.findings.length > 0, 'the hunts that ran report their findings');
  for (const f of out.findings)
    assert.ok(ran.includes(f.huntId), `finding of ${f.huntId} comes from a hunt that ran`);
  assert.match(out.warnings.join('\n'), /^partial run: \d+ of \d+ hunts did not complete \(/m);
  assert.match(r.stderr, /warning: partial run: \d+ of \d+ hunts did not complete/);
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(TEST_TOKEN));
  const help = await runCli(['run', '--help']);
  assert.match(help.stdout, /3 a partial run: some hunts did not complete/);
});
