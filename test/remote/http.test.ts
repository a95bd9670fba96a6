import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { UserFacingError } from '../../src/cli/command.js';
import { request, retryAfterMs, ServiceError } from '../../src/remote/http.js';
import { redact, registerSecret } from '../../src/remote/redact.js';
import { type Loopback, oneApiError, startLoopback } from '../support/loopback.js';

const SECRET = 'sekrit-token-value-123456';
let server: Loopback;

before(async () => {
  server = await startLoopback(() => ({ status: 200, body: { ok: true } }));
});
after(() => server.close());

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const call = (retry = {}) =>
  request({
    service: 'Test',
    url: `${server.url}/x`,
    headers: { authorization: `Bearer ${SECRET}` },
    body: { q: 1 },
    secrets: [SECRET],
    retry: { baseDelayMs: 1, ...retry },
  });

test('429 honours Retry-After in seconds, then succeeds', async () => {
  const { waits, sleep } = recordingSleep();
  server.queue({ status: 429, headers: { 'retry-after': '2' }, body: oneApiError('Throttled', 'slow down') });
  const reply = await call({ sleep });
  assert.deepEqual(reply.body, { ok: true });
  assert.deepEqual(waits, [2000]);
});

test('Retry-After as an HTTP-date is turned into a wait', () => {
  const now = Date.parse('2026-11-28T10:00:00Z');
  assert.equal(retryAfterMs('Sat, 28 Nov 2026 10:00:05 GMT', now), 5000);
  assert.equal(retryAfterMs('1.5', now), 1500);
  assert.equal(retryAfterMs('soon', now), undefined);
});

test('500, 502, 503 and 504 are retried with growing back-off; jitter stays within the window', async () => {
  const { waits, sleep } = recordingSleep();
  server.queue({ status: 500 }, { status: 502 }, { status: 503 }, { status: 504 });
  const reply = await call({ sleep, baseDelayMs: 100, random: () => 1 });
  assert.equal(reply.status, 200);
  assert.deepEqual(waits, [100, 200, 400, 800]);
});

test('retries are bounded: the last error is reported with the attempt count', async () => {
  const { sleep } = recordingSleep();
  server.queue(
    ...Array.from({ length: 5 }, () => ({ status: 503, body: oneApiError('ServiceUnavailable', 'busy') })),
  );
  await assert.rejects(call({ sleep, maxRetries: 4 }), (err: Error) => {
    assert.ok(err instanceof ServiceError);
    assert.ok(err instanceof UserFacingError);
    assert.equal(err.status, 503);
    assert.match(err.message, /Test: HTTP 503 after 5 attempts — ServiceUnavailable: busy/);
    return true;
  });
});

for (const status of [400, 401, 403, 404]) {
  test(`${status} is never retried`, async () => {
    const { waits, sleep } = recordingSleep();
    const before = server.requests.length;
    server.queue({ status, body: oneApiError('Nope', 'refused') });
    await assert.rejects(
      call({ sleep }),
      (err: ServiceError) => err.status === status && err.code === 'Nope',
    );
    assert.equal(server.requests.length - before, 1);
    assert.deepEqual(waits, []);
  });
}

test('a service error that echoes the token never shows it', async () => {
  server.queue({
    status: 401,
    body: oneApiError('AuthenticationFailed', `token ${SECRET} is invalid (Bearer ${SECRET})`),
  });
  await assert.rejects(call(), (err: Error) => {
    assert.doesNotMatch(err.message, new RegExp(SECRET));
    assert.match(err.message, /HTTP 401 — AuthenticationFailed/);
    assert.match(err.message, /sign in again/);
    return true;
  });
});

test('a body that is not JSON is a clear error', async () => {
  server.queue({ status: 200, raw: '<html>gateway</html>' });
  await assert.rejects(call(), /Test: HTTP 200 but the reply is not JSON \(<html>gateway<\/html>\)/);
});

test('a timeout is retried, then reported without hanging', async () => {
  const { sleep } = recordingSleep();
  server.queue({ status: 200, delayMs: 300, body: {} }, { status: 200, delayMs: 300, body: {} });
  const started = Date.now();
  await assert.rejects(
    request({ service: 'Test', url: `${server.url}/slow`, timeoutMs: 50, retry: { maxRetries: 1, sleep } }),
    (err: ServiceError) =>
      err.code === 'Timeout' &&
      /no answer from 127\.0\.0\.1:\d+ within 50 ms after 2 attempts/.test(err.message),
  );
  assert.ok(Date.now() - started < 2000);
});

test('network errors are retried and reported', async () => {
  const { waits, sleep } = recordingSleep();
  const closed = await startLoopback(() => ({ status: 200 }));
  await closed.close();
  await assert.rejects(
    request({ service: 'Test', url: `${closed.url}/`, retry: { maxRetries: 2, sleep } }),
    (err: ServiceError) => {
      assert.equal(err.status, 0);
      assert.match(err.message, /could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\) after 3 attempts/);
      return true;
    },
  );
  assert.equal(waits.length, 2);
});

test('redact removes registered secrets, bearer credentials, JWTs and key fields', () => {
  registerSecret('my-registered-secret');
  const text = redact(
    'a my-registered-secret b Bearer abcdefghijkl c eyJhbGciOi.eyJzdWIiOi.sig d {"Auth-Key":"k3y-value"} e auth_key=zzzzzz',
  );
  assert.doesNotMatch(text, /my-registered-secret|abcdefghijkl|eyJhbGciOi|k3y-value|zzzzzz/);
  assert.match(text, /Bearer \*\*\*/);
});
