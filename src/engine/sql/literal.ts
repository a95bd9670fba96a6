/** The one place where values and names become DuckDB SQL text. */

/**
 * A single-quoted literal (quotes doubled; DuckDB treats backslashes literally). NUL, which a
 * literal cannot hold, is spliced in with chr(0).
 */
export function sqlString(value: string): string {
  return value
    .split('\u0000')
    .map((part) => `'${part.replace(/'/g, "''")}'`)
    .join(' || chr(0) || ');
}

/** A column or table name, always double-quoted (quotes doubled). */
export function sqlIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
