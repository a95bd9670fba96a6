/** `search`: a term (or term with * ends) over every column as text. */
import type { KqlType } from '../../schemas/tables.js';
import type { Context } from './context.js';
import type { Relation } from './model.js';
import { asString } from './scalar.js';
import { quoteIdent, quoteString, regexEscape } from './sql.js';
import { keepOrdinal, operatorParameters } from './stage.js';
import { analyzedColumns, kindOf, type Node } from './syntax.js';

/**
 * `T | search "term"` is `where * has "term"` over every column (as text); `"term*"`, `"*term"` and
 * `"*term*"` are hasprefix, hassuffix and contains; `search *` keeps every row. Case-insensitive
 * unless kind=case_sensitive. Other predicates (column:"x", and/or, regex) are refused.
 */
export function search(op: Node, input: Relation, ctx: Context): Relation {
  const params = operatorParameters(op, ctx, ['kind']);
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
