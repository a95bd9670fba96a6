/** Quoting for the SQL that ingestion generates: every name and literal goes through these. */

export { sqlIdentifier as quoteIdent, sqlString as quoteLiteral } from '../sql/literal.js';

import { sqlString as quoteLiteral } from '../sql/literal.js';

/** A DuckDB struct literal `{'name': 'TYPE', ...}` as read_json/read_csv `columns=` expect. */
export function columnsStruct(columns: { name: string; type: string }[]): string {
  return `{${columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`;
}
