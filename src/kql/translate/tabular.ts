/** Tabular KQL (table references, pipes, query operators) → one CTE per stage. */

import { localTableFor } from '../../hunts/datasources.js';
import type { KqlType } from '../../schemas/tables.js';
import { summarize } from './aggregates.js';
import type { Context, Scope } from './context.js';
import { join, lookup } from './join.js';
import { ORDINAL, type Relation, type RelColumn, type SqlExpr } from './model.js';
import { mvExpand } from './mv-expand.js';
import { parse } from './parse.js';
import { asString, constantOf, jsonSql, scalar } from './scalar.js';
import { search } from './search.js';
import { duckType, emptyValue, quoteIdent } from './sql.js';
import {
  generatedNames,
  itemName,
  operatorParameters,
  rowCount,
  scopeOf,
  selectColumns,
  typeFromText,
} from './stage.js';
import { analyzedColumns, analyzedType, childNodes, elements, kindOf, type Node } from './syntax.js';
import { union } from './union.js';

export function tabular(node: Node, ctx: Context): Relation {
  const kind = kindOf(node);
  switch (kind) {
    case 'ParenthesizedExpression':
      return tabular(node.Expression, ctx);
    case 'NameReference':
      return reference(node, ctx);
    case 'PipeExpression':
      return operator(node.Operator, tabular(node.Expression, ctx), ctx);
    case 'DataTableExpression':
      return datatable(node, ctx);
    case 'UnionOperator':
      return union(node, [], ctx);
    case 'PrintOperator':
      return print(node, ctx);
    case 'RangeOperator':
      return rangeTable(node, ctx);
    case 'FunctionCallExpression':
      return asimCall(node, ctx);
    case 'MaterializeExpression':
      return tabular(node.Expression, ctx);
    default:
      throw ctx.source.unsupported(node, `tabular expression '${ctx.source.snippet(node)}'`, kind);
  }
}

function reference(node: Node, ctx: Context): Relation {
  const symbol = node.ReferencedSymbol;
  const symbolKind: string = symbol?.constructor?.$$name?.split('.').pop() ?? '';
  const name: string = symbol?.Name ?? node.SimpleName;
  if (symbolKind === 'VariableSymbol') {
    const binding = ctx.lets.get(name);
    if (binding?.kind === 'tabular') return binding.relation;
    throw ctx.source.unsupported(node, `'${name}' as a table`);
  }
  if (symbolKind !== 'TableSymbol')
    throw ctx.source.unsupported(node, `table reference '${name}'`, symbolKind);
  return storedTable(name, node, ctx);
}

function storedTable(name: string, node: Node, ctx: Context): Relation {
  const columns = ctx.tables[name];
  if (!columns) throw ctx.source.missingTable(node, name);
  const stored = ctx.storedTypes[name] ?? {};
  const select = columns.map(
    (c) => `${readColumn(quoteIdent(c.name), c.type, stored[c.name])} AS ${quoteIdent(c.name)}`,
  );
  // Stored VARCHAR strings also keep their raw value in a hidden twin (see SqlExpr.raw).
  const raw: Record<string, string> = {};
  for (const c of columns) {
    if (c.type === 'string' && (stored[c.name] ?? 'VARCHAR').toUpperCase() === 'VARCHAR') {
      raw[c.name] = `__raw_${c.name}`;
      select.push(`${quoteIdent(c.name)} AS ${quoteIdent(raw[c.name])}`);
    }
  }
  const from = ctx.addCte(`SELECT ${select.join(', ')} FROM ${quoteIdent(name)}`);
  return {
    from,
    ordered: false,
    table: name,
    raw,
    columns: columns.map((c) => ({ name: c.name, type: c.type })),
  };
}

/**
 * An ASIM parser call such as `_Im_Dns(starttime=ago(lookback))`: locally its ASim* table, with the
 * time window applied. Other parser parameters filter in ways not reproduced here, so they are refused.
 */
function asimCall(node: Node, ctx: Context): Relation {
  const name = String(node.Name?.SimpleName ?? '');
  const table = localTableFor(name);
  if (table === name) throw ctx.source.unsupported(node, `function ${name}() as a table`);
  let rel = storedTable(table, node, ctx);
  const positional = ['starttime', 'endtime'];
  elements(node.ArgumentList?.Expressions).forEach((arg, i) => {
    const named = kindOf(arg) === 'SimpleNamedExpression';
    const param = named ? String(arg.Name.SimpleName).toLowerCase() : positional[i];
    if (param !== 'starttime' && param !== 'endtime')
      throw ctx.source.unsupported(arg, `${name}() parameter '${param ?? i + 1}'`);
    const value = scalar(named ? arg.Expression : arg, { columns: [] }, ctx);
    if (constantOf(value) === null) return; // datetime(null): no bound
    const op = param === 'starttime' ? '>=' : '<=';
    rel = { ...rel, from: ctx.addCte(`SELECT * FROM ${rel.from} WHERE "TimeGenerated" ${op} ${value.sql}`) };
  });
  return rel;
}

/** A stored column as the translator's representation: strings never null, dynamic as JSON. */
function readColumn(ref: string, type: KqlType, storedType: string | undefined): string {
  const stored = (storedType ?? duckType(type)).toUpperCase();
  switch (type) {
    case 'string':
    case 'guid':
      return stored === 'VARCHAR' ? `COALESCE(${ref}, '')` : `COALESCE(CAST(${ref} AS VARCHAR), '')`;
    case 'dynamic':
      return stored === 'JSON' ? ref : stored === 'VARCHAR' ? `TRY_CAST(${ref} AS JSON)` : `to_json(${ref})`;
    case 'datetime':
      return stored === 'TIMESTAMP' ? ref : `CAST(${ref} AS TIMESTAMP)`;
    default:
      return stored === duckType(type) ? ref : `CAST(${ref} AS ${duckType(type)})`;
  }
}

function operator(op: Node, input: Relation, ctx: Context): Relation {
  const kind = kindOf(op);
  switch (kind) {
    case 'FilterOperator':
      return where(op, input, ctx);
    case 'ExtendOperator':
      return extend(op, input, ctx);
    case 'ProjectOperator':
      return project(op, input, ctx);
    case 'ProjectAwayOperator':
    case 'ProjectKeepOperator':
    case 'ProjectReorderOperator':
      return reshape(op, input, ctx);
    case 'ProjectRenameOperator':
      return rename(op, input, ctx);
    case 'SortOperator':
      return sort(op, input, ctx);
    case 'TakeOperator':
      return take(op, input, ctx);
    case 'TopOperator':
      return top(op, input, ctx);
    case 'SummarizeOperator':
      return summarize(op, input, ctx);
    case 'DistinctOperator':
      return distinct(op, input, ctx);
    case 'CountOperator': {
      const name = analyzedColumns(op)[0]?.name ?? 'Count';
      return {
        from: ctx.addCte(`SELECT count(*) AS ${quoteIdent(name)} FROM ${input.from}`),
        columns: [{ name, type: 'long' }],
        ordered: false,
      };
    }
    case 'UnionOperator':
      return union(op, [input], ctx);
    case 'JoinOperator':
      return join(op, input, ctx);
    case 'LookupOperator':
      return lookup(op, input, ctx);
    case 'MvExpandOperator':
      return mvExpand(op, input, ctx);
    case 'ParseOperator':
      return parse(op, input, ctx);
    case 'SearchOperator':
      return search(op, input, ctx);
    case 'ParseWhereOperator':
      return parse(op, input, ctx, true);
    case 'SerializeOperator':
      operatorParameters(op, ctx);
      if (elements(op.Expressions).length > 0) throw ctx.source.unsupported(op, 'serialize with columns');
      // Serialized rows keep the order they have; without one, the scan order (as in Kusto).
      return input.ordered
        ? input
        : {
            ...input,
            from: ctx.addCte(`SELECT *, row_number() OVER () AS ${ORDINAL} FROM ${input.from}`),
            ordered: true,
          };
    case 'AsOperator':
      return input;
    default:
      throw ctx.source.unsupported(op, `operator '${ctx.source.snippet(op).split(/\s/)[0]}'`, kind);
  }
}

function where(op: Node, input: Relation, ctx: Context): Relation {
  operatorParameters(op, ctx);
  const cond = scalar(op.Condition, scopeOf(input), ctx);
  return { ...input, from: ctx.addCte(`SELECT * FROM ${input.from} WHERE ${cond.sql}`) };
}

function extend(op: Node, input: Relation, ctx: Context): Relation {
  const items = elements(op.Expressions);
  for (const item of items)
    if (kindOf(item) === 'CompoundNamedExpression')
      throw ctx.source.unsupported(item, 'compound-named extend');
  const generated = generatedNames(
    op,
    input,
    items.map(itemName).filter((n): n is string => !!n),
  );
  // Every item sees the input columns only (Kusto does not let one item use another's result).
  const scope = scopeOf(input);
  const assigned = new Map<string, SqlExpr>();
  for (const item of items) {
    const name = itemName(item) ?? generated.shift();
    if (!name) throw ctx.source.unsupported(item, 'unnamed extend expression');
    assigned.set(name, scalar(itemName(item) ? item.Expression : item, scope, ctx));
  }
  const replaced = [...assigned].filter(([name]) => input.columns.some((c) => c.name === name));
  const added = [...assigned].filter(([name]) => !input.columns.some((c) => c.name === name));
  const replaceClause = replaced.length
    ? ` REPLACE (${replaced.map(([n, e]) => `${e.sql} AS ${quoteIdent(n)}`).join(', ')})`
    : '';
  const addClause = added.map(([n, e]) => `, ${e.sql} AS ${quoteIdent(n)}`).join('');
  const columns = input.columns.map((c) => {
    const e = assigned.get(c.name);
    return e ? { name: c.name, type: e.type, list: e.list } : c;
  });
  for (const [name, e] of added) columns.push({ name, type: e.type, list: e.list });
  // A replaced column's raw twin no longer describes it.
  const raw = input.raw
    ? Object.fromEntries(Object.entries(input.raw).filter(([n]) => !assigned.has(n)))
    : undefined;
  return {
    ...input,
    raw,
    from: ctx.addCte(`SELECT *${replaceClause}${addClause} FROM ${input.from}`),
    columns,
  };
}

function project(op: Node, input: Relation, ctx: Context): Relation {
  const items = elements(op.Expressions);
  const names = analyzedColumns(op);
  if (names.length !== items.length) throw ctx.source.unsupported(op, 'project with wildcards');
  const scope = scopeOf(input);
  const exprs = items.map((item) => {
    if (kindOf(item) === 'CompoundNamedExpression')
      throw ctx.source.unsupported(item, 'compound-named project');
    return scalar(itemName(item) ? item.Expression : item, scope, ctx);
  });
  const select = exprs.map((e, i) => ({ sql: e.sql, name: names[i].name }));
  return {
    from: ctx.addCte(`SELECT ${selectColumns(select, input)} FROM ${input.from}`),
    ordered: input.ordered,
    columns: exprs.map((e, i) => ({ name: names[i].name, type: e.type, list: e.list })),
  };
}

/** project-away / project-keep / project-reorder: the analyzer's output, all existing columns. */
function reshape(op: Node, input: Relation, ctx: Context): Relation {
  const columns = analyzedColumns(op).map((o) => {
    const c = input.columns.find((ic) => ic.name === o.name);
    if (!c) throw ctx.source.unsupported(op, `column '${o.name}'`);
    return c;
  });
  return {
    from: ctx.addCte(
      `SELECT ${selectColumns(
        columns.map((c) => ({ sql: quoteIdent(c.name), name: c.name })),
        input,
      )} FROM ${input.from}`,
    ),
    ordered: input.ordered,
    columns,
  };
}

function rename(op: Node, input: Relation, ctx: Context): Relation {
  const renames = new Map<string, string>(); // new name → old name
  for (const item of elements(op.Expressions)) {
    if (kindOf(item) !== 'SimpleNamedExpression' || kindOf(item.Expression) !== 'NameReference')
      throw ctx.source.unsupported(item, 'project-rename item');
    renames.set(String(item.Name.SimpleName), String(item.Expression.ReferencedSymbol.Name));
  }
  const columns: RelColumn[] = [];
  const select = analyzedColumns(op).map((o) => {
    const source = renames.get(o.name) ?? o.name;
    const c = input.columns.find((ic) => ic.name === source);
    if (!c) throw ctx.source.unsupported(op, `column '${source}'`);
    columns.push({ ...c, name: o.name });
    return { sql: quoteIdent(source), name: o.name };
  });
  return {
    from: ctx.addCte(`SELECT ${selectColumns(select, input)} FROM ${input.from}`),
    ordered: input.ordered,
    columns,
  };
}

/** ORDER BY terms with Kusto's defaults: desc; nulls last for desc, first for asc. */
function orderTerms(exprs: Node[], scope: Scope, ctx: Context): string[] {
  return exprs.map((item) => {
    const ordered = kindOf(item) === 'OrderedExpression';
    const e = scalar(ordered ? item.Expression : item, scope, ctx);
    const ordering = ordered ? item.Ordering : undefined;
    const dir = String(ordering?.AscOrDescKeyword?.Text ?? 'desc').toLowerCase();
    const nulls =
      ordering?.NullsClause?.FirstOrLastKeyword?.Text?.toLowerCase() ?? (dir === 'asc' ? 'first' : 'last');
    const value = e.type === 'dynamic' ? `CAST(${jsonSql(e)} AS VARCHAR)` : e.sql;
    return `${value} ${dir === 'asc' ? 'ASC' : 'DESC'} NULLS ${nulls === 'first' ? 'FIRST' : 'LAST'}`;
  });
}

/** The rows in a new order, remembered in the hidden ordinal column for later stages. */
function withOrdinal(input: Relation, terms: string[], ctx: Context, limit?: string): Relation {
  const base = input.ordered ? `* EXCLUDE (${ORDINAL})` : '*';
  let sql = `SELECT ${base}, row_number() OVER (ORDER BY ${terms.join(', ')}) AS ${ORDINAL} FROM ${input.from}`;
  if (limit !== undefined) sql = `SELECT * FROM (${sql}) WHERE ${ORDINAL} <= ${limit}`;
  return { ...input, from: ctx.addCte(sql), ordered: true };
}

function sort(op: Node, input: Relation, ctx: Context): Relation {
  operatorParameters(op, ctx);
  return withOrdinal(input, orderTerms(elements(op.Expressions), scopeOf(input), ctx), ctx);
}

function take(op: Node, input: Relation, ctx: Context): Relation {
  operatorParameters(op, ctx);
  const n = rowCount(op.Expression, ctx);
  const order = input.ordered ? ` ORDER BY ${ORDINAL}` : '';
  return { ...input, from: ctx.addCte(`SELECT * FROM ${input.from}${order} LIMIT ${n}`) };
}

function top(op: Node, input: Relation, ctx: Context): Relation {
  operatorParameters(op, ctx);
  const n = rowCount(op.Expression, ctx);
  return withOrdinal(input, orderTerms([op.ByExpression], scopeOf(input), ctx), ctx, n);
}

function distinct(op: Node, input: Relation, ctx: Context): Relation {
  operatorParameters(op, ctx);
  const items = elements(op.Expressions);
  const star = items.length === 1 && kindOf(items[0]) === 'StarExpression';
  const names = analyzedColumns(op);
  const scope = scopeOf(input);
  const exprs = star
    ? input.columns.map((c) => ({ sql: quoteIdent(c.name), type: c.type, list: c.list }) as SqlExpr)
    : items.map((item) => scalar(itemName(item) ? item.Expression : item, scope, ctx));
  if (names.length !== exprs.length) throw ctx.source.unsupported(op, 'distinct shape');
  const select = exprs.map((e, i) => `${e.sql} AS ${quoteIdent(names[i].name)}`);
  return {
    from: ctx.addCte(`SELECT DISTINCT ${select.join(', ')} FROM ${input.from}`),
    ordered: false,
    columns: exprs.map((e, i) => ({ name: names[i].name, type: e.type, list: e.list })),
  };
}

function datatable(node: Node, ctx: Context): Relation {
  operatorParameters(node, ctx);
  const schema = elements(node.Schema.Columns).map((c) => ({
    name: String(c.Name.SimpleName),
    type:
      analyzedType({ ResultType: c.Type?.ReferencedSymbol }) ??
      typeFromText(ctx.source.snippet(c.Type), c, ctx),
  }));
  const values = elements(node.Values).map((v) => scalar(v, { columns: [] }, ctx));
  if (schema.length === 0 || values.length % schema.length !== 0)
    throw ctx.source.unsupported(node, 'datatable', 'value count is not a multiple of the column count');
  const columnList = schema.map((c) => quoteIdent(c.name)).join(', ');
  const cast = (v: SqlExpr, type: KqlType) =>
    type === 'dynamic' ? jsonSql(v) : type === 'string' ? asString(v) : `CAST(${v.sql} AS ${duckType(type)})`;
  let sql: string;
  if (values.length === 0) {
    sql = `SELECT ${schema.map((c) => `${emptyValue(c.type)} AS ${quoteIdent(c.name)}`).join(', ')} WHERE false`;
  } else {
    const rows: string[] = [];
    for (let i = 0; i < values.length; i += schema.length) {
      rows.push(`(${schema.map((c, j) => cast(values[i + j], c.type)).join(', ')})`);
    }
    sql = `SELECT * FROM (VALUES ${rows.join(', ')}) AS t(${columnList})`;
  }
  return { from: ctx.addCte(sql), ordered: false, columns: schema };
}

function print(node: Node, ctx: Context): Relation {
  const items = elements(node.Expressions);
  const names = analyzedColumns(node);
  const exprs = items.map((item) => scalar(itemName(item) ? item.Expression : item, { columns: [] }, ctx));
  if (names.length !== exprs.length) throw ctx.source.unsupported(node, 'print shape');
  return {
    from: ctx.addCte(`SELECT ${exprs.map((e, i) => `${e.sql} AS ${quoteIdent(names[i].name)}`).join(', ')}`),
    ordered: false,
    columns: exprs.map((e, i) => ({ name: names[i].name, type: e.type, list: e.list })),
  };
}

/** `range x from a to b step s`: one row per value, the stop included. */
function rangeTable(node: Node, ctx: Context): Relation {
  const [column] = analyzedColumns(node);
  const bounds = childNodes(node)
    .filter((n) => kindOf(n) !== 'NameDeclaration')
    .map((n) => scalar(n, { columns: [] }, ctx));
  if (!column || bounds.length !== 3) throw ctx.source.unsupported(node, 'range operator shape');
  const [from, to, step] = bounds;
  const numeric = (t: KqlType) => t === 'int' || t === 'long';
  const ok =
    (numeric(from.type) && numeric(to.type) && numeric(step.type)) ||
    (from.type === 'datetime' && to.type === 'datetime' && step.type === 'timespan');
  if (!ok) throw ctx.source.unsupported(node, `range over ${from.type}/${to.type}/${step.type}`);
  const type: KqlType = from.type === 'datetime' ? 'datetime' : 'long';
  const cast = (e: SqlExpr) => (type === 'long' ? `CAST(${e.sql} AS BIGINT)` : e.sql);
  const sql = `SELECT unnest(generate_series(${cast(from)}, ${cast(to)}, ${cast(step)})) AS ${quoteIdent(column.name)}`;
  return { from: ctx.addCte(sql), ordered: false, columns: [{ name: column.name, type }] };
}
