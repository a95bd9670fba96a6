/**
 * Result rows read as JSON text written by DuckDB. The client library converts a result value by
 * value (a native call and a text decoding per string): 26 ms for a DNS hunt's 2,453 rows of 25
 * columns, 72 ms while its code is still cold, where DuckDB writing each row as one JSON text and
 * JSON.parse reading it take about 10. The values are the ones toJsonSafe gives the library's
 * conversion: every column type used here is written so that JSON.parse yields exactly that value;
 * a result with any other column type (lists, structs, intervals, decimals, blobs …) is not read
 * this way.
 */
import type { DuckDBType } from '@duckdb/node-api';
import { sqlIdentifier } from './sql/literal.js';

/** DuckDBTypeId values (the enum itself lives in the client library, which loads lazily). */
const TYPE = {
  BOOLEAN: 1,
  TINYINT: 2,
  SMALLINT: 3,
  INTEGER: 4,
  BIGINT: 5,
  UTINYINT: 6,
  USMALLINT: 7,
  UINTEGER: 8,
  UBIGINT: 9,
  FLOAT: 10,
  DOUBLE: 11,
  TIMESTAMP: 12,
  DATE: 13,
  HUGEINT: 16,
  VARCHAR: 17,
  UUID: 27,
  TIMESTAMP_TZ: 31,
  UHUGEINT: 32,
  SQLNULL: 36,
} as const;

const AS_IS = new Set<number>([
  TYPE.BOOLEAN,
  TYPE.TINYINT,
  TYPE.SMALLINT,
  TYPE.INTEGER,
  TYPE.UTINYINT,
  TYPE.USMALLINT,
  TYPE.UINTEGER,
  TYPE.VARCHAR,
  TYPE.UUID,
  TYPE.SQLNULL,
]);
const WIDE_INTEGERS = new Set<number>([TYPE.BIGINT, TYPE.UBIGINT, TYPE.HUGEINT, TYPE.UHUGEINT]);
const TIMES = new Set<number>([TYPE.TIMESTAMP, TYPE.TIMESTAMP_TZ, TYPE.DATE]);

export interface JsonRowPlan {
  /** A query of one VARCHAR column, each row of `sql` as a JSON object. */
  sql: string;
  /** Columns written as epoch milliseconds, to be turned into ISO 8601 text. */
  timeColumns: string[];
}

/**
 * How to read the rows of `sql` (whose result has these columns) as JSON text, or null when a
 * column's type has no exact JSON form here or two columns share a name. `sql` must be a single
 * query: it becomes a subquery, whose ORDER BY a projection keeps.
 */
export function jsonRowPlan(sql: string, names: string[], types: DuckDBType[]): JsonRowPlan | null {
  if (names.length === 0) return null;
  const seen = new Set<string>();
  const fields: string[] = [];
  const timeColumns: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    // Struct field names are case-insensitive in DuckDB.
    if (seen.has(name.toLowerCase())) return null;
    seen.add(name.toLowerCase());
    const value = jsonValueSql(sqlIdentifier(name), types[i]);
    if (value === null) return null;
    if (TIMES.has(types[i].typeId)) timeColumns.push(name);
    fields.push(`${sqlIdentifier(name)} := ${value}`);
  }
  return {
    sql: `SELECT CAST(to_json(struct_pack(${fields.join(', ')})) AS VARCHAR) FROM (${sql}) AS hf_rows`,
    timeColumns,
  };
}

/** A column's value in the JSON form toJsonSafe gives it, or null if there is none here. */
function jsonValueSql(column: string, type: DuckDBType): string | null {
  const id = type.typeId;
  // JSON text is embedded as it is: the same as parsing it (DuckDB's JSON type holds valid JSON).
  if (type.alias === 'JSON') return id === TYPE.VARCHAR ? column : null;
  if (type.alias !== undefined && id !== TYPE.VARCHAR) return null;
  if (AS_IS.has(id)) return column;
  // Integers a JavaScript number holds exactly are numbers; larger ones are decimal text.
  if (WIDE_INTEGERS.has(id))
    return `CASE WHEN ${column} BETWEEN -9007199254740991 AND 9007199254740991 THEN to_json(${column}) ELSE to_json(CAST(${column} AS VARCHAR)) END`;
  // A float is the double it widens to; NaN and the infinities are their names, as String() writes them.
  if (id === TYPE.DOUBLE || id === TYPE.FLOAT) {
    const double = `CAST(${column} AS DOUBLE)`;
    return `CASE WHEN isfinite(${double}) THEN to_json(${double}) WHEN isnan(${double}) THEN to_json('NaN') WHEN ${double} > 0 THEN to_json('Infinity') WHEN ${double} < 0 THEN to_json('-Infinity') END`;
  }
  // Timestamps cut to milliseconds toward zero, as the client library's Date conversion does.
  if (id === TYPE.TIMESTAMP || id === TYPE.TIMESTAMP_TZ) return `epoch_ms(${column})`;
  if (id === TYPE.DATE) return `epoch_ms(CAST(${column} AS TIMESTAMP))`;
  return null;
}

/** Parses rows written by a JsonRowPlan's query. */
export function parseJsonRows(texts: readonly unknown[], timeColumns: string[]): Record<string, unknown>[] {
  const rows = new Array<Record<string, unknown>>(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const row = JSON.parse(texts[i] as string) as Record<string, unknown>;
    for (const column of timeColumns) {
      const ms = row[column];
      if (typeof ms === 'number') row[column] = new Date(ms).toISOString();
    }
    rows[i] = row;
  }
  return rows;
}
