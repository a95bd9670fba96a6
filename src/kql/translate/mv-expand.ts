/** `mv-expand`: arrays and bags into rows, zipped, with typeof() casts and item indexes. */
import type { KqlType } from '../../schemas/tables.js';
import type { Context } from './context.js';
import { ORDINAL, type Relation, type RelColumn, type SqlExpr } from './model.js';
import { scalar } from './scalar.js';
import { duckType, quoteIdent } from './sql.js';
import { generatedNames, operatorParameters, rowCount, scopeOf, typeFromText } from './stage.js';
import { analyzedColumns, analyzedType, elements, kindOf, type Node } from './syntax.js';

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

export function mvExpand(op: Node, input: Relation, ctx: Context): Relation {
  const params = operatorParameters(op, ctx, ['bagexpansion', 'kind', 'with_itemindex']);
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
