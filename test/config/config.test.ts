import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/index.js';
import { compileExclusionsKql } from '../../src/render/kql/condition.js';

const FIXTURES = 'test/fixtures/config';

async function errorsOf(text: string): Promise<string[]> {
  try {
    parseConfig(text);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message.split('\n');
  }
  assert.fail('expected a ConfigError');
}

test('a valid huntforge.yaml becomes exclusions with their origin line, lists and settings', async () => {
  const config = await loadConfig(`${FIXTURES}/huntforge.yaml`);
  assert.ok(config);
  assert.equal(config.lookback, '14d');
  assert.deepEqual(config.threatfox, { authKey: 'test-key-not-real' });
  assert.deepEqual(config.lists.resolverIps, ['10.0.0.53', '10.0.1.53']);
  assert.deepEqual(
    config.exclusions.map((e) => [e.id, e.origin]),
    [
      ['dns-sinkhole', `${FIXTURES}/huntforge.yaml:9`],
      ['scanners', `${FIXTURES}/huntforge.yaml:14`],
      ['resolvers', `${FIXTURES}/huntforge.yaml:19`],
      ['ports', `${FIXTURES}/huntforge.yaml:23`],
    ],
  );
  const sinkhole = config.exclusions[0];
  assert.deepEqual(sinkhole.scope, ['domain', 'DnsEvents']);
  assert.deepEqual(sinkhole.condition, { field: 'host', operator: 'equals', values: ['ws01.corp.local'] });
  // cidr values are normalised: a bare address becomes a /32
  assert.deepEqual(config.exclusions[1].condition, {
    any: [
      { field: 'srcIp', operator: 'cidr', values: ['10.9.0.0/24', '2001:db8::/48', '192.0.2.7/32'] },
      { field: 'process', operator: 'equals', values: ['nessusd.exe'] },
    ],
  });
  // { list: name } takes the values of lists.name; numbers are accepted as text
  assert.deepEqual(config.exclusions[2].condition, {
    field: 'srcIp',
    operator: 'cidr',
    values: ['10.0.0.53', '10.0.1.53'],
  });
  assert.deepEqual(config.exclusions[3].condition, {
    all: [
      { field: 'dstPort', operator: 'equals', values: ['8080', '8443'] },
      { not: { field: 'DnsEvents.Computer', operator: 'regex', values: ['(?i)^dc\\d+$'] } },
    ],
  });
});

test('every problem in a file is reported with file:line, what is wrong and what is allowed', async () => {
  await assert.rejects(loadConfig(`${FIXTURES}/errors.yaml`), (error: Error) => {
    const lines = error.message.split('\n');
    const expected = [
      /^test\/fixtures\/config\/errors\.yaml:5: exclusions\[0\]\.equals: expected a list of strings .*\(allowed operators: equals, startswith, endswith, contains, cidr, regex\)$/,
      /:8: exclusions\[1\]\.field: unknown field 'hots' \(allowed: time, host, .* or Table\.Column such as DnsEvents\.Computer\)$/,
      /:13: exclusions\[2\]\.cidr\[0\]: '10\.0\.0\.0\/33' is not an IP address or CIDR range$/,
      /:17: exclusions\[3\]\.regex\[0\]: regex 'a\(\?=b\)': lookaround .* not supported by RE2$/,
      /:18: exclusions\[4\]: only one operator per condition, found equals and contains/,
      /:27: exclusions\[5\]\.scope\[0\]: unknown scope 'domian' \(allowed: hunt kinds ip, domain, url, hash, dns-then-connect, behaviour, or a table: .*DnsEvents/,
      /:28: exclusions\[6\]: field needs one operator \(allowed operators: /,
      /:31: exclusions\[6\]\.equal: unknown key \(allowed keys: id, reason, scope, field, equals, startswith, endswith, contains, cidr, regex, all, any, not\)$/,
      /:32: exclusions\[7\]: missing id/,
      /:38: exclusions\[8\]\.equals\.list: unknown list 'nope' \(lists defined: none\)$/,
      /:41: exclusions\[9\]\.field: DnsEvents has no column 'Computr'$/,
      /:47: exclusions\[11\]\.id: duplicate id 'dns-sinkhole' \(first used on line 43\)$/,
      /:53: exclusions\[12\]\.any: expected a non-empty list of conditions$/,
      /:54: lookback: 'two weeks' is not a lookback window \(allowed: a number with m, h or d, e\.g\. 14d\)$/,
      /:55: colour: unknown key \(allowed keys: exclusions, lists, threatfox, lookback\)$/,
    ];
    assert.equal(lines.length, expected.length, error.message);
    for (const [i, pattern] of expected.entries()) assert.match(lines[i], pattern);
    assert.ok(error instanceof ConfigError);
    assert.equal(error.problems[0].line, 5);
    return true;
  });
});

test('smaller mistakes: wrong types, missing reason, empty values, YAML syntax', async () => {
  assert.deepEqual(await errorsOf('exclusions: {}\n'), [
    'huntforge.yaml:1: exclusions: expected a list of exclusions',
  ]);
  assert.deepEqual(await errorsOf('exclusions:\n  - id: a\n    field: host\n    equals: []\n'), [
    'huntforge.yaml:2: exclusions[0]: missing reason (why these rows are not worth reporting)',
    'huntforge.yaml:4: exclusions[0].equals: expected at least one value',
  ]);
  assert.deepEqual(
    await errorsOf('exclusions:\n  - id: a\n    reason: r\n    field: host\n    equals: [[x]]\n'),
    [
      'huntforge.yaml:5: exclusions[0].equals[0]: expected a string or { list: <name> } (allowed operators: equals, startswith, endswith, contains, cidr, regex)',
    ],
  );
  assert.deepEqual(await errorsOf('exclusions:\n  - id: a\n    reason: r\n    not: { field: host }\n'), [
    'huntforge.yaml:4: exclusions[0].not: field needs one operator (allowed operators: equals, startswith, endswith, contains, cidr, regex)',
  ]);
  assert.deepEqual(
    await errorsOf('exclusions:\n  - id: a b\n    reason: r\n    field: host\n    equals: [x]\n'),
    ["huntforge.yaml:2: exclusions[0].id: 'a b' is not a valid id (letters, digits, '.', '_', '-')"],
  );
  const syntax = await errorsOf('exclusions:\n  - id: a\n   reason: [\n');
  assert.equal(syntax.length >= 1, true);
  assert.match(syntax[0], /^huntforge\.yaml:\d+: YAML: /);
  assert.deepEqual(await errorsOf('lookback: 14d\nlookback: 7d\n').then((l) => l.length), 1);
  assert.deepEqual(await errorsOf('threatfox:\n  token: x\n'), [
    'huntforge.yaml:2: threatfox.token: unknown key (allowed keys: authKey)',
  ]);
});

test('lists: a list nothing reads is a typo, and values must suit the operator reading them', async () => {
  const lines = await errorsOf(
    [
      'lists:',
      '  resolverIP: [10.0.0.53]',
      '  resolverIps: [10.0.0.53, 10.0.0.300]',
      '  buildHosts: [build01]',
      'exclusions:',
      '  - id: builds',
      '    reason: CI',
      '    field: host',
      '    equals: { list: buildHosts }',
      '',
    ].join('\n'),
  );
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(
    lines[0],
    /^huntforge\.yaml:2: lists\.resolverIP: no exclusion reads this list \(lists huntforge reads: .*resolverIps/,
  );
  assert.equal(
    lines[1],
    "huntforge.yaml:3: lists.resolverIps[1]: '10.0.0.300' is not an IP address or CIDR range (the list is read with cidr)",
  );
});

test('an empty file is an empty config', () => {
  assert.deepEqual(parseConfig(''), { path: 'huntforge.yaml', exclusions: [], lists: {} });
  assert.deepEqual(parseConfig('# nothing yet\n'), { path: 'huntforge.yaml', exclusions: [], lists: {} });
});

test('loadConfig finds huntforge.yaml in the working directory, or returns null; --config must exist', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'huntforge-config-'));
  try {
    assert.equal(await loadConfig(undefined, dir), null);
    await copyFile(`${FIXTURES}/huntforge.yaml`, join(dir, 'huntforge.yaml'));
    const found = await loadConfig(undefined, dir);
    assert.equal(found?.path, 'huntforge.yaml');
    assert.equal(found?.exclusions[0].origin, 'huntforge.yaml:9');
    await writeFile(
      join(dir, 'other.yaml'),
      'exclusions:\n  - id: x\n    reason: r\n    field: hots\n    equals: [a]\n',
    );
    await assert.rejects(
      loadConfig('other.yaml', dir),
      /^YamlFileError: other\.yaml:4: exclusions\[0\]\.field: unknown field 'hots'/m,
    );
    await assert.rejects(loadConfig('missing.yaml', dir), /missing\.yaml: config file not found/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a huntforge.yaml exclusion changes the generated KQL', () => {
  const config = parseConfig(
    'exclusions:\n  - id: build-server\n    reason: CI runs schtasks\n    field: host\n    equals: [build01]\n    scope: [behaviour]\n',
  );
  const behaviour = compileExclusionsKql(config.exclusions, 'DeviceProcessEvents', 'behaviour');
  assert.deepEqual(behaviour.lines, ['| where not(DeviceName =~ "build01")']);
  assert.deepEqual(compileExclusionsKql(config.exclusions, 'DeviceProcessEvents', 'domain').lines, []);
});
