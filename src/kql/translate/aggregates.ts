/** `summarize`: aggregates and by-keys → GROUP BY, output columns named as Kusto names them. */
import type { Context, Scope } from './context.js';
import { ORDINAL, type Relation, type RelColumn, type SqlExpr } from './model.js';
import { jsonSql, scalar } from './scalar.js';
import { duckType, quoteIdent } from './sql.js';
import { analyzedColumns, elements, kindOf, type Node } from './syntax.js';

/** One output column before naming: SQL over the grouped input, or over the aggregate row. */
interface Produced {
  /** SQL in the GROUP BY select. */
  inner: string;
  /** SQL in the outer select, referencing `inner` as `ref` (defaults to the inner alias). */
  outer?: (ref: string) => string;
  type: RelColumn['type'];
  list?: string;
  /** A struct aggregate shared by several output columns (arg_max/arg_min). */
  shared?: string;
}

export function summarize(op: Node, input: Relation, ctx: Context): Relation {
  for (const p of elements(op.Parameters)) {
    const name = String(p.Name?.SimpleName ?? '');
    if (!name.startsWith('hint.')) throw ctx.source.unsupported(p, `summarize parameter '${name}'`);
  }
  const scope: Scope = { columns: input.columns };
  const keys: Produced[] = [];
  const keyColumnNames = new Set<string>();
  for (const keyNode of elements(op.ByClause?.Expressions)) {
    const exprNode = kindOf(keyNode) === 'SimpleNamedExpression' ? keyNode.Expression : keyNode;
    if (kindOf(exprNode) === 'NameReference') keyColumnNames.add(exprNode.ReferencedSymbol?.Name);
    const e = scalar(exprNode, scope, ctx);
    keys.push({ inner: e.sql, type: e.type, list: e.list });
  }
  const aggregates: Produced[] = [];
  const sharedAggregates: string[] = [];
  for (const aggNode of elements(op.Aggregates)) {
    const kind = kindOf(aggNode);
    if (kind === 'CompoundNamedExpression') throw ctx.source.unsupported(aggNode, 'compound-named aggregate');
    const call = kind === 'SimpleNamedExpression' ? aggNode.Expression : aggNode;
    if (kindOf(call) !== 'FunctionCallExpression')
      throw ctx.source.unsupported(call, `aggregate expression '${ctx.source.snippet(call)}'`);
    aggregates.push(
      ...aggregate(call, input, scope, keyColumnNames, sharedAggregates, ctx, keys.length === 0),
    );
  }
  const produced = [...keys, ...aggregates];
  const names = analyzedColumns(op);
  if (names.length !== produced.length)
    throw ctx.source.unsupported(
      op,
      'summarize shape',
      `expected ${names.length} columns, built ${produced.length}`,
    );

  const innerSelect = [
    ...produced.map((p, i) => `${p.inner} AS __c${i}`),
    ...sharedAggregates.map((sql, i) => `${sql} AS __s${i}`),
  ];
  const groupBy = keys.length ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '';
  const grouped = ctx.addCte(`SELECT ${innerSelect.join(', ')} FROM ${input.from}${groupBy}`);
  const outerSelect = produced.map((p, i) => {
    const ref = p.shared ?? `__c${i}`;
    return `${p.outer ? p.outer(ref) : ref} AS ${quoteIdent(names[i].name)}`;
  });
  const from = ctx.addCte(`SELECT ${outerSelect.join(', ')} FROM ${grouped}`);
  return {
    from,
    ordered: false,
    columns: produced.map((p, i) => ({ name: names[i].name, type: p.type, list: p.list })),
  };
}

function aggregate(
  call: Node,
  input: Relation,
  scope: Scope,
  keyColumnNames: Set<string>,
  shared: string[],
  ctx: Context,
  noKeys: boolean,
): Produced[] {
  const name = String(call.Name?.SimpleName ?? '').toLowerCase();
  const args = elements(call.ArgumentList?.Expressions);
  const arg = (i: number): SqlExpr => scalar(args[i], scope, ctx);
  const bad = (detail: string) => ctx.source.unsupported(call, `aggregate ${name}()`, detail);
  const need = (n: number, max = n) => {
    if (args.length < n || args.length > max) throw bad(`${args.length} argument(s)`);
  };
  const orderedBy = input.ordered ? ` ORDER BY ${ORDINAL}` : '';
  switch (name) {
    case 'count':
      need(0);
      return [{ inner: 'count(*)', type: 'long' }];
    case 'countif':
      need(1);
      return [{ inner: `count(*) FILTER (WHERE ${arg(0).sql})`, type: 'long' }];
    case 'dcount':
      need(1, 2);
      return [{ inner: `count(DISTINCT ${distinctValue(arg(0))})`, type: 'long' }];
    case 'dcountif':
      need(2, 3);
      return [
        { inner: `count(DISTINCT ${distinctValue(arg(0))}) FILTER (WHERE ${arg(1).sql})`, type: 'long' },
      ];
    case 'sum':
    case 'sumif': {
      need(name === 'sum' ? 1 : 2);
      const v = arg(0);
      const type =
        v.type === 'int' || v.type === 'long' ? 'long' : v.type === 'timespan' ? 'timespan' : 'real';
      if (v.type !== 'int' && v.type !== 'long' && v.type !== 'real' && v.type !== 'decimal')
        throw bad(`sum of ${v.type}`);
      const filter = name === 'sumif' ? ` FILTER (WHERE ${arg(1).sql})` : '';
      const sum = `CAST(sum(${v.sql})${filter} AS ${duckType(type)})`;
      // Kusto's sum over no rows is 0 (only observable without by-keys).
      return [{ inner: noKeys ? `COALESCE(${sum}, 0)` : sum, type }];
    }
    case 'avg':
    case 'avgif': {
      need(name === 'avg' ? 1 : 2);
      const filter = name === 'avgif' ? ` FILTER (WHERE ${arg(1).sql})` : '';
      return [{ inner: `avg(${arg(0).sql})${filter}`, type: 'real' }];
    }
    case 'min':
    case 'max':
    case 'minif':
    case 'maxif': {
      need(name.endsWith('if') ? 2 : 1);
      const v = arg(0);
      if (v.type === 'dynamic') throw bad('min/max of dynamic');
      const filter = name.endsWith('if') ? ` FILTER (WHERE ${arg(1).sql})` : '';
      const fn = name.startsWith('min') ? 'min' : 'max';
      // Strings have no null in KQL: an empty string is a value like any other.
      const sql = `${fn}(${v.sql})${filter}`;
      return [{ inner: v.type === 'string' ? `COALESCE(${sql}, '')` : sql, type: v.type }];
    }
    case 'make_set':
    case 'make_list': {
      need(1, 2);
      const v = arg(0);
      if (v.type === 'dynamic') throw bad(`${name} of dynamic values`);
      const distinct = name === 'make_set' ? 'DISTINCT ' : '';
      let list = `list(${distinct}${v.sql}${name === 'make_list' ? orderedBy : ''}) FILTER (WHERE ${v.sql} IS NOT NULL)`;
      // Set order is unspecified in Kusto; sorting makes results reproducible.
      if (name === 'make_set') list = `list_sort(${list})`;
      if (args.length === 2) {
        const max = Number(scalarConstant(args[1], ctx));
        if (!Number.isInteger(max) || max < 1) throw bad('size limit must be a positive integer constant');
        list = `list_slice(${list}, 1, ${max})`;
      }
      return [{ inner: `COALESCE(${list}, list_value())`, type: 'dynamic', list: duckType(v.type) }];
    }
    case 'take_any':
    case 'any': {
      need(1);
      if (kindOf(args[0]) === 'StarExpression') throw bad('take_any(*)');
      const v = arg(0);
      return [{ inner: `any_value(${v.sql})`, type: v.type, list: v.list }];
    }
    case 'arg_max':
    case 'arg_min':
      return argExtreme(call, name, args, input, scope, keyColumnNames, shared, ctx);
    default:
      throw ctx.source.unsupported(call, `aggregate ${name}()`);
  }
}

function distinctValue(e: SqlExpr): string {
  return e.type === 'dynamic' ? `CAST(${jsonSql(e)} AS VARCHAR)` : e.sql;
}

function scalarConstant(node: Node, ctx: Context): unknown {
  const e = scalar(node, { columns: [] }, ctx);
  return e.constant?.value;
}

/**
 * arg_max(expr, cols | *): the columns of the row where expr is largest. A group whose expr is
 * always null still yields a row (Kusto's documented behaviour), so fall back to any row.
 */
function argExtreme(
  call: Node,
  name: string,
  args: Node[],
  input: Relation,
  scope: Scope,
  keyColumnNames: Set<string>,
  shared: string[],
  ctx: Context,
): Produced[] {
  if (args.length < 2)
    throw ctx.source.unsupported(call, `aggregate ${name}()`, 'needs an expression and columns');
  const target = scalar(args[0], scope, ctx);
  const targetColumn = kindOf(args[0]) === 'NameReference' ? args[0].ReferencedSymbol?.Name : undefined;
  const picked: SqlExpr[] = [target];
  for (const a of args.slice(1)) {
    if (kindOf(a) === 'StarExpression') {
      for (const c of input.columns) {
        if (c.name === targetColumn || keyColumnNames.has(c.name)) continue;
        picked.push({ sql: quoteIdent(c.name), type: c.type, list: c.list });
      }
    } else {
      const n = kindOf(a) === 'SimpleNamedExpression' ? a.Expression : a;
      picked.push(scalar(n, scope, ctx));
    }
  }
  const fields = picked.map((p, i) => `f${i} := ${p.sql}`).join(', ');
  const fn = name === 'arg_max' ? 'arg_max' : 'arg_min';
  const struct = `struct_pack(${fields})`;
  const index = shared.length;
  shared.push(`COALESCE(${fn}(${struct}, ${target.sql}), any_value(${struct}))`);
  const ref = `__s${index}`;
  return picked.map((p, i) => ({
    inner: 'NULL',
    shared: ref,
    outer: (r: string) => (p.type === 'string' ? `COALESCE(${r}.f${i}, '')` : `${r}.f${i}`),
    type: p.type,
    list: p.list,
  }));
}
