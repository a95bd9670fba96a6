/**
 * Column types and value conversion into Sentinel-shaped tables.
 *
 * KQL → DuckDB: string→VARCHAR, int→INTEGER, long→BIGINT, real→DOUBLE, bool→BOOLEAN,
 * datetime→TIMESTAMP (UTC; naive input is taken as UTC), dynamic→JSON, guid→VARCHAR,
 * decimal→DOUBLE, timespan→INTERVAL (so `ts - ts` and `ts + span` keep their DuckDB meaning).
 *
 * A value that cannot be converted to its column's type becomes null, as Log Analytics does on
 * ingestion; only records that cannot be read at all count as malformed.
 */
import { type KqlType, tableSchema } from '../../schemas/tables.js';
import { quoteLiteral } from './sql.js';

export interface ColumnDef {
  name: string;
  /** DuckDB type as DESCRIBE prints it, e.g. VARCHAR, TIMESTAMP, "JSON", STRUCT(...). */
  type: string;
}

const KQL_TO_DUCKDB: Record<KqlType, string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  long: 'BIGINT',
  real: 'DOUBLE',
  bool: 'BOOLEAN',
  datetime: 'TIMESTAMP',
  dynamic: 'JSON',
  guid: 'VARCHAR',
  decimal: 'DOUBLE',
  timespan: 'INTERVAL',
};

export function duckdbType(kql: KqlType): string {
  return KQL_TO_DUCKDB[kql];
}

/** The bundled schema of a Sentinel table as DuckDB columns, or undefined for tables we do not know. */
export function bundledColumns(table: string): ColumnDef[] | undefined {
  return tableSchema(table)?.map((c) => ({ name: c.name, type: duckdbType(c.type) }));
}

/** `TimeGenerated [UTC]` (Log Analytics and Defender portal CSV/JSON exports) → `TimeGenerated`. */
export function normalizeColumnName(name: string): string {
  return name.replace(/\s*\[(UTC|Local Time|local)\]\s*$/i, '').trim();
}

/** Time formats seen in portal exports, tried after DuckDB's own ISO parsing. */
const EXPORT_TIME_FORMATS = [
  '%d/%m/%Y, %H:%M:%S.%g',
  '%d/%m/%Y, %H:%M:%S',
  '%m/%d/%Y, %I:%M:%S.%g %p',
  '%m/%d/%Y, %I:%M:%S %p',
  '%d/%m/%Y %H:%M:%S.%g',
  '%d/%m/%Y %H:%M:%S',
  '%d.%m.%Y %H:%M:%S',
];

const formatList = `[${EXPORT_TIME_FORMATS.map(quoteLiteral).join(', ')}]`;

/** Text → UTC TIMESTAMP: ISO 8601 with or without offset, 7-digit fractions, portal export formats. */
export function parseTimeExpr(text: string): string {
  const full = `COALESCE(TRY_CAST(${text} AS TIMESTAMPTZ), try_strptime(${text}, ${formatList})::TIMESTAMPTZ)::TIMESTAMP`;
  // Most exported times end in Z: the plain cast reads those four times faster than the zone-aware one
  // (which is still needed for offsets, since a plain cast would drop them).
  return `CASE WHEN suffix(${text}, 'Z') THEN COALESCE(TRY_CAST(${text} AS TIMESTAMP), ${full}) ELSE ${full} END`;
}

const NESTED = /^(STRUCT|MAP|UNION)\(|\[\d*\]$/;

function isNested(type: string): boolean {
  return NESTED.test(type);
}

function isText(type: string): boolean {
  return type === 'VARCHAR';
}

function isJson(type: string): boolean {
  return type === 'JSON' || type === '"JSON"';
}

const NUMERIC = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'FLOAT',
  'DOUBLE',
]);

export function isNumeric(type: string): boolean {
  return NUMERIC.has(type) || type.startsWith('DECIMAL');
}

/** The column type for a column that exists only in the file: nested values become JSON. */
export function extraColumnType(sourceType: string): string {
  if (isNested(sourceType) || isJson(sourceType)) return 'JSON';
  if (sourceType === 'NULL') return 'VARCHAR';
  return sourceType;
}

/** A type that holds both `a` and `b` without losing values, for extra columns seen with two types. */
export function widerType(a: string, b: string): string {
  if (a === b) return a;
  if (isNumeric(a) && isNumeric(b)) {
    const integral = (t: string) => !['FLOAT', 'DOUBLE'].includes(t) && !t.startsWith('DECIMAL');
    return integral(a) && integral(b) ? 'BIGINT' : 'DOUBLE';
  }
  if (isJson(a) && isJson(b)) return 'JSON';
  return 'VARCHAR';
}

/** SQL converting `expr` of DuckDB type `from` into column type `to`; unconvertible values become null. */
export function convertExpr(expr: string, from: string, to: string): string {
  if (isJson(from) && isJson(to)) {
    // Log Analytics exports write dynamic objects as JSON text inside a string: unwrap those
    const inner = `json_extract_string(${expr}, '$')`;
    return `CASE WHEN json_type(${expr}) = 'VARCHAR' AND json_valid(${inner}) AND left(ltrim(${inner}), 1) IN ('{', '[') THEN ${inner}::JSON ELSE ${expr} END`;
  }
  if (from === to) return expr;
  if (from === 'NULL') return `NULL::${to}`;
  switch (to) {
    case 'TIMESTAMP':
      if (isText(from)) return parseTimeExpr(expr);
      if (isJson(from)) return parseTimeExpr(`json_extract_string(${expr}, '$')`);
      if (isNumeric(from)) return `TRY_CAST(to_timestamp(${expr}::DOUBLE) AS TIMESTAMP)`;
      return `TRY_CAST(${expr} AS TIMESTAMP)`;
    case 'JSON':
      if (isText(from))
        return `CASE WHEN json_valid(${expr}) AND left(ltrim(${expr}), 1) IN ('{', '[', '"') THEN ${expr}::JSON ELSE to_json(${expr}) END`;
      return `to_json(${expr})`;
    case 'VARCHAR':
      if (isJson(from))
        return `CASE WHEN json_type(${expr}) = 'VARCHAR' THEN json_extract_string(${expr}, '$') ELSE ${expr}::VARCHAR END`;
      if (isNested(from)) return `to_json(${expr})::VARCHAR`;
      if (from === 'TIMESTAMP' || from.startsWith('TIMESTAMP'))
        return `strftime(${expr}::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%fZ')`;
      return `CAST(${expr} AS VARCHAR)`;
    default:
      if (isJson(from)) return `TRY_CAST(json_extract_string(${expr}, '$') AS ${to})`;
      if (isText(from) && isNumeric(to) && !['DOUBLE', 'FLOAT'].includes(to))
        // '443.0' and ' 443 ' are still a port
        return `COALESCE(TRY_CAST(trim(${expr}) AS ${to}), TRY_CAST(TRY_CAST(trim(${expr}) AS DOUBLE) AS ${to}))`;
      return `TRY_CAST(${expr} AS ${to})`;
  }
}
