import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { uploadStixObjects } from '../../src/remote/stix-upload.js';
import { TokenBucket } from '../../src/remote/token-bucket.js';
import { runCli } from '../support/cli.js';
import { ARM_TOKEN, type FakeSentinel, startFakeSentinel } from '../support/fake-sentinel.js';

const WORKSPACE_ID = '11111111-2222-3333-4444-555555555555';
let sentinel: FakeSentinel;
let dir: string;

function indicator(i: number, valid = true): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    created: '2026-04-25T10:11:12.000Z',
    modified: '2026-04-25T10:11:12.000Z',
    name: `ioc ${i}`,
    pattern: `[ipv4-addr:value = '10.0.${Math.floor(i / 256)}.${i % 256}']`,
    pattern_type: 'stix',
    ...(valid ? { valid_from: '2026-04-25T10:11:12.000Z' } : {}),
  };
}

before(async () => {
  sentinel = await startFakeSentinel();
  dir = await mkdtemp(join(tmpdir(), 'huntforge-stix-'));
});
after(async () => {
  await sentinel.close();
  await rm(dir, { recursive: true, force: true });
});

test('objects go up in batches of at most 100; per-record errors map back to the whole upload', async () => {
  const objects = Array.from({ length: 250 }, (_, i) => indicator(i, i !== 7 && i !== 130));
  const before = sentinel.requests.length;
  const result = await uploadStixObjects(WORKSPACE_ID, objects, {
    token: ARM_TOKEN,
    endpoint: sentinel.url,
    bucket: new TokenBucket(100, 60_000),
  });
  const sent = sentinel.requests.slice(before);
  assert.deepEqual(
    sent.map((r) => (r.body as { stixobjects: unknown[] }).stixobjects.length),
    [100, 100, 50],
  );
  assert.equal(sent[0].path, `/workspaces/${WORKSPACE_ID}/threat-intelligence-stix-objects:upload`);
  assert.equal(sent[0].query.get('api-version'), '2024-02-01-preview');
  assert.equal((sent[0].body as { sourcesystem: string }).sourcesystem, 'huntforge');
  assert.equal(result.requests, 3);
  assert.equal(result.accepted, 248);
  assert.deepEqual(
    result.errors.map((e) => [e.index, e.id]),
    [
      [7, objects[7].id],
      [130, objects[130].id],
    ],
  );
  assert.match(result.errors[0].messages[0], /valid_from/);
});

test('429 from the upload API is retried after its Retry-After', async () => {
  sentinel.queue({
    status: 429,
    headers: { 'retry-after': '0' },
    body: { statusCode: 429, message: 'Rate limit is exceeded. Try again in 0 seconds.' },
  });
  const result = await uploadStixObjects(WORKSPACE_ID, [indicator(1)], {
    token: ARM_TOKEN,
    endpoint: sentinel.url,
    retry: { baseDelayMs: 1 },
  });
  assert.equal(result.accepted, 1);
});

test('the token bucket allows 100 requests a minute and then waits', async () => {
  let now = 0;
  const waits: number[] = [];
  const bucket = new TokenBucket(100, 60_000, {
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  });
  for (let i = 0; i < 100; i++) await bucket.take();
  assert.deepEqual(waits, [], 'a full bucket serves 100 at once');
  await bucket.take();
  assert.deepEqual(waits, [600], 'the 101st waits one refill interval (60 s / 100)');
  for (let i = 0; i < 9; i++) await bucket.take();
  assert.equal(now, 6000, '110 requests take 6 s of refill');
});

test('deploy --stix uploads a bundle and reports rejected records with exit 1; --dry-run only plans', async () => {
  const bundle = join(dir, 'bundle.json');
  await writeFile(
    bundle,
    JSON.stringify({
      type: 'bundle',
      id: 'bundle--1',
      objects: [
        indicator(1),
        indicator(2, false),
        { type: 'marking-definition', id: 'marking-definition--x' },
      ],
    }),
  );
  const args = [
    'deploy',
    '--stix',
    bundle,
    '--workspace-id',
    WORKSPACE_ID,
    '--subscription',
    's',
    '--resource-group',
    'r',
    '--workspace',
    'w',
    '--endpoint',
    sentinel.url,
  ];
  const env = { env: { HUNTFORGE_ACCESS_TOKEN: ARM_TOKEN } };
  const uploadsBefore = sentinel.requests.filter((r) => r.path.includes('stix')).length;
  const [dry, real] = [await runCli([...args, '--dry-run'], env), await runCli(args, env)];
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /plan: upload 2 STIX objects in 1 requests/);
  assert.match(dry.stderr, /1 STIX objects of types the upload API does not take were left out/);
  assert.equal(real.status, 1, real.stderr);
  assert.match(real.stdout, /STIX upload: 1 of 2 objects accepted in 1 requests/);
  assert.match(
    real.stdout,
    /rejected #1 indicator--00000000-0000-4000-8000-000000000002: Error for Property=valid_from/,
  );
  assert.equal(
    sentinel.requests.filter((r) => r.path.includes('stix')).length - uploadsBefore,
    1,
    'only the real run uploaded',
  );
  assert.doesNotMatch(real.stdout + real.stderr, new RegExp(ARM_TOKEN));
});
