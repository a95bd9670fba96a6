import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planHunts } from '../../src/hunts/plan.js';
import { indicator, seedIndicators } from '../support/indicators.js';

test('the seed plans IP hunts first, then domain hunts, over the tables that can see them', () => {
  const plan = planHunts(seedIndicators());
  const tables = (kind: string) => plan.hunts.filter((h) => h.kind === kind).map((h) => h.table);
  assert.deepEqual(tables('ip'), [
    'CommonSecurityLog',
    'DeviceNetworkEvents',
    '_Im_NetworkSession',
    'AZFWNetworkRule',
  ]);
  assert.deepEqual(tables('domain'), [
    'CommonSecurityLog',
    'DeviceNetworkEvents',
    'DnsEvents',
    '_Im_Dns',
    'UrlClickEvents',
    'EmailUrlInfo',
  ]);
  assert.equal(plan.hunts[0].kind, 'ip');
  assert.deepEqual(plan.families, ['Nanocore RAT']);
  assert.deepEqual(plan.notes, []);
});

test('hunt ids are GUIDs derived from family, kind and table: regenerating does not churn', () => {
  const a = planHunts(seedIndicators());
  const b = planHunts([...seedIndicators()].reverse());
  assert.deepEqual(
    a.hunts.map((h) => h.id),
    b.hunts
      .map((h) => h.id)
      .sort((x, y) => a.hunts.findIndex((h) => h.id === x) - a.hunts.findIndex((h) => h.id === y)),
  );
  for (const h of a.hunts)
    assert.match(h.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(a.hunts.map((h) => h.id)).size, a.hunts.length);
  const other = planHunts(seedIndicators().map((i) => ({ ...i, malware: 'AsyncRAT' })));
  assert.notEqual(other.hunts[0].id, a.hunts[0].id);
});

test('ATT&CK: C2 over a non-standard port adds T1571, payload delivery T1105, hashes are Execution', () => {
  const plan = planHunts([
    indicator('ipv4', '198.51.100.7', { port: 4444 }),
    indicator('url', 'http://198.51.100.8/a.exe', { host: '198.51.100.8', threatType: 'payload_delivery' }),
    indicator('sha256', 'a'.repeat(64), { threatType: 'payload' }),
  ]);
  const ip = plan.hunts.find((h) => h.kind === 'ip')!;
  assert.deepEqual(ip.techniques, ['T1071', 'T1571']);
  assert.deepEqual(ip.tactics, ['CommandAndControl']);
  const url = plan.hunts.find((h) => h.kind === 'url')!;
  assert.deepEqual(url.techniques, ['T1071', 'T1105']);
  const hash = plan.hunts.find((h) => h.kind === 'hash')!;
  assert.deepEqual(hash.tactics, ['Execution']);
  assert.deepEqual(hash.techniques, ['T1204']);
});

test('severity: all-flagged hunts are Low, confident unflagged ones High', () => {
  const plan = planHunts(seedIndicators());
  assert.equal(plan.hunts.find((h) => h.kind === 'ip')!.severity, 'Low');
  assert.equal(plan.hunts.find((h) => h.kind === 'domain')!.severity, 'High');
});

test('--drop-flagged leaves flagged indicators out and says so; e-mail indicators are noted', () => {
  const plan = planHunts([...seedIndicators(), indicator('email', 'bad@example.org')], { dropFlagged: true });
  assert.equal(plan.indicators.length, 4);
  assert.equal(
    plan.hunts.some((h) => h.kind === 'ip'),
    false,
  );
  assert.match(plan.notes.join('\n'), /3 flagged indicators left out/);
  assert.match(plan.notes.join('\n'), /1 e-mail indicators have no bundled table/);
});

test('purpose lines say what a hunt matches and why', () => {
  const plan = planHunts(seedIndicators());
  const dns = plan.hunts.find((h) => h.table === 'DnsEvents')!;
  assert.match(dns.purpose, /subdomain/);
  assert.match(dns.purpose, /theponzu\.com\.evil\.net/);
  const csl = plan.hunts.find((h) => h.kind === 'ip' && h.table === 'CommonSecurityLog')!;
  assert.match(csl.purpose, /3 ip:port indicators also require their port/);
  const loose = planHunts(seedIndicators(), { ignorePort: true }).hunts.find((h) => h.kind === 'ip')!;
  assert.match(loose.purpose, /any port matches/);
});
