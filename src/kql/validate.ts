/**
 * Validation of KQL with Microsoft's parser and semantic analyser (Kusto.Language), for single
 * queries and for the files queries live in: .kql/.csl text, Sentinel YAML (`query:`) and ARM
 * templates (`properties.query`). Diagnostics point at the file's own line:column.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, sep } from 'node:path';
import type { Node, Scalar } from 'yaml';
import { yamlPackage } from '../packages/yaml.js';
import type { Column } from '../schemas/tables.js';
import {
  type KqlPlatform,
  type KustoGlobals,
  type KustoNamespace,
  kustoGlobals,
  loadKusto,
} from './kusto.js';

export type KqlSeverity = 'error' | 'warning' | 'suggestion';

export interface KqlDiagnostic {
  severity: KqlSeverity;
  /** Kusto.Language's code, e.g. KS142 (unknown name), KS204 (unknown table), KS006 (missing expression). */
  code: string;
  message: string;
  /** Offsets into the query text, end exclusive. */
  start: number;
  end: number;
  /** 1-based position of `start` in the query text. */
  line: number;
  column: number;
}

export interface KqlValidateOptions {
  platform?: KqlPlatform;
  extraTables?: Record<string, Column[]>;
  /** Also run Kusto's analyzers (KS5xx: `contains` cost, join without kind …). Errors only by default. */
  warnings?: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: Bridge.NET objects are untyped (see kusto.ts)
type KustoCode = any;

/**
 * Parses and analyses `text` against the platform's tables and functions. `code` is the analysed
 * code; `source` the parse of `text` itself (they differ only when large string arrays were blanked
 * for analysis, see below — use `source` for literal values and comments).
 */
export function analyzeKql(
  text: string,
  options: KqlValidateOptions = {},
): { code: KustoCode; source: KustoCode; globals: KustoGlobals; diagnostics: KqlDiagnostic[] } {
  const K = loadKusto();
  const globals = kustoGlobals(options.extraTables, options.platform ?? 'sentinel');
  const source = K.Language.KustoCode.Parse(text, globals);
  const blanked = blankLargeStringArrays(K, source, text);
  let code: KustoCode;
  let raw: unknown[];
  if (blanked === undefined) {
    code = source.Analyze(globals);
    raw = [...toArray(code.GetDiagnostics())];
  } else {
    // Syntax from the real text, semantics from the blanked one (same offsets everywhere).
    code = K.Language.KustoCode.ParseAndAnalyze(blanked, globals);
    const key = (d: { Code: string; Start: number; Length: number }) => `${d.Code}@${d.Start}+${d.Length}`;
    const blankedSyntax = new Set(toArray(code.GetSyntaxDiagnostics()).map(key));
    raw = [
      ...toArray(source.GetSyntaxDiagnostics()),
      ...toArray(code.GetDiagnostics()).filter((d) => !blankedSyntax.has(key(d))),
    ];
  }
  if (options.warnings) {
    // The code service reuses the analysed code; analyzers return only their own diagnostics.
    const service = new K.Language.Editor.KustoCodeService.ctor(code);
    raw.push(...toArray(service.GetAnalyzerDiagnostics(true)));
  }
  const lines = lineStarts(text);
  const diagnostics = raw
    .map((d) => toDiagnostic(d, lines))
    .filter((d) => options.warnings || d.severity === 'error')
    .sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
  return { code, source, globals, diagnostics };
}

/** Arrays longer than this are analysed blanked (exact below it). */
export const LARGE_STRING_ARRAY = 256;

/**
 * Kusto.Language's analysis of a `dynamic([...])` array of strings is quadratic in its length
 * (measured: 4,000 strings ≈ 1 s, 8,000 ≈ 7 s, 16,000 ≈ 40 s), while parsing is linear. For
 * analysis, a large array whose elements are all plain string literals keeps its first element and
 * the rest becomes spaces (line breaks kept), so every other offset is unchanged and the array's
 * type (dynamic array of string) is the same. Its syntax is still checked on the real text.
 * Returns undefined when nothing needs blanking.
 */
function blankLargeStringArrays(K: KustoNamespace, parsed: KustoCode, text: string): string | undefined {
  const Syntax = K.Language.Syntax;
  const ranges: [number, number][] = [];
  Syntax.SyntaxElement.WalkNodes(parsed.Syntax, (node: KustoNamespace) => {
    if (!(node instanceof Syntax.JsonArrayExpression)) return;
    const elements: KustoNamespace[] = toArray(node.Values).map((v: KustoNamespace) => v.Element);
    if (elements.length <= LARGE_STRING_ARRAY) return;
    const first = elements[0];
    if (ranges.length > 0 && first.TextStart < ranges[ranges.length - 1][1]) return; // inside a blanked one
    if (!elements.every((e) => e?.Kind === Syntax.SyntaxKind.StringLiteralExpression)) return;
    ranges.push([first.End, elements[elements.length - 1].End]);
  });
  if (ranges.length === 0) return undefined;
  let out = '';
  let at = 0;
  for (const [start, end] of ranges) {
    out += text.slice(at, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ');
    at = end;
  }
  return out + text.slice(at);
}

/** Diagnostics for one query text (a `let` sequence, one or several statements separated by `;`). */
export function validateKql(text: string, options: KqlValidateOptions = {}): KqlDiagnostic[] {
  return analyzeKql(text, options).diagnostics;
}

// biome-ignore lint/suspicious/noExplicitAny: Bridge list
export function toArray(list: any): any[] {
  return (globalThis as unknown as { Bridge: { toArray(l: unknown): unknown[] } }).Bridge.toArray(list ?? []);
}

// biome-ignore lint/suspicious/noExplicitAny: Bridge Diagnostic
function toDiagnostic(d: any, lines: number[]): KqlDiagnostic {
  const start = d.HasLocation ? d.Start : 0;
  const end = d.HasLocation ? d.End : 0;
  const { line, column } = positionAt(lines, start);
  const severity: KqlSeverity =
    d.Severity === 'Error' ? 'error' : d.Severity === 'Warning' ? 'warning' : 'suggestion';
  return {
    severity,
    code: d.Code,
    message: String(d.Message).replace(/\s*\n\s*/g, ' '),
    start,
    end,
    line,
    column,
  };
}

/** Offsets where each line starts; `\r\n`, `\n` and `\r` all end a line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

/** 1-based line and column (UTF-16 units) of an offset. */
export function positionAt(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

// ---------------------------------------------------------------------------------------------
// Files

export type QueryFileKind = 'kql' | 'yaml' | 'arm';

/** A query found in a file, with the map from query offsets to file offsets. */
export interface ExtractedQuery {
  text: string;
  /** Where the query sits in the file: `query`, `resources[0].properties.query`; absent for .kql files. */
  queryPath?: string;
  fileOffset(queryOffset: number): number;
}

export interface FileDiagnostic {
  path: string;
  /** 1-based position in the file itself. */
  line: number;
  column: number;
  severity: KqlSeverity;
  code: string;
  message: string;
  queryPath?: string;
}

export interface FileValidation {
  path: string;
  kind: QueryFileKind;
  platform: KqlPlatform;
  queries: number;
  diagnostics: FileDiagnostic[];
}

export interface ValidationSummary {
  files: number;
  queries: number;
  errors: number;
  warnings: number;
}

export interface ValidationReport {
  files: FileValidation[];
  unreadable: { path: string; reason: string }[];
  summary: ValidationSummary;
}

export interface FileValidateOptions {
  warnings?: boolean;
  /** Overrides the platform taken from the path. */
  platform?: KqlPlatform;
  extraTables?: Record<string, Column[]>;
}

const KQL_EXTENSIONS = new Set(['.kql', '.csl', '.kusto']);
const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/** The kind of query file a path names; `.txt` counts only when named explicitly (prose is common). */
export function queryFileKind(path: string, named: boolean): QueryFileKind | undefined {
  const ext = extname(path).toLowerCase();
  if (KQL_EXTENSIONS.has(ext)) return 'kql';
  if (YAML_EXTENSIONS.has(ext)) return 'yaml';
  if (ext === '.json') return 'arm';
  if (named) return 'kql';
  return undefined;
}

/** Defender XDR for files under a `defender` directory or named `*.defender.kql`; Sentinel otherwise. */
export function platformForPath(path: string, kind: QueryFileKind): KqlPlatform {
  if (kind !== 'kql') return 'sentinel';
  const segments = path.toLowerCase().split(/[\\/]+/);
  const name = basename(path).toLowerCase();
  if (segments.slice(0, -1).includes('defender') || /\.defender\.(kql|csl|kusto|txt)$/.test(name))
    return 'defender';
  return 'sentinel';
}

/** Queries in a file's text: the whole text for KQL, `query:` for YAML, every `properties.query` for ARM. */
export function extractQueries(
  text: string,
  kind: QueryFileKind,
): { queries: ExtractedQuery[]; problems: { offset: number; message: string }[] } {
  if (kind === 'kql') {
    const queries = /\S/.test(stripComments(text)) ? [{ text, fileOffset: (o: number) => o }] : [];
    return { queries, problems: [] };
  }
  // Files that cannot hold a query are not parsed at all (tsconfig.json with comments, CI YAML …).
  if (kind === 'yaml' ? !/^query\s*:/m.test(text) : !text.includes('"query"'))
    return { queries: [], problems: [] };
  if (kind === 'arm') {
    const problem = jsonProblem(text);
    if (problem) return { queries: [], problems: [problem] };
  }
  const doc = yamlPackage().parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const problems = doc.errors.map((e) => ({ offset: e.pos[0], message: e.message.split('\n')[0] }));
  if (problems.length > 0) return { queries: [], problems };
  const queries: ExtractedQuery[] = [];
  if (kind === 'yaml') {
    if (yamlPackage().isMap(doc.contents)) {
      const pair = doc.contents.items.find((p) => yamlPackage().isScalar(p.key) && p.key.value === 'query');
      if (pair && yamlPackage().isScalar(pair.value) && typeof pair.value.value === 'string')
        queries.push(scalarQuery(text, pair.value as Scalar<string>, 'query'));
    }
  } else {
    collectArmQueries(text, doc.contents, '', undefined, queries);
  }
  return { queries, problems };
}

/** JSON.parse's complaint, if any, with the offset its message names. */
function jsonProblem(text: string): { offset: number; message: string } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    return { offset: at ? Number(at[1]) : 0, message: `invalid JSON: ${message}` };
  }
}

function stripComments(text: string): string {
  return text.replace(/\/\/[^\r\n]*/g, '');
}

function collectArmQueries(
  text: string,
  node: Node | null | undefined,
  path: string,
  parentKey: string | undefined,
  out: ExtractedQuery[],
): void {
  if (yamlPackage().isMap(node)) {
    for (const pair of node.items) {
      if (!yamlPackage().isPair(pair) || !yamlPackage().isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const childPath = path ? `${path}.${key}` : key;
      const value = pair.value as Node | null;
      if (
        key === 'query' &&
        parentKey === 'properties' &&
        yamlPackage().isScalar(value) &&
        typeof value.value === 'string' &&
        !isArmExpression(value.value)
      ) {
        out.push(scalarQuery(text, value as Scalar<string>, childPath));
      } else {
        collectArmQueries(text, value, childPath, key, out);
      }
    }
  } else if (yamlPackage().isSeq(node)) {
    node.items.forEach((item, i) => {
      collectArmQueries(text, item as Node, `${path}[${i}]`, undefined, out);
    });
  }
}

/** `[variables('q')]` is evaluated at deployment; `[[` escapes a literal `[`. */
function isArmExpression(value: string): boolean {
  return value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']');
}

function scalarQuery(source: string, node: Scalar<string>, queryPath: string): ExtractedQuery {
  const value = node.value;
  const [start, end] = node.range ?? [0, 0, 0];
  let map: number[];
  if (node.type === 'BLOCK_LITERAL') map = literalBlockOffsets(source, start, value);
  else if (node.type === 'QUOTE_DOUBLE') map = doubleQuotedOffsets(source, start, value);
  else map = alignedOffsets(source, start, end, value);
  return {
    text: value,
    queryPath,
    fileOffset: (o) => map[Math.min(Math.max(o, 0), map.length - 1)] ?? start,
  };
}

/**
 * `query: |` — value line i is the i-th line after the header, shifted by the block's indentation.
 * Returns the file offset for every value offset (plus one past the end).
 */
function literalBlockOffsets(source: string, start: number, value: string): number[] {
  const map: number[] = [];
  let p = source.indexOf('\n', start);
  p = p < 0 ? source.length : p + 1;
  const indent = blockIndent(source, p);
  const valueLines = value.split('\n');
  for (let i = 0; i < valueLines.length; i++) {
    const lineStart = p;
    let lineEnd = source.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = source.length;
    const cr = lineEnd > lineStart && source[lineEnd - 1] === '\r' ? 1 : 0;
    const contentStart = Math.min(lineStart + indent, lineEnd - cr);
    for (let c = 0; c <= valueLines[i].length; c++) map.push(Math.min(contentStart + c, lineEnd));
    p = lineEnd + 1;
  }
  return map;
}

/** Indentation of the first non-blank line of a block scalar. */
function blockIndent(source: string, from: number): number {
  let p = from;
  while (p < source.length) {
    let n = 0;
    while (source[p + n] === ' ') n++;
    const ch = source[p + n];
    if (ch !== '\n' && ch !== '\r') return n;
    p = source.indexOf('\n', p + n);
    if (p < 0) return 0;
    p++;
  }
  return 0;
}

/** `"…"` in JSON or YAML: walks the escapes so every value character maps to its source text. */
function doubleQuotedOffsets(source: string, start: number, value: string): number[] {
  const map: number[] = [];
  let p = start + 1;
  while (map.length < value.length && p < source.length && source[p] !== '"') {
    const ch = source[p];
    if (ch === '\\') {
      const next = source[p + 1];
      const width = next === 'u' ? 6 : next === 'x' ? 4 : next === 'U' ? 10 : 2;
      const units = next === 'U' && Number.parseInt(source.slice(p + 2, p + 10), 16) > 0xffff ? 2 : 1;
      if (next === '\n' || next === '\r') {
        // escaped line break: no value character
        p += 2;
        while (source[p] === ' ' || source[p] === '\t' || source[p] === '\n') p++;
        continue;
      }
      for (let u = 0; u < units; u++) map.push(p);
      p += width;
    } else if (ch === '\n' || ch === '\r') {
      // YAML line folding: the break and the next line's indentation become one space (or breaks)
      map.push(p);
      p++;
      while (p < source.length && /[ \t\r\n]/.test(source[p])) {
        if (source[p] === '\n' && map.length < value.length && value[map.length] === '\n') map.push(p);
        p++;
      }
    } else {
      map.push(p);
      p++;
    }
  }
  while (map.length <= value.length) map.push(p);
  return map;
}

/** Plain, single-quoted and folded scalars: match value characters to source characters in order. */
function alignedOffsets(source: string, start: number, end: number, value: string): number[] {
  const map: number[] = [];
  let p = start;
  if (source[p] === "'") p++;
  else if (source[p] === '>' || source[p] === '|') p = source.indexOf('\n', p) + 1 || end;
  for (let i = 0; i < value.length; i++) {
    let q = p;
    while (q < end && source[q] !== value[i] && /[\s']/.test(source[q])) q++;
    if (q < end && source[q] === value[i]) {
      map.push(q);
      p = q + 1;
    } else {
      map.push(p);
    }
  }
  map.push(p);
  return map;
}

/** Validates every query in one file; throws when the file cannot be read. */
export function validateFile(path: string, options: FileValidateOptions = {}, named = true): FileValidation {
  const kind = queryFileKind(path, named) ?? 'kql';
  const platform = options.platform ?? platformForPath(path, kind);
  const text = readFileSync(path, 'utf8');
  return validateFileText(path, text, kind, { ...options, platform });
}

/** Validates the queries of a file's text (no file access; used by validateFile and tests). */
export function validateFileText(
  path: string,
  text: string,
  kind: QueryFileKind,
  options: FileValidateOptions = {},
): FileValidation {
  const platform = options.platform ?? platformForPath(path, kind);
  const lines = lineStarts(text);
  const { queries, problems } = extractQueries(text, kind);
  const diagnostics: FileDiagnostic[] = problems.map((p) => ({
    path,
    ...positionAt(lines, p.offset),
    severity: 'error',
    code: kind === 'arm' ? 'JSON' : 'YAML',
    message: p.message,
  }));
  for (const query of queries) {
    for (const d of validateKql(query.text, {
      platform,
      extraTables: options.extraTables,
      warnings: options.warnings,
    })) {
      diagnostics.push({
        path,
        ...positionAt(lines, query.fileOffset(d.start)),
        severity: d.severity,
        code: d.code,
        message: d.message,
        ...(query.queryPath ? { queryPath: query.queryPath } : {}),
      });
    }
  }
  return { path, kind, platform, queries: queries.length, diagnostics };
}

/**
 * Validates files and directories (recursively; files that hold no query are skipped). Unreadable
 * paths are listed, not thrown. A file counts when it holds a query or could not be parsed.
 */
export function validatePaths(paths: string[], options: FileValidateOptions = {}): ValidationReport {
  const files: FileValidation[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  const visit = (path: string, named: boolean) => {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (err) {
      unreadable.push({ path, reason: reason(err) });
      return;
    }
    if (isDirectory) {
      let names: string[];
      try {
        names = readdirSync(path).sort();
      } catch (err) {
        unreadable.push({ path, reason: reason(err) });
        return;
      }
      for (const name of names) {
        if (SKIPPED_DIRECTORIES.has(name)) continue;
        visit(path.endsWith(sep) ? path + name : join(path, name), false);
      }
      return;
    }
    if (!queryFileKind(path, named)) return;
    try {
      const result = validateFile(path, options, named);
      if (result.queries > 0 || result.diagnostics.length > 0 || named) files.push(result);
    } catch (err) {
      unreadable.push({ path, reason: reason(err) });
    }
  };
  for (const path of paths) visit(path, true);
  return { files, unreadable, summary: summarize(files) };
}

export function summarize(files: FileValidation[]): ValidationSummary {
  let queries = 0;
  let errors = 0;
  let warnings = 0;
  for (const f of files) {
    queries += f.queries;
    for (const d of f.diagnostics) {
      if (d.severity === 'error') errors++;
      else warnings++;
    }
  }
  return { files: files.length, queries, errors, warnings };
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file or directory';
  if (e.code === 'EACCES') return 'permission denied';
  if (e.code === 'EISDIR') return 'is a directory';
  return e.message ?? String(err);
}
