import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  type FileDiagnostic,
  platformForPath,
  validateFile,
  validateFileText,
  validatePaths,
} from '../../src/kql/validate.js';

const FILES = 'test/fixtures/kql/files';

function located(diagnostics: FileDiagnostic[]) {
  return diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`);
}

/** The text at a file diagnostic's line:col. */
function textAt(text: string, line: number, column: number, length: number): string {
  return text.split('\n')[line - 1].slice(column - 1, column - 1 + length);
}

test('a .kql file is one query; positions are the file’s own', () => {
  const result = validateFile(join(FILES, 'broken.csl'));
  assert.equal(result.kind, 'kql');
  assert.equal(result.platform, 'sentinel');
  assert.equal(result.queries, 1);
  assert.deepEqual(located(result.diagnostics), ['4:26 KS142']);
  assert.equal(validateFile(join(FILES, 'valid.kql')).diagnostics.length, 0);
});

test('a file of comments only holds no query', () => {
  const result = validateFileText('empty.kql', '// nothing here\n\n', 'kql');
  assert.equal(result.queries, 0);
  assert.deepEqual(result.diagnostics, []);
});

test('platform comes from the path: a defender directory or *.defender.kql', () => {
  assert.equal(platformForPath('out/kql/defender/ips.kql', 'kql'), 'defender');
  assert.equal(platformForPath('C:\\hunts\\Defender\\ips.kql', 'kql'), 'defender');
  assert.equal(platformForPath('hunts/ips.defender.kql', 'kql'), 'defender');
  assert.equal(platformForPath('hunts/defender.kql', 'kql'), 'sentinel');
  assert.equal(platformForPath('out/kql/sentinel/ips.kql', 'kql'), 'sentinel');
  assert.equal(platformForPath('rules/defender/rule.yaml', 'yaml'), 'sentinel', 'YAML is always Sentinel');
  const result = validateFile(join(FILES, 'defender', 'network.kql'));
  assert.equal(result.platform, 'defender');
  assert.deepEqual(located(result.diagnostics), ['2:9 KS142']);
  assert.equal(
    validateFile(join(FILES, 'defender', 'network.kql'), { platform: 'sentinel' }).diagnostics.length,
    0,
  );
});

test('YAML block scalar: diagnostics map back to the file’s line:col', () => {
  const path = join(FILES, 'sentinel', 'hunting', 'broken-columns.yaml');
  const result = validateFile(path);
  assert.equal(result.kind, 'yaml');
  assert.equal(result.queries, 1);
  assert.deepEqual(located(result.diagnostics), ['12:28 KS142', '13:12 KS204']);
  assert.ok(result.diagnostics.every((d) => d.queryPath === 'query'));
  assert.equal(validateFile(join(FILES, 'sentinel', 'hunting', 'dns-domains.yaml')).diagnostics.length, 0);
});

test('YAML position mapping for every scalar style', () => {
  const cases: [string, string][] = [
    ['literal, 4-space indent', 'name: x\nquery: |\n    DnsEvents\n    | where Nmae == 1\n'],
    ['literal with strip chomping and CRLF', 'query: |-\r\n  DnsEvents\r\n  | where Nmae == 1\r\n'],
    ['literal with blank line', 'query: |\n  let a = 1;\n\n  DnsEvents | where Nmae == a\n'],
    ['folded', 'query: >\n  DnsEvents\n  | where Nmae == 1\n'],
    ['plain', 'query: DnsEvents | where Nmae == 1\n'],
    ['single-quoted', "query: 'DnsEvents | where Name == ''x'' or Nmae == 1'\n"],
    ['double-quoted with escapes', 'query: "DnsEvents\\n| where Name == \\"x\\" or Nmae == 1"\n'],
  ];
  for (const [label, text] of cases) {
    const result = validateFileText('q.yaml', text, 'yaml');
    assert.equal(result.diagnostics.length, 1, label);
    const d = result.diagnostics[0];
    assert.equal(
      textAt(text.replace(/\r/g, ''), d.line, d.column, 4),
      'Nmae',
      `${label}: ${d.line}:${d.column}`,
    );
  }
});

test('invalid YAML is an error with its position, not a crash', () => {
  const result = validateFileText('bad.yaml', 'query: |\n  DnsEvents\n bad: [\n', 'yaml');
  assert.equal(result.queries, 0);
  assert.ok(result.diagnostics.length > 0);
  assert.equal(result.diagnostics[0].code, 'YAML');
  assert.equal(result.diagnostics[0].line, 3);
});

test('ARM template: every properties.query, positions inside the JSON string, expressions skipped', () => {
  const result = validateFile(join(FILES, 'arm', 'rules.json'));
  assert.equal(result.kind, 'arm');
  assert.equal(result.queries, 2, "the '[variables(...)]' query is an ARM expression, not KQL");
  assert.deepEqual(located(result.diagnostics), ['24:84 KS142']);
  assert.equal(result.diagnostics[0].queryPath, 'resources[1].properties.query');
});

test('ARM nested templates and broken JSON', () => {
  const nested = JSON.stringify(
    {
      resources: [
        {
          properties: {
            mainTemplate: { resources: [{ properties: { query: 'DnsEvents\n| take 1\n| project Nmae' } }] },
          },
        },
      ],
    },
    null,
    2,
  );
  const result = validateFileText('nested.json', nested, 'arm');
  assert.equal(result.queries, 1);
  assert.equal(
    result.diagnostics[0].queryPath,
    'resources[0].properties.mainTemplate.resources[0].properties.query',
  );
  const d = result.diagnostics[0];
  assert.equal(textAt(nested, d.line, d.column, 4), 'Nmae');

  const broken = validateFileText('broken.json', '{ "properties": { "query": "DnsEvents" ', 'arm');
  assert.equal(broken.diagnostics[0].code, 'JSON');
  assert.match(broken.diagnostics[0].message, /invalid JSON/);
});

test('a directory is walked recursively; files without queries are skipped', () => {
  const report = validatePaths([FILES]);
  const names = report.files.map((f) => f.path.slice(FILES.length + 1)).sort();
  assert.deepEqual(names, [
    'arm/rules.json',
    'broken.csl',
    'defender/network.kql',
    'sentinel/hunting/broken-columns.yaml',
    'sentinel/hunting/dns-domains.yaml',
    'valid.kql',
  ]);
  assert.deepEqual(report.summary, { files: 6, queries: 7, errors: 5, warnings: 0 });
  assert.deepEqual(report.unreadable, []);
});

test('an explicitly named .txt file is validated; a missing path is unreadable, not thrown', () => {
  const report = validatePaths([join(FILES, 'other', 'notes.txt'), join(FILES, 'missing.kql')]);
  assert.equal(report.files.length, 1);
  assert.ok(report.files[0].diagnostics.length > 0, 'prose is not KQL');
  assert.deepEqual(report.unreadable, [
    { path: join(FILES, 'missing.kql'), reason: 'no such file or directory' },
  ]);
});
