import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type KqlTree, parseKqlTree } from '../../src/kql/syntax.js';
import { kqlComment, kqlDynamicStrings, kqlString } from '../../src/render/kql/literal.js';

/** A hunt-shaped query with a value in a comment, a dynamic list and a comparison. */
function render(value: string, quote: (v: string) => string = kqlString): string {
  return [
    `// Family: ${kqlComment(value)}`,
    `let iocs = ${kqlDynamicStrings([value, 'theponzu.com'])};`,
    'DnsEvents',
    '| where TimeGenerated > ago(14d)',
    `| where Name has_any (iocs) or Name == ${quote(value)}`,
    '| project TimeGenerated, Computer, Name',
    '| order by TimeGenerated desc',
  ].join('\n');
}

/** Everything but the literals themselves: what a hostile value must not change. */
function structure(tree: KqlTree) {
  return {
    errors: tree.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code),
    tables: tree.tableReferences,
    functions: tree.functionReferences,
    operators: tree.queryOperators,
    lets: tree.letNames,
    statements: tree.statementCount,
    literalCount: tree.stringLiterals.length,
    commentCount: tree.comments.length,
  };
}

const HOSTILE = [
  '"]); DnsEvents | getschema //',
  "']); DnsEvents | getschema //",
  'line one\nDnsEvents | getschema',
  'carriage\r\nreturn | take 1',
  'back\\slash\\',
  '\\"; DnsEvents',
  'pipe | where 1 == 1',
  '// not a comment',
  '/* not a comment */',
  'semi; DnsEvents | take 1',
  'h"hidden" @"verbatim"',
  'tab\tand\u0000nul\u001f',
  'line\u2028separator\u2029paragraph\u0085next',
  'emoji 🦠 and é',
  '',
];

test('a benign query parses into the expected tree', () => {
  const tree = parseKqlTree(render('airtellwireless.it.com'));
  assert.deepEqual(tree.diagnostics, []);
  assert.deepEqual(tree.tableReferences, ['DnsEvents']);
  assert.deepEqual(tree.queryOperators, [
    'FilterOperator',
    'FilterOperator',
    'ProjectOperator',
    'SortOperator',
  ]);
  assert.deepEqual(tree.letNames, ['iocs']);
  assert.equal(tree.statementCount, 2);
  assert.deepEqual(tree.stringLiterals, ['airtellwireless.it.com', 'theponzu.com', 'airtellwireless.it.com']);
  assert.deepEqual(tree.comments, ['// Family: airtellwireless.it.com']);
});

test('hostile values leave the structure unchanged and survive intact as one literal', () => {
  const benign = structure(parseKqlTree(render('benign.example')));
  for (const value of HOSTILE) {
    const tree = parseKqlTree(render(value));
    assert.deepEqual(structure(tree), benign, JSON.stringify(value));
    assert.equal(tree.stringLiterals[0], value, JSON.stringify(value));
    assert.equal(tree.stringLiterals[2], value, JSON.stringify(value));
  }
});

test('the check catches naive quoting: the injected value changes the tree', () => {
  const naive = (v: string) => `"${v}"`;
  const benign = structure(parseKqlTree(render('benign.example', naive)));
  const injected = parseKqlTree(render('x" or 1 == 1 | getschema | where "', naive));
  assert.notDeepEqual(structure(injected), benign);
  assert.ok(injected.queryOperators.includes('GetSchemaOperator'));
  const broken = parseKqlTree(render('a"b', naive));
  assert.ok(broken.diagnostics.length > 0);
});

test('property: any string keeps the structure and round-trips through kqlString', () => {
  const benign = structure(parseKqlTree(render('benign.example')));
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
      const tree = parseKqlTree(render(value));
      assert.deepEqual(structure(tree), benign);
      assert.equal(tree.stringLiterals[0], value);
    }),
    { numRuns: 150 },
  );
});

test('tree facts: statements, lets, tables, functions, compound literals, bracketed names', () => {
  const tree = parseKqlTree(
    [
      'let a = "p" "q";',
      "let wl = _GetWatchlist('nanocore') | project SearchKey;",
      "DnsEvents | project ['odd name'] = Name | take 1;",
      '_Im_Dns(domain_has_any=dynamic(["x.com"])) | join kind=inner (DnsEvents) on $left.DnsQuery == $right.Name',
    ].join('\n'),
  );
  assert.deepEqual(tree.diagnostics, []);
  assert.equal(tree.statementCount, 4);
  assert.deepEqual(tree.letNames, ['a', 'wl']);
  assert.deepEqual(tree.tableReferences, ['DnsEvents', 'DnsEvents']);
  assert.deepEqual(tree.functionReferences, ['_GetWatchlist', '_Im_Dns']);
  assert.deepEqual(tree.queryOperators, [
    'ProjectOperator',
    'ProjectOperator',
    'TakeOperator',
    'JoinOperator',
  ]);
  // each part of a compound literal separately; the bracketed column name is not a value
  assert.deepEqual(tree.stringLiterals, ['p', 'q', 'nanocore', 'x.com']);
});

test('errors are reported; Defender platform resolves Defender tables only', () => {
  assert.deepEqual(
    parseKqlTree('DnsEvents | where').diagnostics.map((d) => d.code),
    ['KS006'],
  );
  const defender = parseKqlTree('DeviceNetworkEvents | where Timestamp > ago(1d)', { platform: 'defender' });
  assert.deepEqual(defender.diagnostics, []);
  assert.deepEqual(defender.tableReferences, ['DeviceNetworkEvents']);
  assert.deepEqual(
    parseKqlTree('DnsEvents | take 1', { platform: 'defender' }).diagnostics.map((d) => d.code),
    ['KS204'],
  );
});

test('a large string array keeps every literal in the tree', () => {
  const values = Array.from({ length: 3000 }, (_, i) => `ioc-${i}"\\|//\n.example`);
  const tree = parseKqlTree(
    render('benign.example').replace(
      kqlDynamicStrings(['benign.example', 'theponzu.com']),
      kqlDynamicStrings(values),
    ),
  );
  assert.deepEqual(tree.diagnostics, []);
  assert.equal(tree.stringLiterals.length, 3001);
  assert.deepEqual(tree.stringLiterals.slice(0, 3000), values);
  assert.deepEqual(tree.tableReferences, ['DnsEvents']);
});
