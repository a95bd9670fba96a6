import assert from 'node:assert/strict';
import { test } from 'node:test';
import { huntLists } from '../../src/engine/hunt-lists.js';
import { planHunts } from '../../src/hunts/plan.js';
import { indicator } from '../support/indicators.js';

const hunts = planHunts([
  indicator('ipv4', '198.51.100.7', { port: 443 }),
  indicator('ipv4', '198.51.100.8'),
  indicator('domain', 'evil-c2.com'),
]).hunts;
const connect = hunts.find((h) => h.correlation !== undefined);

test('a lookup-then-connect hunt reads its looked-up domains as ioc_domains, alone on the lookup table', () => {
  assert.ok(connect?.correlation, 'the plan has a lookup-then-connect hunt');
  const own = huntLists(connect);
  assert.deepEqual(own.get('ioc_domains'), ['evil-c2.com']);
  assert.deepEqual(own.get('ioc_endpoints'), ['198.51.100.7:443']);
  assert.deepEqual(own.get('ioc_any_port'), ['198.51.100.8']);
  const onLookups = huntLists(connect, connect.correlation.lookupTable);
  assert.deepEqual([...onLookups.keys()], ['ioc_domains']);
  assert.deepEqual(onLookups.get('ioc_domains'), ['evil-c2.com']);
});

test('lists are built once per hunt and table, and adding the looked-up domains changes no shared list', () => {
  assert.ok(connect?.correlation);
  assert.equal(huntLists(connect), huntLists(connect));
  const ipHunt = hunts.find(
    (h) => h.match?.indicatorType === 'ip' && !h.correlation && h.indicators === connect.indicators,
  );
  assert.ok(ipHunt, 'an IP hunt shares the connect hunt’s indicators');
  // the IP hunt's lists come from the same indicators: they hold no domains, whatever ran before
  assert.equal(huntLists(ipHunt).get('ioc_domains'), undefined);
  assert.equal(huntLists(ipHunt).get('ioc_ips'), huntLists(connect).get('ioc_ips'));
});
