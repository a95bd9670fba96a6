import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planHunts } from '../../src/hunts/plan.js';
import type { Hunt } from '../../src/hunts/types.js';
import { parseKqlTree } from '../../src/kql/syntax.js';
import { validateKql } from '../../src/kql/validate.js';
import { canRender, type KqlRenderOptions, renderHuntKql } from '../../src/render/kql/hunt.js';
import { indicator, seedIndicators } from '../support/indicators.js';

const base = {
  lookback: '14d',
  source: 'ThreatFox - Nanocore RAT',
  generated: new Date('2026-11-28T00:00:00Z'),
};
const sentinel: KqlRenderOptions = { ...base, platform: 'sentinel' };
const defender: KqlRenderOptions = { ...base, platform: 'defender' };

const mixed = [
  ...seedIndicators(),
  indicator('ipv6', '2001:db8::7', { port: null }),
  indicator('url', 'http://evil.example.com/Gate.php', { host: 'evil.example.com' }),
  indicator('sha256', 'a'.repeat(64)),
  indicator('sha1', 'b'.repeat(40)),
  indicator('md5', 'c'.repeat(32)),
];

test('every hunt kind renders for every platform it supports with zero parser errors', () => {
  const plan = planHunts(mixed);
  assert.deepEqual(
    [...new Set(plan.hunts.map((h) => h.kind))],
    ['ip', 'domain', 'url', 'hash', 'dns-then-connect', 'behaviour'],
  );
  let rendered = 0;
  for (const hunt of plan.hunts) {
    for (const options of [sentinel, defender]) {
      if (!canRender(hunt, options.platform)) continue;
      const kql = renderHuntKql(hunt, options);
      assert.deepEqual(
        validateKql(kql, { platform: options.platform }),
        [],
        `${options.platform} ${hunt.table} ${hunt.kind}\n${kql}`,
      );
      rendered++;
    }
  }
  assert.ok(rendered >= 25, `rendered ${rendered}`);
});

test('Defender queries use Timestamp and only Defender tables; Sentinel uses TimeGenerated', () => {
  const plan = planHunts(seedIndicators());
  const dne = plan.hunts.find((h) => h.kind === 'ip' && h.table === 'DeviceNetworkEvents')!;
  assert.match(renderHuntKql(dne, defender), /\| where Timestamp > ago\(lookback\)/);
  assert.match(renderHuntKql(dne, defender), /\| order by Timestamp desc/);
  assert.match(renderHuntKql(dne, sentinel), /\| where TimeGenerated > ago\(lookback\)/);
  assert.equal(canRender(plan.hunts.find((h) => h.table === 'CommonSecurityLog')!, 'defender'), false);
  assert.equal(canRender(plan.hunts.find((h) => h.table === 'DnsEvents')!, 'defender'), false);
});

test("the seed's three hunts keep their tables and projected columns, newest first", () => {
  const plan = planHunts(seedIndicators());
  const query = (kind: string, table: string, options = sentinel) =>
    renderHuntKql(plan.hunts.find((h) => h.kind === kind && h.table === table)!, options);
  assert.match(
    query('ip', 'CommonSecurityLog'),
    /\| project TimeGenerated, SourceIP, DestinationIP, DestinationPort, DeviceAction, Activity, .*MatchedIndicator\n\| order by TimeGenerated desc/,
  );
  assert.match(
    query('ip', 'DeviceNetworkEvents', defender),
    /\| project Timestamp, DeviceName, RemoteIP, RemotePort, InitiatingProcessFileName, ActionType, .*MatchedIndicator\n\| order by Timestamp desc/,
  );
  assert.match(
    query('domain', 'DnsEvents'),
    /\| project TimeGenerated, Computer, Name, IPAddresses, QueryType, /,
  );
});

test('ip:port indicators require the port; --ignore-port matches the address alone', () => {
  const strict = planHunts(seedIndicators()).hunts.find(
    (h) => h.kind === 'ip' && h.table === 'CommonSecurityLog',
  )!;
  const q = renderHuntKql(strict, sentinel);
  assert.match(
    q,
    /let ioc_endpoints = dynamic\(\["104\.21\.9\.66:443", "172\.67\.159\.51:443", "172\.67\.208\.215:443"\]\);/,
  );
  assert.match(q, /strcat\(DestinationIP, ":", tostring\(DestinationPort\)\) in \(ioc_endpoints\)/);
  assert.doesNotMatch(q, /ioc_any_port/);
  const loose = planHunts(seedIndicators(), { ignorePort: true }).hunts.find((h) => h.kind === 'ip')!;
  const lq = renderHuntKql(loose, sentinel);
  assert.doesNotMatch(lq, /ioc_endpoints/);
  assert.match(lq, /DestinationIP in \(ioc_any_port\), DestinationIP/);
});

test('domain hunts pre-filter with has_any, then check the name and its parent domains exactly', () => {
  const dns = planHunts(seedIndicators()).hunts.find((h) => h.table === 'DnsEvents')!;
  const q = renderHuntKql(dns, sentinel);
  const tree = parseKqlTree(q);
  assert.deepEqual(tree.diagnostics, []);
  assert.deepEqual(tree.queryOperators, [
    'FilterOperator',
    'FilterOperator',
    'ExtendOperator',
    'MvExpandOperator',
    'ExtendOperator',
    'FilterOperator',
    'FilterOperator', // the sinkhole scenario's exclusion
    'ProjectOperator',
    'SortOperator',
  ]);
  assert.match(q, /\| where not\(/);
  assert.match(q, /\| where Name has_any \(ioc_domains\)/);
  assert.match(q, /\| where MatchedIndicator in \(ioc_domains\)/);
});

test('queries carry a header comment and the lookback parameter', () => {
  const q = renderHuntKql(planHunts(seedIndicators()).hunts[0], { ...sentinel, lookback: '7d' });
  const tree = parseKqlTree(q);
  assert.match(tree.comments[0], /Nanocore RAT IOC addresses contacted in CommonSecurityLog/);
  assert.match(
    tree.comments[1],
    /Source: ThreatFox - Nanocore RAT \| Family: Nanocore RAT \| Generated: 2026-11-28 \| Indicators: 3/,
  );
  assert.match(tree.comments.join('\n'), /Flagged: 3 indicators/);
  assert.deepEqual(tree.letNames.slice(0, 1), ['lookback']);
  assert.match(q, /let lookback = 7d;/);
});

const HOSTILE = [
  '"]); DnsEvents | getschema //',
  'it\'s \\ a "quote"',
  'line1\nline2 | take 1',
  '// comment */ /* x',
  '\u202eevil\u2028next',
];

function hostileHunt(value: string): Hunt {
  const hunt = planHunts([indicator('domain', 'theponzu.com')]).hunts.find((h) => h.table === 'DnsEvents')!;
  return {
    ...hunt,
    title: `Family ${value}`,
    family: value,
    purpose: value,
    indicators: [indicator('domain', value, { malware: value })],
  };
}

test('hostile values never change a query: same operators, tables and statements; the value stays one literal', () => {
  const benign = parseKqlTree(renderHuntKql(hostileHunt('benign.example'), sentinel));
  assert.deepEqual(benign.diagnostics, []);
  for (const value of HOSTILE) {
    const q = renderHuntKql(hostileHunt(value), sentinel);
    const tree = parseKqlTree(q);
    assert.deepEqual(tree.diagnostics, [], `${JSON.stringify(value)}\n${q}`);
    assert.deepEqual(tree.queryOperators, benign.queryOperators, JSON.stringify(value));
    assert.deepEqual(tree.tableReferences, benign.tableReferences);
    assert.equal(tree.statementCount, benign.statementCount);
    assert.deepEqual(tree.letNames, benign.letNames);
    assert.ok(tree.stringLiterals.includes(value), `${JSON.stringify(value)} is not one literal`);
    assert.equal(tree.comments.length, benign.comments.length, 'a value ended or added a comment');
  }
});
