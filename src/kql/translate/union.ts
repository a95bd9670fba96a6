/** `union`: columns by name (outer union), fuzzy sources left out when they have no data. */
import type { Context } from './context.js';
import type { Relation, RelColumn } from './model.js';
import { emptyValue, quoteIdent } from './sql.js';
import { operatorParameters } from './stage.js';
import { analyzedColumns, elements, kindOf, type Node } from './syntax.js';

/** union: columns by name (outer union); a column missing from an input is empty there. */
export function union(op: Node, leading: Relation[], ctx: Context): Relation {
  const params = operatorParameters(op, ctx, ['kind', 'withsource', 'isfuzzy']);
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
    else inputs.push(ctx.tabular(e));
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
