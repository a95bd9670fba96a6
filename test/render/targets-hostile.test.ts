import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import type { Hunt } from '../../src/hunts/types.js';
import { parsePattern } from '../../src/intel/readers/stix-pattern.js';
import { renderTarget, TARGETS } from '../../src/render/targets/index.js';
import type { TargetContext, TargetOutput } from '../../src/render/targets/types.js';
import { WATCHLIST_COLUMNS } from '../../src/render/targets/watchlist.js';
import { scanEsql, scanSpl } from './targets-query-strings.js';
import { sigmaUnescape } from './targets-sigma-eval.js';
import { CONTEXT, exclusion, HOSTILE_VALUES, hunt, indicator } from './targets-support.js';
import { parseRulesFile } from './targets-suricata-grammar.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const validateSigma = ajv.compile(
  JSON.parse(readFileSync('data/schemas/sigma-detection-rule-schema.json', 'utf8')),
);
const validateStix = ajv.compile(JSON.parse(readFileSync('data/schemas/stix21-rules.json', 'utf8')));

/** Fragments of the hostile values that must never appear in a query's structure. */
const PAYLOAD_FRAGMENTS = ['rm -rf', '<script>', 'calc', 'search index', 'SUM(1)', '@import', 'line2'];

/** Every place a value from a feed or a profile reaches an output. */
function hostileHunts(value: string): Hunt[] {
  const flag = { list: value, category: 'benign' as const, reason: value };
  const common = { malware: value, threatType: value, tags: [value], flags: [flag] };
  return [
    hunt('domain', [indicator('domain', value, common)], {
      family: value,
      exclusions: [exclusion(value, { field: 'process', operator: 'endswith', values: [value] })],
      falsePositives: [{ id: value, title: value, description: value, handling: value, exclusionIds: [] }],
    }),
    hunt('url', [indicator('url', `http://evil-gate.com/${value}`, common)], { family: value }),
    hunt('behaviour', [], {
      family: value,
      title: value,
      selection: { field: 'commandLine', operator: 'contains', values: [value] },
      exclusions: [exclusion(`${value}-2`, { field: 'user', operator: 'equals', values: [value] })],
    }),
  ];
}

function hostileContext(value: string): TargetContext {
  return { ...CONTEXT, source: value, author: value };
}

function assertNoPayloadInStructure(structure: string, where: string): void {
  for (const fragment of PAYLOAD_FRAGMENTS) {
    assert.ok(!structure.includes(fragment), `${where}: '${fragment}' escaped its literal`);
  }
}

const CHECKS: Record<string, (output: TargetOutput, value: string) => void> = {
  sigma(output, value) {
    assert.ok(output.files.length >= 2);
    for (const file of output.files) {
      const rule = parseYaml(file.content) as Record<string, unknown>;
      assert.ok(validateSigma(rule), `${file.path}: ${ajv.errorsText(validateSigma.errors)}`);
      // Comment lines stay comments: every line is a comment, a key, or indented content.
      for (const line of file.content.split('\n')) assert.match(line, /^(#|[a-z]+:|\s|$)/);
    }
    const domainRule = parseYaml(output.files[0].content) as {
      detection: { selection: { QueryName: string }[] };
    };
    assert.equal(
      sigmaUnescape(domainRule.detection.selection[0].QueryName),
      value.toLowerCase().replace(/\.$/, ''),
    );
  },
  spl(output, value) {
    for (const file of output.files) {
      const { strings, structure } = scanSpl(file.content);
      assertNoPayloadInStructure(structure, file.path);
      if (!value.includes('*') && file.path.includes('domain')) {
        assert.ok(strings.includes(value.toLowerCase().replace(/\.$/, '')), `${file.path} lost the value`);
      }
    }
    if (value.includes('*')) assert.ok(output.notes.some((n) => /wildcard/.test(n.message)));
  },
  esql(output, value) {
    for (const file of output.files.filter((f) => f.path.endsWith('.esql'))) {
      const { strings, structure } = scanEsql(file.content);
      assertNoPayloadInStructure(structure, file.path);
      for (const line of file.content.trimEnd().split('\n')) assert.match(line, /^(\/\/ |FROM |\| | {4}OR )/);
      if (file.path.includes('domain')) assert.ok(strings.includes(value.toLowerCase().replace(/\.$/, '')));
    }
    for (const file of output.files.filter((f) => f.path.endsWith('.ndjson'))) {
      for (const line of file.content.trimEnd().split('\n')) JSON.parse(line);
    }
  },
  suricata(output) {
    const rules = output.files.find((f) => f.path.endsWith('.rules'))!;
    assert.ok(parseRulesFile(rules.content).length >= 4);
  },
  zeek(output) {
    if (output.files.length === 0) {
      assert.ok(output.notes.some((n) => /left out of the Zeek intel file/.test(n.message)));
      return;
    }
    const lines = output.files[0].content.trimEnd().split('\n').slice(1);
    for (const line of lines) assert.equal(line.split('\t').length, 5, JSON.stringify(line));
  },
  stix(output, value) {
    const bundle: { objects: { pattern?: string }[] } = JSON.parse(output.files[0].content);
    assert.ok(validateStix(bundle), ajv.errorsText(validateStix.errors));
    const domain = bundle.objects.find((o) => o.pattern?.startsWith('[domain-name'));
    assert.deepEqual(parsePattern(domain?.pattern ?? '')[0][0][0].values, [value]);
  },
  misp(output, value) {
    const event = JSON.parse(output.files[0].content).Event;
    assert.ok(event.Attribute.some((a: { value: string }) => a.value === value));
    for (const tag of event.Tag) assert.match(tag.name, /^misp-galaxy:malpedia="[^"\n]*"$/);
  },
  watchlist(output, value) {
    const rows: string[][] = parseCsv(output.files[0].content);
    for (const row of rows) assert.equal(row.length, WATCHLIST_COLUMNS.length);
    const domainRow = rows.find((r) => r[1] === 'domain')!;
    assert.equal(domainRow[0], /^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
  },
};

for (const target of TARGETS) {
  test(`hostile values keep the structure of ${target} output`, () => {
    for (const value of HOSTILE_VALUES) {
      const output = renderTarget(target, hostileHunts(value), hostileContext(value));
      assert.equal(output.target, target);
      try {
        CHECKS[target](output, value);
      } catch (error) {
        throw new Error(`${target} with ${JSON.stringify(value.slice(0, 40))}: ${(error as Error).message}`);
      }
    }
  });
}
