/** Quoting for the SQL that ingestion generates: every name and literal goes through these. */

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A DuckDB struct literal `{'name': 'TYPE', ...}` as read_json/read_csv `columns=` expect. */
export function columnsStruct(columns: { name: string; type: string }[]): string {
  return `{${columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`;
}
