/** `join` (all nine kinds) and `lookup`: equality keys, Kusto's output columns, innerunique. */
import type { Context } from './context.js';
import type { Relation, RelColumn } from './model.js';
import { quoteIdent } from './sql.js';
import { operatorParameters } from './stage.js';
import { analyzedColumns, elements, kindOf, type Node } from './syntax.js';

interface KeyPair {
  left: string;
  right: string;
}

function joinKeys(clause: Node, left: Relation, right: Relation, ctx: Context): KeyPair[] {
  if (!clause || kindOf(clause) !== 'JoinOnClause')
    throw ctx.source.unsupported(clause ?? {}, 'join condition', 'only `on` keys are supported');
  const pairs: KeyPair[] = [];
  const side = (n: Node): { side: 'left' | 'right'; name: string } => {
    if (kindOf(n) !== 'PathExpression')
      throw ctx.source.unsupported(n, `join key '${ctx.source.snippet(n)}'`);
    const s = String(n.Expression.SimpleName ?? ctx.source.snippet(n.Expression)).toLowerCase();
    const name = String(n.Selector.SimpleName ?? n.Selector.ReferencedSymbol?.Name);
    if (s !== '$left' && s !== '$right')
      throw ctx.source.unsupported(n, `join key '${ctx.source.snippet(n)}'`);
    return { side: s === '$left' ? 'left' : 'right', name };
  };
  for (const e of elements(clause.Expressions)) {
    const kind = kindOf(e);
    if (kind === 'NameReference') {
      const name = String(e.ReferencedSymbol?.Name ?? e.SimpleName);
      pairs.push({ left: name, right: name });
    } else if (kind === 'EqualExpression') {
      const a = side(e.Left);
      const b = side(e.Right);
      if (a.side === b.side) throw ctx.source.unsupported(e, 'join key comparing one side with itself');
      pairs.push(a.side === 'left' ? { left: a.name, right: b.name } : { left: b.name, right: a.name });
    } else throw ctx.source.unsupported(e, `join condition '${ctx.source.snippet(e)}'`);
  }
  for (const p of pairs) {
    if (!left.columns.some((c) => c.name === p.left))
      throw ctx.source.unsupported(clause, `left join key '${p.left}'`);
    if (!right.columns.some((c) => c.name === p.right))
      throw ctx.source.unsupported(clause, `right join key '${p.right}'`);
  }
  return pairs;
}

function kindParameter(params: Map<string, Node>, fallback: string, ctx: Context): string {
  const p = params.get('kind');
  return p ? ctx.source.snippet(p).toLowerCase() : fallback;
}

function keyCondition(keys: KeyPair[]): string {
  return keys.map((k) => `l.${quoteIdent(k.left)} = r.${quoteIdent(k.right)}`).join(' AND ');
}

/** A column taken from a side that an outer join may leave empty: strings become ''. */
function sideColumn(alias: string, c: RelColumn, nullable: boolean): string {
  const ref = `${alias}.${quoteIdent(c.name)}`;
  return nullable && c.type === 'string' ? `COALESCE(${ref}, '')` : ref;
}

export function join(op: Node, input: Relation, ctx: Context): Relation {
  const params = operatorParameters(op, ctx, ['kind']);
  const kind = kindParameter(params, 'innerunique', ctx);
  const right = ctx.tabular(op.Expression);
  const keys = joinKeys(op.ConditionClause, input, right, ctx);
  const output = analyzedColumns(op);
  const on = keyCondition(keys);
  if (kind === 'leftsemi' || kind === 'leftanti' || kind === 'rightsemi' || kind === 'rightanti') {
    const keep = kind.startsWith('left') ? input : right;
    const other = kind.startsWith('left') ? right : input;
    const [keepAlias, otherAlias] = kind.startsWith('left') ? ['l', 'r'] : ['r', 'l'];
    const exists = kind.endsWith('anti') ? 'NOT EXISTS' : 'EXISTS';
    const select = keep.columns.map(
      (c, i) => `${keepAlias}.${quoteIdent(c.name)} AS ${quoteIdent(output[i]?.name ?? c.name)}`,
    );
    if (output.length !== keep.columns.length) throw ctx.source.unsupported(op, 'join shape');
    const sql = `SELECT ${select.join(', ')} FROM ${keep.from} AS ${keepAlias} WHERE ${exists} (SELECT 1 FROM ${other.from} AS ${otherAlias} WHERE ${on})`;
    return {
      from: ctx.addCte(sql),
      ordered: false,
      columns: keep.columns.map((c, i) => ({ ...c, name: output[i].name })),
    };
  }
  const sqlJoin: Record<string, string> = {
    innerunique: 'JOIN',
    inner: 'JOIN',
    leftouter: 'LEFT JOIN',
    rightouter: 'RIGHT JOIN',
    fullouter: 'FULL JOIN',
  };
  if (!sqlJoin[kind]) throw ctx.source.unsupported(params.get('kind') ?? op, `join kind '${kind}'`);
  if (output.length !== input.columns.length + right.columns.length)
    throw ctx.source.unsupported(op, 'join shape');
  let leftFrom = input.from;
  if (kind === 'innerunique') {
    // Kusto keeps one (arbitrary) left row per join key before joining.
    const partition = keys.map((k) => quoteIdent(k.left)).join(', ');
    leftFrom = ctx.addCte(
      `SELECT * FROM ${input.from} QUALIFY row_number() OVER (PARTITION BY ${partition}) = 1`,
    );
  }
  const leftNullable = kind === 'rightouter' || kind === 'fullouter';
  const rightNullable = kind === 'leftouter' || kind === 'fullouter';
  const sides = [
    ...input.columns.map((c) => ({ c, sql: sideColumn('l', c, leftNullable) })),
    ...right.columns.map((c) => ({ c, sql: sideColumn('r', c, rightNullable) })),
  ];
  const select = sides.map((s, i) => `${s.sql} AS ${quoteIdent(output[i].name)}`);
  const sql = `SELECT ${select.join(', ')} FROM ${leftFrom} AS l ${sqlJoin[kind]} ${right.from} AS r ON ${on}`;
  return {
    from: ctx.addCte(sql),
    ordered: false,
    columns: sides.map((s, i) => ({ ...s.c, name: output[i].name })),
  };
}

/** lookup: a left outer (or inner) join that adds the right side's non-key columns. */
export function lookup(op: Node, input: Relation, ctx: Context): Relation {
  const params = operatorParameters(op, ctx, ['kind']);
  const kind = kindParameter(params, 'leftouter', ctx);
  if (kind !== 'leftouter' && kind !== 'inner')
    throw ctx.source.unsupported(params.get('kind') ?? op, `lookup kind '${kind}'`);
  const right = ctx.tabular(op.Expression);
  const keys = joinKeys(op.LookupClause, input, right, ctx);
  const rightKeys = new Set(keys.filter((k) => k.left === k.right).map((k) => k.right));
  const rightColumns = right.columns.filter((c) => !rightKeys.has(c.name));
  const output = analyzedColumns(op);
  if (output.length !== input.columns.length + rightColumns.length)
    throw ctx.source.unsupported(op, 'lookup shape');
  const sides = [
    ...input.columns.map((c) => ({ c, sql: sideColumn('l', c, false) })),
    ...rightColumns.map((c) => ({ c, sql: sideColumn('r', c, kind === 'leftouter') })),
  ];
  const select = sides.map((s, i) => `${s.sql} AS ${quoteIdent(output[i].name)}`);
  const sql = `SELECT ${select.join(', ')} FROM ${input.from} AS l ${kind === 'inner' ? 'JOIN' : 'LEFT JOIN'} ${right.from} AS r ON ${keyCondition(keys)}`;
  return {
    from: ctx.addCte(sql),
    ordered: false,
    columns: sides.map((s, i) => ({ ...s.c, name: output[i].name })),
  };
}
