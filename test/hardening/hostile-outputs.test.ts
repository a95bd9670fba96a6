/**
 * One hostile set through every output. Each value goes in as an indicator value, a family name, a
 * tag and a host name; every output is rendered once with the hostile value and once with a benign
 * one, and the two must have the same structure:
 * - KQL (Sentinel and Defender): Microsoft's parser finds no error and the same operators, tables,
 *   functions, lets, statements and comment lines;
 * - every target of src/render/targets: the same query structure outside string literals (SPL,
 *   ES|QL), the same rules and options (Suricata), the same YAML/JSON shape (Sigma, STIX, MISP), the
 *   same rows and columns (Zeek intel, watchlist CSV), and STIX patterns that parse back to the value;
 * - the Markdown report: the same tables with the same column count on every row, headings and fences;
 * - the HTML report: the same sequence of elements (no value opens one);
 * - findings CSV: csv-parse reads back the same cells, with = + - @ cells neutralised.
 * Prints the count of hostile values × outputs (figure in RELIABILITY.md).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import type { Finding } from '../../src/engine/types.js';
import { generateFromIndicators } from '../../src/generate/generate.js';
import { planHunts } from '../../src/hunts/plan.js';
import type { Hunt } from '../../src/hunts/types.js';
import { parsePattern } from '../../src/intel/readers/stix-pattern.js';
import type { Indicator } from '../../src/intel/types.js';
import { parseKqlTree } from '../../src/kql/syntax.js';
import { canRender, renderHuntKql } from '../../src/render/kql/hunt.js';
import { renderTarget, TARGETS } from '../../src/render/targets/index.js';
import { FINDINGS_CSV_HEADER, findingsCsv, summarizeFindings } from '../../src/report/findings.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { scanEsql, scanSpl } from '../render/targets-query-strings.js';
import { parseRulesFile } from '../render/targets-suricata-grammar.js';
import { indicator } from '../support/indicators.js';

const NOW = new Date('2026-11-28T00:00:00Z');
const BENIGN = 'benign-value';

export const HOSTILE: Record<string, string> = {
  'single quote': `it's`,
  'double quotes': `say "hi"`,
  'other quotes': 'back`tick` ‘curly’ “double” «guillemets» ＂fullwidth＂',
  backslashes: 'C:\\Windows\\System32\\',
  'trailing backslash': 'trailing\\',
  newlines: 'line1\nline2\r\nline3',
  pipe: 'x | where 1 == 1 | take 1',
  'line comment': '// comment',
  'block comment': '/* open comment',
  semicolons: 'a; drop table x; --',
  'command substitution': '$(rm -rf /) `id`',
  'script tag': '<script>alert(1)</script>',
  'formula (DDE)': "=cmd|' /C calc'!A0",
  'formula (+ - @)': '+SUM(1)-2@A1',
  '20 KB value': `${'a'.repeat(20 * 1024)}.example.com`,
  'right-to-left mark': 'evil\u202Egpj.exe',
  'punycode homoglyph': 'xn--pple-43d.com',
  'Cyrillic homoglyph': 'аpple.com',
};

let tried = 0;
const outputsTried = new Set<string>();
function tally(output: string): void {
  tried += 1;
  outputsTried.add(output);
}
after(() => {
  console.log(
    `hostile values × outputs: ${Object.keys(HOSTILE).length} values × ${outputsTried.size} outputs = ${tried} renders checked against a benign twin (${[...outputsTried].join(', ')})`,
  );
});

/** Indicators carrying the value as domain, URL path, family, alias and tag. */
function indicatorsFor(value: string): Indicator[] {
  const common = { malware: value, malwareAliases: [value], tags: [value] };
  return [
    indicator('domain', value, common),
    indicator('url', `http://evil-gate.com/${value}`, { ...common, host: 'evil-gate.com' }),
    indicator('ipv4', '198.51.100.7', { ...common, port: 443 }),
    indicator('sha256', 'a'.repeat(64), common),
  ];
}

function huntsFor(value: string): Hunt[] {
  return planHunts(indicatorsFor(value)).hunts;
}

function findingsFor(value: string): Finding[] {
  return [
    {
      huntId: 'h1',
      table: 'DnsEvents',
      indicator: value,
      indicatorType: 'domain',
      indicatorPort: null,
      flags: [{ list: value, category: 'benign', reason: value }],
      timestamp: '2026-04-25T10:00:00Z',
      host: value,
      user: value,
      process: value,
      row: { Name: value, Computer: value },
    },
  ];
}

/** A JSON-like value's shape: every string leaf becomes 'S'. */
function shape(value: unknown): unknown {
  if (typeof value === 'string') return 'S';
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  return value;
}

type Shaper = (files: { path: string; content: string }[]) => unknown;

/** Structure of each target's files, blind to literal contents. */
const TARGET_SHAPES: Record<string, Shaper> = {
  sigma: (files) => files.map((f) => shape(parseYaml(f.content))),
  spl: (files) => files.map((f) => scanSpl(f.content).structure),
  esql: (files) =>
    files.map((f) =>
      f.path.endsWith('.ndjson')
        ? f.content
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => shape(JSON.parse(l)))
        : scanEsql(f.content).structure,
    ),
  suricata: (files) =>
    files.map((f) =>
      f.path.endsWith('.rules')
        ? parseRulesFile(f.content).map((r) => Object.keys(r).length)
        : f.content.split('\n').length,
    ),
  zeek: (files) =>
    files.flatMap((f) =>
      f.content
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => l.split('\t').length),
    ),
  stix: (files) =>
    files.map((f) => {
      const doc = JSON.parse(f.content) as { objects?: { type: string; pattern?: string }[] };
      // every pattern must still parse (the value stays inside its literal)
      for (const o of doc.objects ?? []) if (o.pattern) parsePattern(o.pattern);
      return shape(doc);
    }),
  misp: (files) => files.map((f) => shape(JSON.parse(f.content))),
  watchlist: (files) =>
    files.map((f) =>
      f.path.endsWith('.csv')
        ? (parseCsv(f.content, { relax_column_count: false }) as string[][]).map((r) => r.length)
        : f.content.length > 0,
    ),
};

/** The Markdown report's structure: headings, fences, and each table's rows with their cell counts. */
function markdownShape(md: string): unknown {
  const out: string[] = [];
  let inFence = false;
  for (const line of md.split('\n')) {
    if (line.startsWith('```')) {
      inFence = !inFence;
      out.push('fence');
    } else if (inFence) continue;
    else if (line.startsWith('#')) out.push(`heading ${/^#+/.exec(line)![0]}`);
    else if (line.startsWith('|')) out.push(`row ${line.split(/(?<!\\)\|/).length}`);
  }
  return out;
}

/** Every element the page opens, in order. */
function htmlElements(page: string): string[] {
  return [...page.matchAll(/<\/?([A-Za-z][A-Za-z0-9-]*)/g)].map((m) => m[0]);
}

interface Output {
  name: string;
  /** Structure of the output for a value; equal for the benign and the hostile value. */
  structure(value: string): unknown;
  /** Extra checks on the hostile rendering. */
  check?(value: string): void;
}

const OUTPUTS: Output[] = [
  ...(['sentinel', 'defender'] as const).map(
    (platform): Output => ({
      name: `KQL ${platform}`,
      structure(value) {
        // one hunt of each kind: the parser is the slow part, and hunts of a kind share their quoting
        const seen = new Set<string>();
        return huntsFor(value)
          .filter((h) => canRender(h, platform) && !seen.has(h.kind) && seen.add(h.kind))
          .map((h) => {
            const kql = renderHuntKql(h, { platform, lookback: '14d', source: value, generated: NOW });
            const tree = parseKqlTree(kql, { platform });
            assert.deepEqual(tree.diagnostics, [], `${h.kind}: ${kql.slice(0, 2000)}`);
            return [
              tree.queryOperators,
              tree.tableReferences,
              tree.functionReferences,
              tree.letNames,
              tree.statementCount,
              tree.comments.length,
            ];
          });
      },
    }),
  ),
  ...TARGETS.map(
    (name): Output => ({
      name,
      structure(value) {
        const output = renderTarget(name, huntsFor(value), {
          source: value,
          author: value,
          generated: NOW,
          suricataSidBase: 2_100_000,
          lookback: '30d',
        });
        return { items: TARGET_SHAPES[name](output.files), notes: output.notes.length };
      },
    }),
  ),
  {
    name: 'report Markdown',
    structure(value) {
      const read = { indicators: indicatorsFor(value), rejected: [], errors: [] };
      return markdownShape(renderMarkdown(generateFromIndicators(read, { now: NOW, source: value }).report));
    },
  },
  {
    name: 'report HTML',
    structure(value) {
      const read = { indicators: indicatorsFor(value), rejected: [], errors: [] };
      const { report } = generateFromIndicators(read, { now: NOW, source: value });
      const findings = findingsFor(value);
      return htmlElements(
        renderHtmlReport(report, findings, summarizeFindings(findings), { warnings: [value] }),
      );
    },
    check(value) {
      const read = { indicators: indicatorsFor(value), rejected: [], errors: [] };
      const { report } = generateFromIndicators(read, { now: NOW, source: value });
      const findings = findingsFor(value);
      const page = renderHtmlReport(report, findings, summarizeFindings(findings));
      if (value.includes('<')) assert.ok(!page.includes(value), 'a value with < is in the page unescaped');
    },
  },
  {
    name: 'findings CSV',
    structure(value) {
      return (parseCsv(findingsCsv(findingsFor(value))) as string[][]).map((r) => r.length);
    },
    check(value) {
      const rows = parseCsv(findingsCsv(findingsFor(value))) as string[][];
      assert.deepEqual(rows[0], FINDINGS_CSV_HEADER);
      const cell = (name: string) => rows[1][FINDINGS_CSV_HEADER.indexOf(name)];
      const neutral = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
      assert.equal(cell('indicator'), neutral);
      assert.equal(cell('host'), neutral);
      assert.equal(cell('user'), neutral);
      assert.equal(cell('process'), neutral);
      for (const c of rows[1]) assert.doesNotMatch(c, /^[=+\-@]/, `formula cell: ${c.slice(0, 80)}`);
      assert.deepEqual(JSON.parse(cell('row')), { Name: value, Computer: value });
    },
  },
];

/**
 * Equal structure; or, for a target that cannot carry a value (SPL has no literal '*' in IN lists, a
 * Zeek intel field no line break), some items left out — each still shaped like a benign one — and a
 * note saying so.
 */
function assertSameStructure(hostile: unknown, benign: unknown): void {
  const h = hostile as { items?: unknown[]; notes?: number };
  const b = benign as { items?: unknown[]; notes?: number };
  if (h?.items && b?.items && h.items.length < b.items.length) {
    const known = new Set(b.items.map((i) => JSON.stringify(i)));
    for (const item of h.items) assert.ok(known.has(JSON.stringify(item)), 'an item changed shape');
    assert.ok((h.notes ?? 0) > (b.notes ?? 0), 'items left out without a note');
    return;
  }
  assert.deepEqual(hostile, benign, 'structure differs from the benign twin');
}

test('every hostile value keeps the structure of every output', () => {
  const failures: string[] = [];
  for (const output of OUTPUTS) {
    const started = Date.now();
    const benign = output.structure(BENIGN);
    for (const [label, value] of Object.entries(HOSTILE)) {
      try {
        assertSameStructure(output.structure(value), benign);
        output.check?.(value);
        tally(output.name);
      } catch (err) {
        failures.push(
          `${output.name} × ${label}: ${(err as Error).message.split('\n').slice(0, 6).join(' ')}`,
        );
      }
    }
    if (process.env.HUNTFORGE_TIMING) console.log(`${output.name}: ${Date.now() - started} ms`);
  }
  assert.deepEqual(failures, []);
});
