import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceError } from '../../src/remote/http.js';
import { queryThreatFox, threatFoxBody } from '../../src/remote/threatfox.js';
import { resolveThreatFoxAuthKey } from '../../src/remote/threatfox-config.js';
import { parseThreatFoxInput, resolveThreatFoxInput } from '../../src/remote/threatfox-input.js';
import { runCli } from '../support/cli.js';
import { NANOCORE_RECORDS, startFakeThreatFox, THREATFOX_KEY } from '../support/fake-threatfox.js';
import type { Loopback } from '../support/loopback.js';

let server: Loopback;
let cacheDir: string;
const fast = { baseDelayMs: 1, sleep: async () => {} };

before(async () => {
  server = await startFakeThreatFox();
  cacheDir = await mkdtemp(join(tmpdir(), 'huntforge-tf-'));
});
after(async () => {
  await server.close();
  await rm(cacheDir, { recursive: true, force: true });
});

const options = (extra = {}) => ({
  authKey: THREATFOX_KEY,
  endpoint: server.url,
  cacheDir: false as const,
  retry: fast,
  ...extra,
});

test('request bodies follow the API: get_iocs, malwareinfo, taginfo, search_ioc, search_hash', () => {
  assert.deepEqual(threatFoxBody({ days: 3 }), { query: 'get_iocs', days: 3 });
  assert.deepEqual(threatFoxBody({ malware: 'win.nanocore' }), {
    query: 'malwareinfo',
    malware: 'win.nanocore',
    limit: 100,
  });
  assert.deepEqual(threatFoxBody({ tag: 'RAT', limit: 5 }), { query: 'taginfo', tag: 'RAT', limit: 5 });
  assert.deepEqual(threatFoxBody({ search: '1.2.3.4:80', exactMatch: true }), {
    query: 'search_ioc',
    search_term: '1.2.3.4:80',
    exact_match: true,
  });
  assert.deepEqual(threatFoxBody({ hash: 'abc' }), { query: 'search_hash', hash: 'abc' });
  assert.throws(() => threatFoxBody({ days: 8 }), /days must be an integer from 1 to 7/);
});

test('ok returns the raw envelope and sends the Auth-Key header', async () => {
  const response = await queryThreatFox({ malware: 'win.nanocore' }, options());
  assert.equal(response.query_status, 'ok');
  assert.deepEqual(response.data, NANOCORE_RECORDS);
  const last = server.requests.at(-1)!;
  assert.equal(last.headers['auth-key'], THREATFOX_KEY);
  assert.equal(last.path, '/api/v1/');
});

test('no_result is an empty answer, not an error', async () => {
  const response = await queryThreatFox({ malware: 'win.nothing' }, options());
  assert.equal(response.query_status, 'no_result');
  assert.deepEqual(response.data, []);
});

test('an illegal search term is a clear error naming the status', async () => {
  await assert.rejects(queryThreatFox({ search: 'ab' }, options()), (err: ServiceError) => {
    assert.equal(err.code, 'illegal_search_term');
    assert.match(
      err.message,
      /ThreatFox: the query was refused \(query_status illegal_search_term — Search term too short\): check the search value/,
    );
    return true;
  });
  await assert.rejects(queryThreatFox({ hash: 'f'.repeat(32) }, options()), /query_status hash_not_found/);
});

test('401 without a valid key names the problem and never the key', async () => {
  await assert.rejects(
    queryThreatFox({ days: 1 }, options({ authKey: 'wrong-key-987654321' })),
    (err: ServiceError) => {
      assert.equal(err.status, 401);
      assert.match(err.message, /ThreatFox: HTTP 401 — Unauthorized \(the credential was rejected/);
      assert.doesNotMatch(err.message, /wrong-key-987654321/);
      return true;
    },
  );
});

test('429 is retried after Retry-After, then ok', async () => {
  const waits: number[] = [];
  server.queue({ status: 429, headers: { 'retry-after': '1' }, raw: 'rate limited' });
  const response = await queryThreatFox(
    { days: 1 },
    options({ retry: { baseDelayMs: 1, sleep: async (ms: number) => void waits.push(ms) } }),
  );
  assert.equal(response.query_status, 'ok');
  assert.deepEqual(waits, [1000]);
});

test('a timeout is reported clearly', async () => {
  server.queue({ status: 200, delayMs: 400, body: {} }, { status: 200, delayMs: 400, body: {} });
  await assert.rejects(
    queryThreatFox({ days: 1 }, options({ timeoutMs: 50, retry: { maxRetries: 1, ...fast } })),
    /ThreatFox: no answer from 127\.0\.0\.1:\d+ within 50 ms after 2 attempts/,
  );
});

test('malformed replies are errors: not JSON, no query_status, data not a list', async () => {
  server.queue({ status: 200, raw: '{"query_status": "ok", "data": [' });
  await assert.rejects(
    queryThreatFox({ days: 1 }, options()),
    /ThreatFox: HTTP 200 but the reply is not JSON/,
  );
  server.queue({ status: 200, body: { hello: 'world' } });
  await assert.rejects(queryThreatFox({ days: 1 }, options()), /has no query_status/);
  server.queue({ status: 200, body: { query_status: 'ok', data: 'x' } });
  await assert.rejects(queryThreatFox({ days: 1 }, options()), /data is not a list/);
});

test('replies are cached on disk per request, without the key, until the TTL passes', async () => {
  let now = 1_000_000;
  const cached = options({ cacheDir, cacheTtlMs: 60_000, now: () => now });
  const before = server.requests.length;
  await queryThreatFox({ tag: 'RAT' }, cached);
  const hit = await queryThreatFox({ tag: 'RAT' }, cached);
  assert.equal(server.requests.length - before, 1, 'second call served from cache');
  assert.equal(hit.data.length, 1);
  await queryThreatFox({ tag: 'OTHER' }, cached);
  assert.equal(server.requests.length - before, 2, 'a different request is a different key');
  now += 61_000;
  await queryThreatFox({ tag: 'RAT' }, cached);
  assert.equal(server.requests.length - before, 3, 'expired entries are fetched again');
  for (const file of await readdir(join(cacheDir, 'threatfox')))
    assert.doesNotMatch(await readFile(join(cacheDir, 'threatfox', file), 'utf8'), new RegExp(THREATFOX_KEY));
});

test('the threatfox: pseudo-input parses and resolves to the raw JSON text', async () => {
  assert.deepEqual(parseThreatFoxInput('threatfox:malware=Nanocore'), { malware: 'Nanocore' });
  assert.deepEqual(parseThreatFoxInput('threatfox:days=3'), { days: 3 });
  assert.deepEqual(parseThreatFoxInput('threatfox:tag=X'), { tag: 'X' });
  assert.throws(() => parseThreatFoxInput('threatfox:days=30'), /days must be an integer from 1 to 7/);
  assert.throws(() => parseThreatFoxInput('threatfox:colour=red'), /unknown ThreatFox query 'colour'/);
  const resolved = await resolveThreatFoxInput('threatfox:malware=Nanocore', {
    env: { THREATFOX_AUTH_KEY: THREATFOX_KEY },
    endpoint: server.url,
    cacheDir: false,
  });
  assert.equal(resolved.name, 'threatfox:malware=Nanocore');
  assert.equal(JSON.parse(resolved.text).data[0].ioc, '104.21.9.66:443');
});

test('huntforge feed threatfox writes the raw reply to a file', async () => {
  const out = join(cacheDir, 'nanocore.json');
  const r = await runCli(
    ['feed', 'threatfox', '--malware', 'win.nanocore', '-o', out, '--endpoint', server.url, '--no-cache'],
    {
      env: { THREATFOX_AUTH_KEY: THREATFOX_KEY },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(await readFile(out, 'utf8')).data.length, 2);
  assert.match(r.stderr, /2 records \(ok\)/);
});

test('huntforge feed threatfox: missing key and bad arguments exit 2 with one line', async () => {
  const [noKey, two, refused] = await Promise.all([
    runCli(['feed', 'threatfox', '--days', '1', '--endpoint', server.url], { cwd: cacheDir }),
    runCli(['feed', 'threatfox', '--days', '1', '--tag', 'x']),
    runCli(['feed', 'threatfox', '--search', 'ab', '--endpoint', server.url, '--no-cache'], {
      env: { THREATFOX_AUTH_KEY: THREATFOX_KEY },
    }),
  ]);
  assert.equal(noKey.status, 2);
  assert.match(noKey.stderr, /THREATFOX_AUTH_KEY/);
  assert.equal(two.status, 2);
  assert.match(two.stderr, /choose one of --days, --tag/);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /illegal_search_term/);
  assert.doesNotMatch(refused.stderr, new RegExp(THREATFOX_KEY));
});

test('the Auth-Key comes from THREATFOX_AUTH_KEY, else threatfox.authKey in huntforge.yaml', async () => {
  const project = await mkdtemp(join(tmpdir(), 'huntforge-cfg-'));
  try {
    assert.equal(resolveThreatFoxAuthKey({}, project), undefined);
    await writeFile(join(project, 'huntforge.yaml'), 'threatfox:\n  authKey: from-config-key\n');
    assert.equal(resolveThreatFoxAuthKey({}, project), 'from-config-key');
    assert.equal(resolveThreatFoxAuthKey({ THREATFOX_AUTH_KEY: 'from-env-key' }, project), 'from-env-key');
  } finally {
    await rm(project, { recursive: true, force: true });
  }
});
