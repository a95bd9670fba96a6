import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { YamlFileError } from '../../src/config/yaml.js';
import { compileConditionSql, sqlString } from '../../src/engine/sql/condition.js';
import { describeExclusion, exclusionApplies, mergeExclusions } from '../../src/hunts/exclusions.js';
import {
  iocScenarios,
  loadIocScenarioFile,
  mergeLists,
  parseScenarioFile,
} from '../../src/hunts/scenarios.js';
import type { Exclusion } from '../../src/hunts/types.js';
import { validateKql } from '../../src/kql/validate.js';
import { compileExclusionsKql } from '../../src/render/kql/condition.js';

test('the IOC scenario file lists the five scenarios and a sourced sinkhole list', () => {
  const file = loadIocScenarioFile();
  assert.deepEqual(
    file.scenarios.map((s) => s.id),
    [
      'shared-infrastructure',
      'sinkholed-domain',
      'security-tooling',
      'browser-prefetch',
      'internal-resolver-or-proxy',
    ],
  );
  assert.ok(file.lists.sinkholeIps.length >= 90);
  assert.ok(file.lists.sinkholeIps.includes('146.112.61.104'));
});

test('ip hunts get the shared-infrastructure handling (port, flag, dns-then-connect) and no blanket exclusion', () => {
  const { scenarios, exclusions } = iocScenarios(['ip']);
  const cdn = scenarios.find((s) => s.id === 'ioc.shared-infrastructure');
  assert.ok(cdn);
  assert.match(cdn.handling, /port/);
  assert.match(cdn.handling, /dns-then-connect/);
  assert.match(cdn.handling, /flag/);
  assert.deepEqual(cdn.exclusionIds, []);
  assert.ok(!scenarios.some((s) => s.id === 'ioc.sinkholed-domain'));
  // site-specific exclusions stay inactive until their lists are filled
  assert.deepEqual(exclusions, []);
});

test('domain hunts exclude DnsEvents answers that are a known sinkhole, in valid KQL', () => {
  const { scenarios, exclusions } = iocScenarios(['domain']);
  const sinkhole = exclusions.find((e) => e.id === 'ioc.sinkhole-answer');
  assert.ok(sinkhole);
  assert.equal(sinkhole.origin, 'scenario:sinkholed-domain');
  assert.deepEqual(scenarios.find((s) => s.id === 'ioc.sinkholed-domain')?.exclusionIds, [
    'ioc.sinkhole-answer',
  ]);
  const dns = compileExclusionsKql(exclusions, 'DnsEvents', 'domain');
  assert.deepEqual(dns.applied, ['ioc.sinkhole-answer']);
  assert.match(
    dns.lines[0],
    /^\| where not\(coalesce\(ipv4_is_in_any_range\(trim_start\("::ffff:", IPAddresses\), dynamic\(\["104\.155\.11\.149\/32", /,
  );
  assert.deepEqual(validateKql(`DnsEvents\n${dns.lines.join('\n')}`), []);
  // scoped to DnsEvents: no note or skip on other tables
  const network = compileExclusionsKql(exclusions, 'DeviceNetworkEvents', 'domain');
  assert.deepEqual([network.applied, network.skipped], [[], []]);
});

test('the sinkhole exclusion drops single sinkhole answers only (DuckDB)', async () => {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    await connection.run('CREATE TABLE DnsEvents (Name VARCHAR, IPAddresses VARCHAR)');
    const rows = [
      ['sinkholed.example', '146.112.61.104'],
      ['range.example', '143.215.130.77'],
      ['live.example', '198.51.100.7'],
      ['mixed.example', '146.112.61.104,198.51.100.7'],
      ['nxdomain.example', ''],
    ];
    for (const row of rows)
      await connection.run(`INSERT INTO DnsEvents VALUES (${row.map(sqlString).join(', ')})`);
    const sinkhole = iocScenarios(['domain']).exclusions.find((e) => e.id === 'ioc.sinkhole-answer')!;
    const { sql } = compileConditionSql(sinkhole.condition, 'DnsEvents');
    const kept = await connection.runAndReadAll(
      `SELECT Name FROM DnsEvents WHERE NOT (${sql}) ORDER BY Name`,
    );
    assert.deepEqual(
      kept.getRowObjects().map((r) => r.Name),
      ['live.example', 'mixed.example', 'nxdomain.example'],
    );
  } finally {
    connection.closeSync();
  }
});

test('resolver, proxy, security-tool and browser exclusions activate from huntforge.yaml lists', () => {
  const { exclusions, scenarios } = iocScenarios(['domain', 'url', 'ip', 'dns-then-connect'], {
    lists: {
      resolverIps: ['10.0.0.53'],
      securityToolHosts: ['sandbox01'],
      prefetchBrowsers: ['chrome.exe'],
      sinkholeIps: ['192.0.2.66'],
    },
  });
  assert.deepEqual(
    exclusions.map((e) => e.id),
    ['ioc.sinkhole-answer', 'ioc.security-tooling', 'ioc.browser-prefetch', 'ioc.internal-resolver-or-proxy'],
  );
  // the user's sinkholes add to the shipped ones
  const sinkhole = exclusions[0].condition;
  assert.ok('values' in sinkhole && sinkhole.values.includes('192.0.2.66') && sinkhole.values.length > 90);
  // an any() with only some lists filled keeps just those branches
  assert.deepEqual(exclusions[1].condition, { field: 'host', operator: 'equals', values: ['sandbox01'] });
  assert.deepEqual(exclusions[3].condition, { field: 'srcIp', operator: 'cidr', values: ['10.0.0.53'] });
  assert.match(scenarios.find((s) => s.id === 'ioc.internal-resolver-or-proxy')!.handling, /Filter applied/);

  for (const table of ['DnsEvents', 'DeviceNetworkEvents', 'CommonSecurityLog']) {
    const compiled = compileExclusionsKql(exclusions, table, 'domain');
    assert.deepEqual(validateKql([table, ...compiled.lines].join('\n')), [], table);
  }
  const dns = compileExclusionsKql(exclusions, 'DnsEvents', 'domain');
  assert.deepEqual(dns.applied, [
    'ioc.sinkhole-answer',
    'ioc.security-tooling',
    'ioc.internal-resolver-or-proxy',
  ]);
  assert.deepEqual(
    dns.skipped.map((s) => s.exclusionId),
    ['ioc.browser-prefetch'],
  );
  assert.match(dns.skipped[0].reason, /DnsEvents has no column for logical field 'process'/);
});

test('scope: kinds and tables must both hold; merge lets a later exclusion replace an earlier one', () => {
  const make = (id: string, scope: string[], value = 'x'): Exclusion => ({
    id,
    reason: 'r',
    scope,
    condition: { field: 'host', operator: 'equals', values: [value] },
    origin: 'test',
  });
  assert.equal(exclusionApplies(make('a', []), 'ip', 'DnsEvents'), true);
  assert.equal(exclusionApplies(make('a', ['domain', 'DnsEvents']), 'domain', 'DnsEvents'), true);
  assert.equal(exclusionApplies(make('a', ['domain', 'DnsEvents']), 'ip', 'DnsEvents'), false);
  assert.equal(exclusionApplies(make('a', ['domain', 'DnsEvents']), 'domain', 'DeviceNetworkEvents'), false);
  assert.equal(
    exclusionApplies(make('a', ['DnsEvents', 'CommonSecurityLog']), 'url', 'CommonSecurityLog'),
    true,
  );
  const merged = mergeExclusions([make('a', []), make('b', [])], [make('a', [], 'user')]);
  assert.deepEqual(
    merged.map((e) => [e.id, e.condition]),
    [
      ['a', { field: 'host', operator: 'equals', values: ['user'] }],
      ['b', { field: 'host', operator: 'equals', values: ['x'] }],
    ],
  );
  assert.equal(describeExclusion(make('a', [])), 'a: exclude host equals "x" — r [test]');
  // report text: paths stay readable, quotes and line breaks cannot break the line
  assert.equal(
    describeExclusion(make('p', [], 'C:\\Windows\\x.exe')),
    'p: exclude host equals "C:\\Windows\\x.exe" — r [test]',
  );
  assert.equal(describeExclusion(make('q', [], 'a"\nb')), 'q: exclude host equals "a\\"\\u000ab" — r [test]');
  assert.deepEqual(mergeLists({ a: ['1', '2'] }, { a: ['2', '3'], b: ['x'] }), {
    a: ['1', '2', '3'],
    b: ['x'],
  });
});

test('an invalid scenario file is rejected with file:line', () => {
  const text =
    'source: s\nscenarios:\n  - id: x\n    title: t\n    description: d\n    handling: h\n    kinds: [dns]\n';
  assert.throws(
    () => parseScenarioFile(text, 'scenarios/bad.yaml'),
    (error: YamlFileError) => {
      assert.match(
        error.message,
        /^scenarios\/bad\.yaml:7: scenarios\[0\]\.kinds: unknown hunt kind 'dns' \(allowed: ip, domain, url, hash, dns-then-connect, behaviour\)$/,
      );
      return error instanceof YamlFileError;
    },
  );
});
