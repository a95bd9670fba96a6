/** Tabular KQL (table references, pipes, query operators) → one CTE per stage. */

import { localTableFor } from '../../hunts/datasources.js';
import type { KqlType } from '../../schemas/tables.js';
import { summarize } from './aggregates.js';
import type { Context, Scope } from './context.js';
import { ORDINAL, type Relation, type RelColumn, type SqlExpr } from './model.js';
import { asString, constantOf, jsonSql, scalar, unbox } from './scalar.js';
import { duckType, emptyValue, quoteIdent, quoteString, regexEscape } from './sql.js';
import { analyzedColumns, analyzedType, childNodes, elements, kindOf, type Node } from './syntax.js';

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
      noParameters(op, ctx);
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

function noParameters(op: Node, ctx: Context, allowed: string[] = []): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const p of elements(op.Parameters)) {
    const name = String(p.Name?.SimpleName ?? '');
    if (name.startsWith('hint.')) continue; // hints change speed, never results
    if (!allowed.includes(name)) throw ctx.source.unsupported(p, `parameter '${name}'`);
    out.set(name, p.Expression);
  }
  return out;
}

function scopeOf(rel: Relation, qualifier?: string): Scope {
  return { columns: rel.columns, qualifier, raw: qualifier ? undefined : rel.raw, ordered: rel.ordered };
}

const keepOrdinal = (rel: Relation) => (rel.ordered ? [ORDINAL] : []);

/** `SELECT <expr> AS <name>, …` keeping the hidden ordinal when there is one. */
function selectColumns(items: { sql: string; name: string }[], rel: Relation): string {
  return [
    ...items.map((i) => (i.sql === quoteIdent(i.name) ? i.sql : `${i.sql} AS ${quoteIdent(i.name)}`)),
    ...keepOrdinal(rel),
  ].join(', ');
}

function where(op: Node, input: Relation, ctx: Context): Relation {
  noParameters(op, ctx);
  const cond = scalar(op.Condition, scopeOf(input), ctx);
  return { ...input, from: ctx.addCte(`SELECT * FROM ${input.from} WHERE ${cond.sql}`) };
}

/** Names for expressions written without `Name =`: the analyzer's choice, in order. */
function generatedNames(op: Node, input: Relation, explicit: string[]): string[] {
  const inputNames = new Set(input.columns.map((c) => c.name));
  const claimed = new Set(explicit);
  return analyzedColumns(op)
    .map((c) => c.name)
    .filter((n) => !inputNames.has(n) && !claimed.has(n));
}

function itemName(item: Node): string | undefined {
  return kindOf(item) === 'SimpleNamedExpression' ? String(item.Name.SimpleName) : undefined;
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
  noParameters(op, ctx);
  return withOrdinal(input, orderTerms(elements(op.Expressions), scopeOf(input), ctx), ctx);
}

function rowCount(node: Node, ctx: Context): string {
  const e = scalar(node, { columns: [] }, ctx);
  const n = unbox(constantOf(e));
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw ctx.source.unsupported(node, 'row count', 'must be a non-negative integer constant');
  return String(n);
}

function take(op: Node, input: Relation, ctx: Context): Relation {
  noParameters(op, ctx);
  const n = rowCount(op.Expression, ctx);
  const order = input.ordered ? ` ORDER BY ${ORDINAL}` : '';
  return { ...input, from: ctx.addCte(`SELECT * FROM ${input.from}${order} LIMIT ${n}`) };
}

function top(op: Node, input: Relation, ctx: Context): Relation {
  noParameters(op, ctx);
  const n = rowCount(op.Expression, ctx);
  return withOrdinal(input, orderTerms([op.ByExpression], scopeOf(input), ctx), ctx, n);
}

function distinct(op: Node, input: Relation, ctx: Context): Relation {
  noParameters(op, ctx);
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
  noParameters(node, ctx);
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

function typeFromText(text: string, node: Node, ctx: Context): KqlType {
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

/** union: columns by name (outer union); a column missing from an input is empty there. */
function union(op: Node, leading: Relation[], ctx: Context): Relation {
  const params = noParameters(op, ctx, ['kind', 'withsource', 'isfuzzy']);
  const kindParam = params.get('kind');
  if (kindParam && String(kindParam.ConstantValue ?? ctx.source.snippet(kindParam)).toLowerCase() !== 'outer')
    throw ctx.source.unsupported(kindParam, `union kind '${ctx.source.snippet(kindParam)}'`);
  if (params.has('withsource')) throw ctx.source.unsupported(op, 'union withsource=');
  // isfuzzy=true: Kusto leaves out sources that do not exist; here, tables with no loaded data.
  const fuzzy = params.has('isfuzzy') && ctx.source.snippet(params.get('isfuzzy')).toLowerCase() === 'true';
  const inputs = [...leading];
  let skipped = false;
  for (const e of elements(op.Expressions)) {
    if (fuzzy && isUnloadedTable(e, ctx)) skipped = true;
    else inputs.push(tabular(e, ctx));
  }
  const output = analyzedColumns(op);
  const columns: RelColumn[] = output.map((o) => {
    for (const rel of inputs) {
      const c = rel.columns.find((ic) => ic.name === o.name);
      if (c) return { name: o.name, type: c.type, list: c.list };
    }
    if (skipped && o.type) return { name: o.name, type: o.type };
    throw ctx.source.unsupported(op, `union column '${o.name}'`, 'inputs disagree on its type');
  });
  if (inputs.length === 0) {
    const select = columns.map((c) => `${emptyValue(c.type)} AS ${quoteIdent(c.name)}`).join(', ');
    return { from: ctx.addCte(`SELECT ${select || '1 AS "_"'} WHERE false`), ordered: false, columns };
  }
  const parts = inputs.map((rel) => {
    const select = columns.map((c) => {
      const own = rel.columns.find((ic) => ic.name === c.name);
      if (!own) return `${emptyValue(c.type)} AS ${quoteIdent(c.name)}`;
      if (own.type !== c.type)
        throw ctx.source.unsupported(op, `union column '${c.name}'`, `${own.type} vs ${c.type}`);
      const sql =
        own.list || c.list
          ? own.list === c.list
            ? quoteIdent(c.name)
            : `to_json(${quoteIdent(c.name)})`
          : quoteIdent(c.name);
      return `${sql} AS ${quoteIdent(c.name)}`;
    });
    return `SELECT ${select.join(', ')} FROM ${rel.from}`;
  });
  const mixedLists = columns.map((c) =>
    inputs.some((r) => r.columns.find((ic) => ic.name === c.name)?.list !== c.list),
  );
  return {
    from: ctx.addCte(parts.join(' UNION ALL ')),
    ordered: false,
    columns: columns.map((c, i) => (mixedLists[i] ? { name: c.name, type: c.type } : c)),
  };
}

function isUnloadedTable(node: Node, ctx: Context): boolean {
  const symbol = node.ReferencedSymbol;
  return (
    kindOf(node) === 'NameReference' &&
    Boolean(symbol?.constructor?.$$name?.endsWith('TableSymbol')) &&
    !ctx.tables[String(symbol.Name)]
  );
}

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

function join(op: Node, input: Relation, ctx: Context): Relation {
  const params = noParameters(op, ctx, ['kind']);
  const kind = kindParameter(params, 'innerunique', ctx);
  const right = tabular(op.Expression, ctx);
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
function lookup(op: Node, input: Relation, ctx: Context): Relation {
  const params = noParameters(op, ctx, ['kind']);
  const kind = kindParameter(params, 'leftouter', ctx);
  if (kind !== 'leftouter' && kind !== 'inner')
    throw ctx.source.unsupported(params.get('kind') ?? op, `lookup kind '${kind}'`);
  const right = tabular(op.Expression, ctx);
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

/** A dynamic value as the list mv-expand walks: null → one null row, [] → none, bag → its entries. */
function expansionList(e: SqlExpr): { sql: string; element: string } {
  if (e.list) return { sql: `COALESCE(${e.sql}, [NULL])`, element: e.list };
  const j = e.sql;
  const bagEntries = `list_transform(json_keys(${j}), k -> json_object(k, json_extract(${j}, '$."' || replace(k, '"', '\\"') || '"')))`;
  return {
    sql: `(CASE WHEN ${j} IS NULL OR json_type(${j}) = 'NULL' THEN [CAST(NULL AS JSON)] WHEN json_type(${j}) = 'ARRAY' THEN CAST(${j} AS JSON[]) WHEN json_type(${j}) = 'OBJECT' THEN ${bagEntries} ELSE [${j}] END)`,
    element: 'JSON',
  };
}

/** `to typeof(T)`: a cast only — elements of another type become null (strings: empty). */
function typedElement(ref: string, element: string, type: KqlType): string {
  if (element !== 'JSON') {
    if (duckType(type) === element) return ref;
    return type === 'string'
      ? `COALESCE(TRY_CAST(${ref} AS VARCHAR), '')`
      : `TRY_CAST(${ref} AS ${duckType(type)})`;
  }
  const jt = `json_type(${ref})`;
  switch (type) {
    case 'string':
      return `COALESCE(CASE WHEN ${jt} = 'VARCHAR' THEN json_extract_string(${ref}, '$') END, '')`;
    case 'int':
    case 'long':
      return `(CASE WHEN ${jt} IN ('BIGINT', 'UBIGINT') THEN TRY_CAST(json_extract_string(${ref}, '$') AS ${duckType(type)}) END)`;
    case 'real':
      return `(CASE WHEN ${jt} IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN TRY_CAST(json_extract_string(${ref}, '$') AS DOUBLE) END)`;
    case 'bool':
      return `(CASE WHEN ${jt} = 'BOOLEAN' THEN TRY_CAST(json_extract_string(${ref}, '$') AS BOOLEAN) END)`;
    case 'datetime':
      return `CAST(TRY_CAST(CASE WHEN ${jt} = 'VARCHAR' THEN json_extract_string(${ref}, '$') END AS TIMESTAMPTZ) AS TIMESTAMP)`;
    case 'dynamic':
      return ref;
    default:
      return `TRY_CAST(json_extract_string(${ref}, '$') AS ${duckType(type)})`;
  }
}

function mvExpand(op: Node, input: Relation, ctx: Context): Relation {
  const params = noParameters(op, ctx, ['bagexpansion', 'kind', 'with_itemindex']);
  for (const k of ['bagexpansion', 'kind']) {
    const p = params.get(k);
    if (p && ctx.source.snippet(p).toLowerCase() !== 'bag')
      throw ctx.source.unsupported(p, `mv-expand ${k}=${ctx.source.snippet(p)}`);
  }
  const indexNode = params.get('with_itemindex');
  const indexName = indexNode ? String(indexNode.SimpleName) : undefined;
  const rowLimit = op.RowLimitClause ? rowCount(op.RowLimitClause.RowLimit, ctx) : undefined;
  const items = elements(op.Expressions);
  const explicit = items.map((i) =>
    kindOf(i.Expression) === 'SimpleNamedExpression' ? String(i.Expression.Name.SimpleName) : undefined,
  );
  const generated = generatedNames(op, input, [
    ...explicit.filter((n): n is string => !!n),
    ...(indexName ? [indexName] : []),
  ]);
  const scope = scopeOf(input);
  const expansions = items.map((item, i) => {
    const inner = item.Expression;
    const named = kindOf(inner) === 'SimpleNamedExpression';
    const exprNode = named ? inner.Expression : inner;
    const name =
      explicit[i] ??
      (kindOf(exprNode) === 'NameReference' ? String(exprNode.ReferencedSymbol?.Name) : generated.shift());
    if (!name) throw ctx.source.unsupported(item, 'unnamed mv-expand expression');
    const e = scalar(exprNode, scope, ctx);
    if (e.type !== 'dynamic') throw ctx.source.unsupported(item, `mv-expand of ${e.type}`);
    const typeNode = item.ToTypeOf?.TypeOf;
    const target: KqlType = typeNode
      ? (analyzedType(item) ??
        typeFromText(ctx.source.snippet(typeNode).replace(/^typeof\(|\)$/g, ''), typeNode, ctx))
      : 'dynamic';
    return { name, list: expansionList(e), target };
  });
  const lists = expansions.map((x, i) => `${x.list.sql} AS __mv${i}`);
  const staged = ctx.addCte(`SELECT *, ${lists.join(', ')} FROM ${input.from}`);
  const maxLen =
    expansions.length === 1
      ? 'len(__mv0)'
      : `GREATEST(${expansions.map((_, i) => `len(__mv${i})`).join(', ')})`;
  const unnested = expansions.map((_, i) => `unnest(__mv${i}) AS __mv${i}`);
  const exploded = ctx.addCte(
    `SELECT * EXCLUDE (${expansions.map((_, i) => `__mv${i}`).join(', ')}), ${unnested.join(', ')}, unnest(generate_series(0, ${maxLen} - 1)) AS __mvi FROM ${staged}`,
  );
  const columns: RelColumn[] = [];
  const select: string[] = [];
  const output = analyzedColumns(op);
  for (const o of output) {
    const x = expansions.findIndex((ex) => ex.name === o.name);
    if (x >= 0) {
      const ex = expansions[x];
      const keepList = ex.target === 'dynamic' && ex.list.element !== 'JSON';
      const sql =
        ex.target === 'dynamic'
          ? keepList
            ? `to_json(__mv${x})`
            : `__mv${x}`
          : typedElement(`__mv${x}`, ex.list.element, ex.target);
      select.push(`${sql} AS ${quoteIdent(o.name)}`);
      columns.push({ name: o.name, type: ex.target });
    } else if (o.name === indexName) {
      select.push(`__mvi AS ${quoteIdent(o.name)}`);
      columns.push({ name: o.name, type: 'long' });
    } else {
      const c = input.columns.find((ic) => ic.name === o.name);
      if (!c) throw ctx.source.unsupported(op, `mv-expand column '${o.name}'`);
      select.push(quoteIdent(c.name));
      columns.push(c);
    }
  }
  if (input.ordered) select.push(`row_number() OVER (ORDER BY ${ORDINAL}, __mvi) AS ${ORDINAL}`);
  const limit = rowLimit !== undefined ? ` WHERE __mvi < ${rowLimit}` : '';
  return {
    from: ctx.addCte(`SELECT ${select.join(', ')} FROM ${exploded}${limit}`),
    ordered: input.ordered,
    columns,
  };
}

/**
 * parse (simple mode): string constants must appear in order; each named column captures the text
 * up to the next constant (the last one to the end), `*` skips. A row that does not match gets
 * empty values, as in Kusto.
 */
function parse(op: Node, input: Relation, ctx: Context, onlyMatched = false): Relation {
  const params = noParameters(op, ctx, ['kind']);
  const kindNode = params.get('kind');
  if (kindNode && ctx.source.snippet(kindNode).toLowerCase() !== 'simple')
    throw ctx.source.unsupported(kindNode, `parse kind=${ctx.source.snippet(kindNode)}`);
  const text = asString(scalar(op.Expression, scopeOf(input), ctx));
  const patterns = elements(op.Patterns);
  let regex = '^';
  const captures: { name: string; type: KqlType }[] = [];
  patterns.forEach((p, i) => {
    const kind = kindOf(p);
    const last = i === patterns.length - 1;
    if (kind === 'StarExpression') regex += last ? '.*' : '.*?';
    else if (kind === 'NameAndTypeDeclaration' || kind === 'NameDeclaration') {
      const name = String(kind === 'NameDeclaration' ? p.SimpleName : p.Name.SimpleName);
      const type: KqlType =
        kind === 'NameDeclaration' ? 'string' : typeFromText(ctx.source.snippet(p.Type), p.Type, ctx);
      captures.push({ name, type });
      regex += captureFor(type, last);
    } else {
      const e = scalar(p, { columns: [] }, ctx);
      const c = constantOf(e);
      if (typeof c !== 'string')
        throw ctx.source.unsupported(p, `parse pattern element '${ctx.source.snippet(p)}'`);
      regex += regexEscape(c);
    }
  });
  const pattern = quoteString(`(?s)${regex}`);
  const matched = `regexp_matches(${text}, ${pattern})`;
  const extended = new Map<string, { sql: string; type: KqlType }>();
  captures.forEach((c, i) => {
    const raw = `regexp_extract(${text}, ${pattern}, ${i + 1})`;
    const value =
      c.type === 'string'
        ? raw
        : c.type === 'datetime'
          ? `CAST(TRY_CAST(NULLIF(${raw}, '') AS TIMESTAMPTZ) AS TIMESTAMP)`
          : c.type === 'dynamic'
            ? `TRY_CAST(${raw} AS JSON)`
            : `TRY_CAST(${raw} AS ${duckType(c.type)})`;
    extended.set(c.name, {
      sql: `(CASE WHEN ${matched} THEN ${value} ELSE ${emptyValue(c.type)} END)`,
      type: c.type,
    });
  });
  const output = analyzedColumns(op);
  const columns: RelColumn[] = [];
  const select = output.map((o) => {
    const x = extended.get(o.name);
    if (x) {
      columns.push({ name: o.name, type: x.type });
      return { sql: x.sql, name: o.name };
    }
    const c = input.columns.find((ic) => ic.name === o.name);
    if (!c) throw ctx.source.unsupported(op, `parse column '${o.name}'`);
    columns.push(c);
    return { sql: quoteIdent(c.name), name: c.name };
  });
  // parse-where keeps only the rows that parsed.
  const filter = onlyMatched ? ` WHERE ${matched}` : '';
  return {
    from: ctx.addCte(`SELECT ${selectColumns(select, input)} FROM ${input.from}${filter}`),
    ordered: input.ordered,
    columns,
  };
}

function searchTerm(term: string, caseSensitive: boolean, input: Relation, at: Node, ctx: Context): string {
  const prefix = term.startsWith('*');
  const suffix = term.endsWith('*') && term.length > 1;
  const core = term.replace(/^\*|\*$/g, '');
  if (core === '' || core.includes('*') || !/^[\p{L}\p{N}]+$/u.test(core))
    throw ctx.source.unsupported(
      at,
      `search term '${term}'`,
      'a single alphanumeric term, optionally with * at its ends',
    );
  const guard = '[^\\p{L}\\p{N}]';
  const body = regexEscape(core);
  // has: whole term; "x*": term prefix; "*x": term suffix; "*x*": substring.
  const pattern =
    prefix && suffix
      ? body
      : prefix
        ? `${body}(?:${guard}|$)`
        : suffix
          ? `(?:^|${guard})${body}`
          : `(?:^|${guard})${body}(?:${guard}|$)`;
  const regex = quoteString(`${caseSensitive ? '' : '(?i)'}${pattern}`);
  const tests = input.columns.map(
    (c) => `regexp_matches(${asString({ sql: quoteIdent(c.name), type: c.type, list: c.list })}, ${regex})`,
  );
  return tests.length ? tests.join(' OR ') : 'false';
}

/** The capture group a typed parse column uses: numbers match digits, everything else any text. */
function captureFor(type: KqlType, last: boolean): string {
  if (type === 'int' || type === 'long') return '([-+]?[0-9]+)';
  if (type === 'real') return '([-+]?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)';
  if (type === 'bool') return '((?i:true|false))';
  return last ? '(.*)' : '(.*?)';
}

/**
 * `T | search "term"` is `where * has "term"` over every column (as text); `"term*"`, `"*term"` and
 * `"*term*"` are hasprefix, hassuffix and contains; `search *` keeps every row. Case-insensitive
 * unless kind=case_sensitive. Other predicates (column:"x", and/or, regex) are refused.
 */
function search(op: Node, input: Relation, ctx: Context): Relation {
  const params = noParameters(op, ctx, ['kind']);
  const kindParam = params.get('kind');
  const mode = kindParam ? ctx.source.snippet(kindParam).toLowerCase() : 'default';
  if (!['default', 'case_insensitive', 'case_sensitive'].includes(mode))
    throw ctx.source.unsupported(kindParam, `search kind=${mode}`);
  if (op.InClause) throw ctx.source.unsupported(op, 'search in (...)');
  const cond = op.Condition;
  let where: string;
  if (kindOf(cond) === 'StarExpression') where = 'true';
  else if (kindOf(cond) === 'StringLiteralExpression') {
    where = searchTerm(String(cond.ConstantValue), mode === 'case_sensitive', input, cond, ctx);
  } else
    throw ctx.source.unsupported(cond, 'search predicate', 'only "term", "term*", "*term", "*term*" or *');
  // Kusto's search adds a $table column naming the table each row came from.
  if (!input.table) throw ctx.source.unsupported(op, 'search over a computed table');
  const output = analyzedColumns(op);
  const select = output.map((o) => {
    if (o.name === '$table') return `${quoteString(input.table!)} AS ${quoteIdent(o.name)}`;
    if (!input.columns.some((c) => c.name === o.name))
      throw ctx.source.unsupported(op, `search column '${o.name}'`);
    return quoteIdent(o.name);
  });
  const columns = output.map(
    (o) => input.columns.find((c) => c.name === o.name) ?? { name: o.name, type: 'string' as KqlType },
  );
  return {
    ...input,
    columns,
    raw: undefined,
    from: ctx.addCte(
      `SELECT ${[...select, ...keepOrdinal(input)].join(', ')} FROM ${input.from} WHERE ${where}`,
    ),
  };
}
