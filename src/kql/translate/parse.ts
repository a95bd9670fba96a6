/** `parse` / `parse-where` (kind=simple): constants and typed captures compiled to one RE2 pattern. */
import type { KqlType } from '../../schemas/tables.js';
import type { Context } from './context.js';
import type { Relation, RelColumn } from './model.js';
import { asString, constantOf, scalar } from './scalar.js';
import { duckType, emptyValue, quoteIdent, quoteString, regexEscape } from './sql.js';
import { operatorParameters, scopeOf, selectColumns, typeFromText } from './stage.js';
import { analyzedColumns, elements, kindOf, type Node } from './syntax.js';

/**
 * parse (simple mode): string constants must appear in order; each named column captures the text
 * up to the next constant (the last one to the end), `*` skips. A row that does not match gets
 * empty values, as in Kusto.
 */
export function parse(op: Node, input: Relation, ctx: Context, onlyMatched = false): Relation {
  const params = operatorParameters(op, ctx, ['kind']);
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

/** The capture group a typed parse column uses: numbers match digits, everything else any text. */
function captureFor(type: KqlType, last: boolean): string {
  if (type === 'int' || type === 'long') return '([-+]?[0-9]+)';
  if (type === 'real') return '([-+]?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)';
  if (type === 'bool') return '((?i:true|false))';
  return last ? '(.*)' : '(.*?)';
}
