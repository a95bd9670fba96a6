import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readIndicators, readIndicatorsFromText } from '../../src/intel/read.js';
import { keys, seedPath } from './helpers.js';

const SEED_KEYS = [
  'domain airtellwireless.it.com',
  'domain sc88884.com',
  'domain theponzu.com',
  'ipv4 104.21.9.66:443',
  'ipv4 172.67.159.51:443',
  'ipv4 172.67.208.215:443',
];

test('the seed report reads as exactly its 6 indicators with the metadata of its table', async () => {
  const r = await readIndicators([seedPath]);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.rejected, []);
  assert.deepEqual(keys(r.indicators), SEED_KEYS);
  for (const i of r.indicators) {
    assert.equal(i.malware, 'Nanocore RAT');
    assert.equal(i.threatType, 'botnet_cc');
    assert.equal(i.firstSeen, '2026-04-25T00:00:00Z');
    assert.equal(i.confidence, i.type === 'domain' ? 75 : 100, i.value);
  }
  // ntbackup.exe, certutil.exe, C:\Windows\System32\… and friends are file names, not domains.
  assert.ok(!r.indicators.some((i) => /\.exe$/.test(i.value)));
});

test('the seed read from memory gives the same indicators', async () => {
  const r = await readIndicatorsFromText(readFileSync(seedPath, 'utf8'), 'seed');
  assert.deepEqual(keys(r.indicators), SEED_KEYS);
  assert.equal(r.indicators[0].sources[0].location.startsWith('seed:'), true);
});

test("the seed's three IPs carry their Cloudflare flag", async () => {
  const r = await readIndicators([seedPath]);
  const flagged = r.indicators.filter((i) => i.flags.length > 0);
  assert.deepEqual(
    keys(flagged),
    SEED_KEYS.filter((k) => k.startsWith('ipv4')),
  );
  assert.ok(flagged.every((i) => i.flags.some((f) => f.category === 'shared-infrastructure')));
});
