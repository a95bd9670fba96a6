import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateFromIndicators, planHunts, readIndicators, renderHuntKql } from '../../src/index.js';

test('the library API reads, plans and renders the seed the way the CLI does', async () => {
  const read = await readIndicators(['../shared/seed/nanocore-rat-sentinel-hunt.txt']);
  assert.equal(read.indicators.length, 6);
  const plan = planHunts(read.indicators);
  const dns = plan.hunts.find((h) => h.table === 'DnsEvents')!;
  const kql = renderHuntKql(dns, {
    platform: 'sentinel',
    lookback: '7d',
    source: 'seed',
    generated: new Date(0),
  });
  assert.match(kql, /let lookback = 7d;/);
  const generated = generateFromIndicators(read, { now: new Date(0) });
  assert.equal(generated.plan.hunts.length, plan.hunts.length);
});
