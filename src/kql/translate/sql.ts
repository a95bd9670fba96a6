/** SQL text building: the one quoting function for identifiers and for string literals. */
import type { KqlType } from '../../schemas/tables.js';

export { sqlIdentifier as quoteIdent, sqlString as quoteString } from '../../engine/sql/literal.js';

/** The DuckDB type a KQL scalar type is held in. */
export function duckType(type: KqlType): string {
  switch (type) {
    case 'string':
    case 'guid':
      return 'VARCHAR';
    case 'int':
      return 'INTEGER';
    case 'long':
      return 'BIGINT';
    case 'real':
    case 'decimal':
      return 'DOUBLE';
    case 'bool':
      return 'BOOLEAN';
    case 'datetime':
      return 'TIMESTAMP';
    case 'timespan':
      return 'INTERVAL';
    case 'dynamic':
      return 'JSON';
  }
}

/** A typed NULL, or '' for string: KQL strings are never null. */
export function emptyValue(type: KqlType): string {
  return type === 'string' ? "''" : `CAST(NULL AS ${duckType(type)})`;
}

export function timestampLiteral(d: Date): string {
  return `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

export function intervalLiteral(micros: number): string {
  return `to_microseconds(${Math.trunc(micros)})`;
}

/** Escapes text for use inside an RE2 pattern. */
export function regexEscape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
