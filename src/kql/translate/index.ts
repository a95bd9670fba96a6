/**
 * KQL → DuckDB SQL. Microsoft's parser parses and analyses the query against the tables' schemas;
 * the syntax tree becomes one CTE per pipe stage; anything outside the supported subset fails with
 * KqlUnsupportedError naming it and its position.
 */
import type { Column, KqlType } from '../../schemas/tables.js';
import { kustoGlobals } from '../kusto.js';
import type { Context, LetBinding } from './context.js';
import { KqlSemanticError, positionAt } from './errors.js';
import { ORDINAL, type Relation } from './model.js';
import { scalar } from './scalar.js';
import { quoteIdent } from './sql.js';
import { elements, kindOf, kusto, type Node, SourceText } from './syntax.js';
import { tabular } from './tabular.js';

export { KqlMissingTableError, KqlSemanticError, KqlUnsupportedError, type QueryPosition } from './errors.js';

export interface TranslateOptions {
  /** The instant now()/ago() refer to; one per query (default: the time of the call). */
  now?: Date;
  /** DuckDB types of stored columns (table → column → type) when not the usual storage of their KQL type. */
  storedTypes?: Record<string, Record<string, string>>;
}

export interface TranslatedQuery {
  sql: string;
  columns: { name: string; type: KqlType }[];
}

/** Translates a KQL query over `tables` (the DuckDB tables present, KQL-typed) into one SQL query. */
export function translateKql(
  query: string,
  tables: Record<string, Column[]>,
  options: TranslateOptions = {},
): TranslatedQuery {
  const K = kusto().Language;
  const code = K.KustoCode.ParseAndAnalyze(query, globalsFor(tables));
  const Bridge = (globalThis as unknown as { Bridge: { toArray(x: unknown): Node[] } }).Bridge;
  const errors = Bridge.toArray(code.GetDiagnostics()).filter((d: Node) => d.Severity === 'Error');
  if (errors.length > 0) {
    // A table known to Sentinel but absent from the loaded logs is the real cause of errors such
    // as an unknown `Timestamp` column (the bundled schema differs from Defender's): say so first.
    const missing = unloadedTable(code.Syntax, tables);
    if (missing) throw new SourceText(query).missingTable(missing, String(missing.ReferencedSymbol.Name));
    const d = errors[0];
    throw new KqlSemanticError(String(d.Message), positionAt(query, d.Start), String(d.Code));
  }
  const ctes: string[] = [];
  const ctx: Context = {
    source: new SourceText(query),
    now: options.now ?? new Date(),
    tables,
    storedTypes: options.storedTypes ?? {},
    lets: new Map<string, LetBinding>(),
    addCte(sql) {
      const name = `q${ctes.length}`;
      ctes.push(`${name} AS (${sql})`);
      return name;
    },
    tabular: (node) => tabular(node, ctx),
  };
  let result: Relation | undefined;
  let resultNode: Node | undefined;
  for (const statement of elements(code.Syntax.Statements)) {
    const kind = kindOf(statement);
    if (kind === 'LetStatement') bindLet(statement, ctx);
    else if (kind === 'ExpressionStatement') {
      if (result) throw ctx.source.unsupported(statement, 'second query statement');
      resultNode = statement.Expression;
      result = tabular(statement.Expression, ctx);
    } else throw ctx.source.unsupported(statement, `statement '${ctx.source.snippet(statement)}'`, kind);
  }
  if (!result || !resultNode)
    throw new KqlSemanticError(
      'the query has no tabular expression to run',
      positionAt(query, query.length),
      'KS000',
    );
  return {
    sql: finalSelect(result, ctes),
    columns: result.columns.map((c) => ({ name: c.name, type: c.type })),
  };
}

function bindLet(statement: Node, ctx: Context): void {
  const name = String(statement.Name.SimpleName);
  const value = statement.Expression;
  const kind = kindOf(value);
  if (kind === 'FunctionDeclaration') throw ctx.source.unsupported(value, `user-defined function '${name}'`);
  const rt = value.ResultType;
  const isTable = rt?.constructor?.$$name?.endsWith('TableSymbol');
  if (isTable) ctx.lets.set(name, { kind: 'tabular', relation: tabular(value, ctx) });
  else ctx.lets.set(name, { kind: 'scalar', expr: scalar(value, { columns: [] }, ctx) });
}

/** Output conversions: datetimes as ISO 8601 text, dynamic as JSON text, lists as JSON. */
function finalSelect(rel: Relation, ctes: string[]): string {
  const select = rel.columns.map((c) => {
    const ref = quoteIdent(c.name);
    let sql = ref;
    if (c.type === 'datetime') sql = `strftime(${ref}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
    else if (c.type === 'dynamic') sql = `CAST(${c.list ? `to_json(${ref})` : ref} AS VARCHAR)`;
    else if (c.type === 'timespan') sql = `epoch_us(${ref})`;
    else if (c.type === 'guid') sql = `CAST(${ref} AS VARCHAR)`;
    return sql === ref ? ref : `${sql} AS ${ref}`;
  });
  const order = rel.ordered ? ` ORDER BY ${ORDINAL}` : '';
  const body = `SELECT ${select.length ? select.join(', ') : '1 AS "_"'} FROM ${rel.from}${order}`;
  return ctes.length ? `WITH ${ctes.join(',\n')}\n${body}` : body;
}

function unloadedTable(root: Node, tables: Record<string, Column[]>): Node | undefined {
  let found: Node | undefined;
  kusto().Language.Syntax.SyntaxElement.WalkNodes(root, (n: Node) => {
    const symbol = n.ReferencedSymbol;
    if (
      !found &&
      kindOf(n) === 'NameReference' &&
      symbol?.constructor?.$$name?.endsWith('TableSymbol') &&
      !tables[symbol.Name]
    )
      found = n;
  });
  return found;
}

/** Analyzer globals knowing exactly these table schemas (kustoGlobals caches by their content). */
function globalsFor(tables: Record<string, Column[]>): Node {
  return kustoGlobals(tables);
}
