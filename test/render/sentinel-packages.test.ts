import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { generateFromIndicators } from '../../src/generate/generate.js';
import type { Indicator } from '../../src/intel/types.js';
import { validateKql } from '../../src/kql/validate.js';
import {
  analyticsRuleProblems,
  huntingQueryProblems,
  MAX_RULE_QUERY_LENGTH,
} from '../../src/render/sentinel/constraints.js';
import { analyticsRuleYaml, huntingQueryYaml } from '../../src/render/sentinel/yaml.js';
import { indicator, seedIndicators } from '../support/indicators.js';

const now = new Date('2026-11-28T00:00:00Z');
const read = (indicators: Indicator[]) => ({ indicators, rejected: [], errors: [] });

test('every hunting query and analytics rule for the seed meets the repository constraints', () => {
  const result = generateFromIndicators(read(seedIndicators()), { now });
  // 10 IOC hunts, the lookup-then-connect correlation, 11 Nanocore behaviour hunts
  assert.equal(result.huntingQueries.length, 22);
  assert.equal(result.rules.length, 22);
  for (const { query } of result.huntingQueries)
    assert.deepEqual(huntingQueryProblems(query), [], query.name);
  for (const { rule } of result.rules) assert.deepEqual(analyticsRuleProblems(rule), [], rule.name);
});

test('the YAML round-trips to the Azure-Sentinel field layout', () => {
  const result = generateFromIndicators(read(seedIndicators()), { now, lookback: '7d' });
  const rule = result.rules.find((r) => r.rule.name.includes('DnsEvents'))!.rule;
  const doc = parse(analyticsRuleYaml(rule));
  assert.deepEqual(Object.keys(doc), [
    'id',
    'name',
    'description',
    'severity',
    'requiredDataConnectors',
    'queryFrequency',
    'queryPeriod',
    'triggerOperator',
    'triggerThreshold',
    'tactics',
    'relevantTechniques',
    'query',
    'entityMappings',
    'eventGroupingSettings',
    'alertDetailsOverride',
    'version',
    'kind',
  ]);
  assert.equal(doc.kind, 'Scheduled');
  assert.equal(doc.queryPeriod, '7d');
  assert.equal(doc.queryFrequency, '1h');
  assert.deepEqual(doc.requiredDataConnectors, [{ connectorId: 'DNS', dataTypes: ['DnsEvents'] }]);
  assert.equal(doc.query, rule.query);
  assert.deepEqual(validateKql(doc.query), []);
  const hunting = parse(huntingQueryYaml(result.huntingQueries[0].query));
  assert.equal(hunting.kind, undefined);
  assert.equal(hunting.severity, undefined);
  assert.ok(hunting.requiredDataConnectors.length > 0);
});

test('no line separator reaches the YAML: YAML 1.1 parsers end a line at U+0085, U+2028 and U+2029', () => {
  const family = 'Evil\u2028- injected: 1\u2029x\u0085y';
  const result = generateFromIndicators(
    read([indicator('domain', 'evil.example.com', { malware: family, tags: [family] })]),
    { now },
  );
  const files = [
    ...result.rules.map(({ rule }) => analyticsRuleYaml(rule)),
    ...result.huntingQueries.map(({ query }) => huntingQueryYaml(query)),
  ];
  let named = 0;
  for (const text of files) {
    assert.doesNotMatch(text, /[\u0085\u2028\u2029]/);
    const doc = parse(text);
    assert.equal(doc.injected, undefined);
    assert.deepEqual(validateKql(doc.query), []);
    if (doc.description.includes('Evil - injected: 1 x y')) named += 1;
  }
  assert.ok(named >= 2, 'the IOC hunts name the family, its separators as spaces');
});

test('constraint checks catch what the repository rejects', () => {
  const result = generateFromIndicators(read(seedIndicators()), { now });
  const rule = result.rules[0].rule;
  assert.match(analyticsRuleProblems({ ...rule, id: 'not-a-guid' }).join(), /GUID/);
  assert.match(analyticsRuleProblems({ ...rule, tactics: ['Command and Control'] }).join(), /tactic/);
  assert.match(analyticsRuleProblems({ ...rule, queryPeriod: '15d' }).join(), /queryPeriod outside/);
  assert.match(analyticsRuleProblems({ ...rule, queryFrequency: '30m', queryPeriod: '2d' }).join(), /≥ 1h/);
  assert.match(analyticsRuleProblems({ ...rule, query: 'x'.repeat(10_001) }).join(), /max 10000/);
  assert.match(
    analyticsRuleProblems({
      ...rule,
      entityMappings: [{ entityType: 'IP', fieldMappings: [{ identifier: 'Ip', columnName: 'x' }] }],
    }).join(),
    /no identifier Ip/,
  );
  assert.match(
    analyticsRuleProblems({
      ...rule,
      requiredDataConnectors: [{ connectorId: 'Nope', dataTypes: ['X'] }],
    }).join(),
    /unknown connectorId/,
  );
});

test('the ARM template deploys every rule with ISO durations and stable names', () => {
  const result = generateFromIndicators(read(seedIndicators()), { now });
  const arm = result.arm.template as {
    resources: { name: string; kind: string; properties: Record<string, unknown> }[];
  };
  assert.equal(arm.resources.length, result.rules.length);
  for (const [i, resource] of arm.resources.entries()) {
    assert.equal(resource.kind, 'Scheduled');
    assert.ok(resource.name.endsWith(`'${result.rules[i].rule.id}')]`));
    assert.equal(resource.properties.queryFrequency, 'PT1H');
    assert.equal(resource.properties.queryPeriod, 'P14D');
    assert.equal(resource.properties.triggerOperator, 'GreaterThan');
    assert.equal(resource.properties.query, result.rules[i].rule.query);
  }
});

function manyDomains(n: number): Indicator[] {
  return Array.from({ length: n }, (_, i) =>
    indicator('domain', `c2-node-${i.toString(36)}.example-bad.com`),
  );
}

test('analytics rules switch from inline to split rules to a watchlist as the indicator list grows', () => {
  const small = generateFromIndicators(read(manyDomains(20)), { now, tables: ['DnsEvents'] });
  assert.equal(small.deliveries.get(small.plan.hunts[0].id), 'inline');
  assert.equal(small.rules.length, 1);

  const medium = generateFromIndicators(read(manyDomains(900)), { now, tables: ['DnsEvents'] });
  assert.equal(medium.deliveries.get(medium.plan.hunts[0].id), 'split');
  assert.ok(medium.rules.length > 1);
  const covered = new Set<string>();
  for (const { rule } of medium.rules) {
    assert.ok(rule.query.length <= MAX_RULE_QUERY_LENGTH, `${rule.query.length}`);
    assert.deepEqual(analyticsRuleProblems(rule), []);
    for (const m of rule.query.matchAll(/"(c2-node-[^"]+)"/g)) covered.add(m[1]);
  }
  assert.equal(covered.size, 900, 'split rules together cover every indicator');
  assert.equal(new Set(medium.rules.map((r) => r.rule.id)).size, medium.rules.length);

  const large = generateFromIndicators(read(manyDomains(12_000)), { now, tables: ['DnsEvents'] });
  assert.equal(large.deliveries.get(large.plan.hunts[0].id), 'watchlist');
  assert.equal(large.rules.length, 1);
  const rule = large.rules[0].rule;
  assert.ok(rule.query.length <= MAX_RULE_QUERY_LENGTH);
  assert.match(rule.query, /_GetWatchlist\("hf_nanocore_rat_domain"\)/);
  const code = rule.query
    .split('\n')
    .filter((line) => !line.startsWith('//'))
    .join('\n');
  assert.doesNotMatch(
    code,
    /has_any/,
    'has_any considers only 10,000 values; a watchlist query must not rely on it',
  );
  assert.deepEqual(validateKql(rule.query), []);
  assert.equal(large.watchlists.length, 1);
  assert.equal(large.watchlists[0].rows.length, 12_000);
  assert.equal(large.watchlists[0].rows[0].ListName, 'ioc_domains');
});
