/** Helpers every query operator uses: parameters, scopes, select lists, names and counts. */
import type { KqlType } from '../../schemas/tables.js';
import type { Context, Scope } from './context.js';
import { ORDINAL, type Relation } from './model.js';
import { constantOf, scalar, unbox } from './scalar.js';
import { quoteIdent } from './sql.js';
import { analyzedColumns, elements, kindOf, type Node } from './syntax.js';

/** The operator's `name=value` parameters; any not in `allowed` is refused (hint.* are ignored). */
export function operatorParameters(op: Node, ctx: Context, allowed: string[] = []): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const p of elements(op.Parameters)) {
    const name = String(p.Name?.SimpleName ?? '');
    if (name.startsWith('hint.')) continue; // hints change speed, never results
    if (!allowed.includes(name)) throw ctx.source.unsupported(p, `parameter '${name}'`);
    out.set(name, p.Expression);
  }
  return out;
}

export function scopeOf(rel: Relation, qualifier?: string): Scope {
  return { columns: rel.columns, qualifier, raw: qualifier ? undefined : rel.raw, ordered: rel.ordered };
}

export const keepOrdinal = (rel: Relation) => (rel.ordered ? [ORDINAL] : []);

/** `SELECT <expr> AS <name>, …` keeping the hidden ordinal when there is one. */
export function selectColumns(items: { sql: string; name: string }[], rel: Relation): string {
  return [
    ...items.map((i) => (i.sql === quoteIdent(i.name) ? i.sql : `${i.sql} AS ${quoteIdent(i.name)}`)),
    ...keepOrdinal(rel),
  ].join(', ');
}

/** Names for expressions written without `Name =`: the analyzer's choice, in order. */
export function generatedNames(op: Node, input: Relation, explicit: string[]): string[] {
  const inputNames = new Set(input.columns.map((c) => c.name));
  const claimed = new Set(explicit);
  return analyzedColumns(op)
    .map((c) => c.name)
    .filter((n) => !inputNames.has(n) && !claimed.has(n));
}

export function itemName(item: Node): string | undefined {
  return kindOf(item) === 'SimpleNamedExpression' ? String(item.Name.SimpleName) : undefined;
}

export function rowCount(node: Node, ctx: Context): string {
  const e = scalar(node, { columns: [] }, ctx);
  const n = unbox(constantOf(e));
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw ctx.source.unsupported(node, 'row count', 'must be a non-negative integer constant');
  return String(n);
}

export function typeFromText(text: string, node: Node, ctx: Context): KqlType {
  const t = text.trim().toLowerCase();
  const map: Record<string, KqlType> = {
    string: 'string',
    int: 'int',
    long: 'long',
    real: 'real',
    double: 'real',
    bool: 'bool',
    boolean: 'bool',
    datetime: 'datetime',
    date: 'datetime',
    timespan: 'timespan',
    time: 'timespan',
    dynamic: 'dynamic',
    guid: 'guid',
  };
  const type = map[t];
  if (!type) throw ctx.source.unsupported(node, `column type '${text}'`);
  return type;
}
