import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clearTokenCache, getAccessToken, refreshAccessToken } from '../../src/remote/credentials.js';
import { redact } from '../../src/remote/redact.js';

test('HUNTFORGE_ACCESS_TOKEN wins and is registered for redaction', async () => {
  const token = await getAccessToken('https://api.loganalytics.io/.default', {
    env: { HUNTFORGE_ACCESS_TOKEN: 'env-token-abcdef' },
  });
  assert.equal(token, 'env-token-abcdef');
  assert.equal(redact('oops env-token-abcdef leaked'), 'oops *** leaked');
});

test('a credential token is cached per scope until shortly before it expires', async () => {
  clearTokenCache();
  let calls = 0;
  let now = 1_000_000;
  const credential = {
    getToken: async () => ({ token: `cred-token-${++calls}xyz`, expiresOnTimestamp: now + 10 * 60_000 }),
  };
  const opts = { env: {}, credential, now: () => now };
  assert.equal(await getAccessToken('scope-a', opts), 'cred-token-1xyz');
  assert.equal(await getAccessToken('scope-a', opts), 'cred-token-1xyz');
  assert.equal(await getAccessToken('scope-b', opts), 'cred-token-2xyz');
  now += 9 * 60_000; // within the refresh margin
  assert.equal(await getAccessToken('scope-a', opts), 'cred-token-3xyz');
  assert.equal(redact('cred-token-3xyz'), '***');
});

test('a failing credential is one clear message with no secret in it', async () => {
  clearTokenCache();
  const credential = {
    getToken: async () => {
      throw new Error('ClientSecretCredential: client_secret=hunter2-secret-value rejected\nstack…');
    },
  };
  await assert.rejects(getAccessToken('scope-c', { env: {}, credential }), (err: Error) => {
    assert.match(err.message, /could not get an Azure access token for scope-c/);
    assert.match(err.message, /az login/);
    assert.doesNotMatch(err.message, /hunter2-secret-value/);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
});

test('a credential token without expiresOnTimestamp is kept until a service rejects it', async () => {
  clearTokenCache();
  let calls = 0;
  const credential = { getToken: async () => ({ token: `no-expiry-token-${++calls}` }) };
  const opts = { env: {}, credential, now: () => Date.parse('2099-01-01T00:00:00Z') };
  assert.equal(await getAccessToken('scope-d', opts), 'no-expiry-token-1');
  assert.equal(await getAccessToken('scope-d', opts), 'no-expiry-token-1');
  assert.equal(await refreshAccessToken('scope-d', 'no-expiry-token-1', opts), 'no-expiry-token-2');
  assert.equal(calls, 2);
});
