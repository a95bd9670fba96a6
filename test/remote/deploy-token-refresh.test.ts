/**
 * Deploys that outlive their token. The loopback ARM server here sits in front of the fake
 * Sentinel: it accepts the first identity token for N requests, then answers 401 invalid_token
 * for it (as ARM does for an expired token), and forwards everything else. A deploy renews the
 * token once and completes; a server that refuses the fresh token too stops the deploy, and what
 * was deployed, what failed and what was not attempted match what the server holds.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { type DeploySteps, DeployStoppedError, deployToWorkspace } from '../../src/cli/deploy.js';
import { clearTokenCache, type TokenCredentialLike } from '../../src/remote/credentials.js';
import { createTokenProvider } from '../../src/remote/token-provider.js';
import { runCli } from '../support/cli.js';
import { ARM_TOKEN, type FakeSentinel, startFakeSentinel } from '../support/fake-sentinel.js';
import { tokenExpiresAfter } from '../support/faults.js';
import {
  bearer,
  type Loopback,
  type RecordedRequest,
  type Reply,
  startLoopback,
} from '../support/loopback.js';

const fast = { maxRetries: 1, baseDelayMs: 1, sleep: async () => {} };

/** 2 watchlists (GET + PUT each), 3 rules (GET + PUT each): 10 ARM requests, then 3 STIX uploads of 2, 2 and 1. */
function steps(): DeploySteps {
  const rule = (n: number) => ({
    ruleId: `0f6f2a7e-000${n}-4c1e-9a53-5d1c3a2b000${n}`,
    kind: 'Scheduled',
    properties: {
      displayName: `NanoCore C2 rule ${n}`,
      severity: 'High',
      enabled: true,
      query: `DnsEvents | where Name =~ "c2-${n}.example"`,
      queryFrequency: 'PT1H',
      queryPeriod: 'P14D',
      triggerOperator: 'GreaterThan',
      triggerThreshold: 0,
    },
  });
  const watchlist = (alias: string) => ({
    alias,
    properties: {
      displayName: alias,
      provider: 'huntforge',
      source: `${alias}.csv`,
      itemsSearchKey: 'SearchKey',
      rawContent: `SearchKey,Type\n104.21.9.66,ipv4\n${alias}.example,domain\n`,
    },
  });
  const indicator = (n: number) => ({
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-00000000000${n}`,
    created: '2026-11-01T00:00:00.000Z',
    modified: '2026-11-01T00:00:00.000Z',
    pattern: `[domain-name:value = 'c2-${n}.example']`,
    pattern_type: 'stix',
    valid_from: '2026-11-01T00:00:00.000Z',
  });
  return {
    watchlists: [watchlist('nanocore-ips'), watchlist('nanocore-domains')],
    alertRules: [rule(1), rule(2), rule(3)],
    stixObjects: [1, 2, 3, 4, 5].map(indicator),
  };
}
const ARM_REQUESTS = 10;

/** Like DefaultAzureCredential: a new token on each call, valid for an hour of `clock`. */
function countingCredential(clock = () => Date.now()): TokenCredentialLike & { calls: number } {
  return {
    calls: 0,
    async getToken() {
      this.calls++;
      return { token: `identity-token-${this.calls}`, expiresOnTimestamp: clock() + 3_600_000 };
    },
  };
}

interface ExpiringArm {
  sentinel: FakeSentinel;
  front: Loopback;
}

const running: ExpiringArm[] = [];

/**
 * The fake Sentinel behind a front that decides on the bearer token (`check`), then forwards the
 * request with the token the fake Sentinel accepts. Links in replies point back at the front.
 */
async function expiringArm(check: (req: RecordedRequest) => Reply | undefined): Promise<ExpiringArm> {
  const sentinel = await startFakeSentinel();
  const front = await startLoopback(async (req) => {
    const refused = check(req);
    if (refused) return refused;
    const reply = await fetch(`${sentinel.url}${req.url}`, {
      method: req.method,
      headers: { authorization: `Bearer ${ARM_TOKEN}`, 'content-type': 'application/json' },
      body: req.text || undefined,
    });
    const text = (await reply.text()).split(sentinel.url).join(front.url);
    return {
      status: reply.status,
      ...(text ? { raw: text, headers: { 'content-type': 'application/json' } } : {}),
    };
  });
  const arm = { sentinel, front };
  running.push(arm);
  return arm;
}

beforeEach(() => clearTokenCache());
afterEach(async () => {
  await Promise.all(running.splice(0).flatMap((a) => [a.sentinel.close(), a.front.close()]));
});

function target(arm: ExpiringArm, token: ReturnType<typeof createTokenProvider>) {
  return {
    workspace: {
      subscriptionId: 'sub-1',
      resourceGroup: 'soc',
      workspaceName: 'sentinel-prod',
      token,
      endpoint: arm.front.url,
      retry: fast,
    },
    stix: { workspaceId: 'ws-guid', endpoint: arm.front.url, batchSize: 2 },
  };
}

function assertEverythingDeployed(sentinel: FakeSentinel): void {
  assert.deepEqual([...sentinel.watchlists.keys()].sort(), ['nanocore-domains', 'nanocore-ips']);
  for (const alias of ['nanocore-domains', 'nanocore-ips']) assert.equal(sentinel.items.get(alias)?.size, 2);
  assert.equal(sentinel.rules.size, 3);
  assert.deepEqual(
    sentinel.stixAccepted.map((o) => o.id),
    steps().stixObjects.map((o) => o.id),
  );
}

// The token expires on the first request, on a watchlist PUT, on a rule GET and in the STIX upload.
for (const validRequests of [0, 3, 6, ARM_REQUESTS + 1]) {
  test(`a token that expires after ${validRequests} requests is renewed once and the deploy completes`, async () => {
    const expiry = tokenExpiresAfter(validRequests, 'identity-token-1', ['identity-token-2']);
    const arm = await expiringArm(expiry.intercept);
    const credential = countingCredential();
    const result = await deployToWorkspace(
      steps(),
      target(arm, createTokenProvider({ env: {}, credential })),
    );
    assert.equal(credential.calls, 2, 'one sign-in, then exactly one refresh');
    assert.equal(expiry.rejected(), 1, 'only the request that met the expired token was refused');
    assert.deepEqual(
      result.changes.map((c) => c.action),
      ['created', 'created', 'created', 'created', 'created'],
    );
    assert.deepEqual(result.stix, { objects: 5, requests: 3, accepted: 5, errors: [] });
    assertEverythingDeployed(arm.sentinel);
    const sent = arm.front.requests.map((r) => bearer(r));
    assert.equal(sent.filter((t) => t === 'identity-token-1').length, validRequests + 1);
    assert.ok(
      sent.slice(validRequests + 1).every((t) => t === 'identity-token-2'),
      'after the refresh every request carries the new token',
    );
  });
}

test('a token whose expiresOnTimestamp has passed is replaced before it is sent', async () => {
  let clock = Date.parse('2026-11-29T05:00:00Z');
  const credential = countingCredential(() => clock);
  const rejected: string[] = [];
  // The service refuses identity-token-1 once its hour is over, as ARM would.
  const arm = await expiringArm((req) => {
    const token = bearer(req);
    if (token === 'identity-token-1' && clock >= Date.parse('2026-11-29T06:00:00Z')) {
      rejected.push(req.url);
      return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    }
    return undefined;
  });
  const tokens = createTokenProvider({ env: {}, credential, now: () => clock });
  const all = steps();
  await deployToWorkspace({ ...all, alertRules: [], stixObjects: [] }, target(arm, tokens));
  clock += 61 * 60_000;
  await deployToWorkspace({ ...all, watchlists: [] }, target(arm, tokens));
  assert.deepEqual(rejected, [], 'the expired token was never sent');
  assert.equal(credential.calls, 2);
  assertEverythingDeployed(arm.sentinel);
  const firstAfterExpiry = arm.front.requests[4];
  assert.equal(bearer(firstAfterExpiry), 'identity-token-2');
});

test('a server that refuses the fresh token too: one refresh, a one-line error naming the service and operation, the partial state listed', async () => {
  // identity-token-1 works for 3 requests; every other token is refused.
  const expiry = tokenExpiresAfter(3, 'identity-token-1');
  const arm = await expiringArm(expiry.intercept);
  const credential = countingCredential();
  const err = await deployToWorkspace(
    steps(),
    target(arm, createTokenProvider({ env: {}, credential })),
  ).then(
    () => assert.fail('the deploy should stop'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DeployStoppedError, String(err));
  assert.equal(credential.calls, 2, 'refreshed once, not again for the next step');
  assert.doesNotMatch(err.message, /\n/);
  assert.match(
    err.message,
    /^stopped partway \(1 deployed, 1 failed, 4 not attempted\): Azure Resource Manager \(Sentinel\): PUT watchlists\/nanocore-domains was refused with a freshly refreshed token too — HTTP 401 — AuthenticationFailed/,
  );
  assert.deepEqual(
    err.deployed.map((c) => [c.kind, c.id, c.action]),
    [['watchlist', 'nanocore-ips', 'created']],
  );
  assert.deepEqual(err.failed, { step: 'watchlist nanocore-domains', writeAttempted: true });
  assert.deepEqual(err.notAttempted, [
    'rule 0f6f2a7e-0001-4c1e-9a53-5d1c3a2b0001  NanoCore C2 rule 1',
    'rule 0f6f2a7e-0002-4c1e-9a53-5d1c3a2b0002  NanoCore C2 rule 2',
    'rule 0f6f2a7e-0003-4c1e-9a53-5d1c3a2b0003  NanoCore C2 rule 3',
    'STIX upload of 5 objects',
  ]);
  // What the error says is what the server holds.
  assert.deepEqual([...arm.sentinel.watchlists.keys()], ['nanocore-ips']);
  assert.equal(arm.sentinel.rules.size, 0);
  assert.equal(arm.sentinel.stixAccepted.length, 0);
  assert.equal(arm.front.requests.length, 5, 'nothing is sent after the fresh token was refused');
});

test('a dry run that meets a refused token fails with the service error alone: nothing was written', async () => {
  const arm = await expiringArm(tokenExpiresAfter(1, 'identity-token-1').intercept);
  const credential = countingCredential();
  await assert.rejects(
    deployToWorkspace(steps(), target(arm, createTokenProvider({ env: {}, credential })), { dryRun: true }),
    (err: Error) => {
      assert.ok(!(err instanceof DeployStoppedError));
      assert.match(
        err.message,
        /^Azure Resource Manager \(Sentinel\): GET watchlists\/nanocore-domains was refused/,
      );
      return true;
    },
  );
  assert.equal(arm.sentinel.writes().length, 0);
});

test('a STIX upload refused partway: the batches the service took are deployed, the rest named', async () => {
  const expiry = tokenExpiresAfter(ARM_REQUESTS + 1, 'identity-token-1');
  const arm = await expiringArm(expiry.intercept);
  const err = await deployToWorkspace(
    steps(),
    target(arm, createTokenProvider({ env: {}, credential: countingCredential() })),
  ).then(
    () => assert.fail('the deploy should stop'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DeployStoppedError, String(err));
  assert.match(
    err.message,
    /Sentinel STIX objects upload: upload objects 3–4 was refused with a freshly refreshed token too/,
  );
  assert.equal(err.deployed.length, 5);
  assert.deepEqual(err.stixUploaded, { objects: 2, requests: 1, accepted: 2, errors: [] });
  assert.deepEqual(err.failed, { step: 'STIX upload of objects 3–5 (of 5)', writeAttempted: true });
  assert.deepEqual(err.notAttempted, []);
  assert.equal(arm.sentinel.stixAccepted.length, 2);
  assert.equal(arm.sentinel.rules.size, 3);
});

/** `huntforge deploy <dir>` against the loopback workspace at `endpoint`. */
function deployArgs(dir: string, endpoint: string, ...extra: string[]): string[] {
  return [
    'deploy',
    dir,
    '--subscription',
    'sub-1',
    '--resource-group',
    'soc',
    '--workspace',
    'sentinel-prod',
    '--endpoint',
    endpoint,
    ...extra,
  ];
}

test('huntforge deploy with HUNTFORGE_ACCESS_TOKEN that expires mid-deploy: exit 2, what was deployed and what was not on stderr', async () => {
  const expiry = tokenExpiresAfter(4, ARM_TOKEN);
  const arm = await expiringArm(expiry.intercept);
  const dir = await mkdtemp(join(tmpdir(), 'huntforge-deploy-expiry-'));
  try {
    await mkdir(join(dir, 'watchlists'));
    for (const name of ['a-ips', 'b-domains', 'c-hashes'])
      await writeFile(join(dir, 'watchlists', `${name}.csv`), `SearchKey,Type\n${name}.example,domain\n`);
    const r = await runCli(deployArgs(dir, arm.front.url), { env: { HUNTFORGE_ACCESS_TOKEN: ARM_TOKEN } });
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 5), [
      'huntforge deploy: stopped partway; the workspace now has:',
      '  deployed       watchlist a-ips  a-ips  (created)',
      '  deployed       watchlist b-domains  b-domains  (created)',
      '  failed         watchlist c-hashes (nothing written)',
      'huntforge deploy: stopped partway (2 deployed, 1 failed, 0 not attempted): Azure Resource Manager (Sentinel) (GET watchlists/c-hashes) rejected HUNTFORGE_ACCESS_TOKEN as expired or invalid (401 invalid_token) and it cannot be refreshed: set a new token, or unset it to sign in through Azure',
    ]);
    assert.deepEqual([...arm.sentinel.watchlists.keys()].sort(), ['a-ips', 'b-domains']);
    assert.doesNotMatch(r.stderr + r.stdout, new RegExp(ARM_TOKEN));

    // The token stays expired: with --json the state goes to stdout as well.
    const again = await runCli(deployArgs(dir, arm.front.url, '--json'), {
      env: { HUNTFORGE_ACCESS_TOKEN: ARM_TOKEN },
    });
    assert.equal(again.status, 2, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), {
      dryRun: false,
      stopped: true,
      changes: [],
      failed: { step: 'watchlist a-ips', writeAttempted: false },
      notAttempted: ['watchlist b-domains', 'watchlist c-hashes'],
    });
    assert.match(again.stderr, /^ {2}not attempted {2}watchlist c-hashes$/m);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
