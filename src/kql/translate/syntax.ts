/** Reading Kusto.Language syntax nodes: kind names, list elements, positions, analyzer types. */
import type { KqlType } from '../../schemas/tables.js';
import { type KustoNamespace, loadKusto } from '../kusto.js';
import { KqlMissingTableError, KqlUnsupportedError, positionAt } from './errors.js';

// biome-ignore lint/suspicious/noExplicitAny: Bridge.NET syntax nodes are untyped from ESM
export type Node = any;

let kindNames: Record<number, string> | undefined;

export function kusto(): KustoNamespace {
  return loadKusto();
}

/** `SyntaxKind` as its name, e.g. `HasAnyExpression`, `InCsExpression` (= `in~`). */
export function kindOf(node: Node): string {
  if (!kindNames) {
    kindNames = {};
    const kinds = kusto().Language.Syntax.SyntaxKind;
    for (const name of Object.keys(kinds)) if (typeof kinds[name] === 'number') kindNames[kinds[name]] = name;
  }
  return kindNames[node.Kind] ?? `Kind${node.Kind}`;
}

/** The nodes of a SyntaxList or SeparatedSyntaxList, separators dropped. */
export function elements(list: Node): Node[] {
  if (!list) return [];
  const out: Node[] = [];
  for (let i = 0; i < list.Count; i++) {
    const item = list.getItem(i);
    out.push(item && item.Element !== undefined && kindOf(item) === 'SeparatedElement' ? item.Element : item);
  }
  return out;
}

/** Non-token children, with lists and separated elements flattened. */
export function childNodes(node: Node): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < node.ChildCount; i++) {
    const child = node.GetChild(i);
    if (!child || child.IsToken) continue;
    const kind = kindOf(child);
    if (kind === 'List' || kind === 'SeparatedElement') out.push(...childNodes(child));
    else out.push(child);
  }
  return out;
}

/** Builds errors that point at a node of the query being translated. */
export class SourceText {
  constructor(readonly text: string) {}

  unsupported(node: Node, construct: string, detail?: string): KqlUnsupportedError {
    return new KqlUnsupportedError(construct, positionAt(this.text, node.TextStart), detail);
  }

  missingTable(node: Node, table: string): KqlMissingTableError {
    return new KqlMissingTableError(table, positionAt(this.text, node.TextStart));
  }

  /** The node's text without leading trivia, for error messages. */
  snippet(node: Node): string {
    const s = this.text.slice(node.TextStart, node.End).trim();
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  }
}

const knownTypes = new Set([
  'string',
  'int',
  'long',
  'real',
  'bool',
  'datetime',
  'timespan',
  'dynamic',
  'guid',
  'decimal',
]);

/** The analyzer's scalar type of an expression node, normalised to a KqlType (undefined if none). */
export function analyzedType(node: Node): KqlType | undefined {
  const name: string | undefined = node.ResultType?.Name;
  if (!name) return undefined;
  if (name === 'double') return 'real';
  if (name === 'boolean') return 'bool';
  if (name === 'date') return 'datetime';
  if (name === 'time') return 'timespan';
  if (name === 'uniqueid') return 'guid';
  if (name.startsWith('dynamic')) return 'dynamic';
  return knownTypes.has(name) ? (name as KqlType) : undefined;
}

/** Output columns (name, KqlType) the analyzer computed for a tabular node. */
export function analyzedColumns(node: Node): { name: string; type: KqlType | undefined; raw: string }[] {
  const rt = node.ResultType;
  if (!rt?.Columns) return [];
  const Bridge = (globalThis as unknown as { Bridge: { toArray(x: unknown): Node[] } }).Bridge;
  return Bridge.toArray(rt.Columns).map((c: Node) => ({
    name: c.Name as string,
    type: analyzedType({ ResultType: c.Type }),
    raw: c.Type?.Name as string,
  }));
}
