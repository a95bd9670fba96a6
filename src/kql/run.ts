/**
 * Runs KQL on the local DuckDB tables: describe the tables, translate the query with Microsoft's
 * parser against their schemas, execute the SQL, and return JSON-safe rows.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Column, KqlType } from '../schemas/tables.js';
import { translateKql } from './translate/index.js';
import { formatTimespan } from './translate/time.js';

/** What runKql needs from a database: run SQL, get row objects (HuntDatabase fits). */
export interface SqlDatabase {
  query(sql: string): Promise<Record<string, unknown>[]>;
}

export interface KqlResult {
  columns: { name: string; type: KqlType }[];
  rows: Record<string, unknown>[];
}

export interface RunKqlOptions {
  now?: Date;
}

export interface TableCatalog {
  /** KQL schema of every table in the database. */
  tables: Record<string, Column[]>;
  /** DuckDB type of every column (table → column → type). */
  storedTypes: Record<string, Record<string, string>>;
}

/** The KQL type a stored DuckDB column is read as. */
export function kqlTypeOfDuckType(duckType: string): KqlType {
  const t = duckType.toUpperCase();
  if (t === 'VARCHAR' || t.startsWith('VARCHAR(') || t === 'TEXT' || t === 'BLOB') return 'string';
  if (t === 'UUID') return 'guid';
  if (t === 'INTEGER' || t === 'SMALLINT' || t === 'TINYINT' || t === 'USMALLINT' || t === 'UTINYINT')
    return 'int';
  if (t === 'BIGINT' || t === 'UINTEGER' || t === 'HUGEINT' || t === 'UBIGINT') return 'long';
  if (t === 'DOUBLE' || t === 'FLOAT' || t.startsWith('DECIMAL')) return 'real';
  if (t === 'BOOLEAN') return 'bool';
  if (t.startsWith('TIMESTAMP') || t === 'DATE') return 'datetime';
  if (t === 'INTERVAL') return 'timespan';
  return 'dynamic'; // JSON, LIST, STRUCT, MAP
}

export async function describeTables(db: SqlDatabase): Promise<TableCatalog> {
  const rows = await db.query(
    "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND NOT starts_with(table_name, '_huntforge') ORDER BY table_name, ordinal_position",
  );
  const catalog: TableCatalog = { tables: {}, storedTypes: {} };
  for (const r of rows) {
    const table = String(r.table_name);
    const column = String(r.column_name);
    const type = String(r.data_type);
    catalog.tables[table] = [
      ...(catalog.tables[table] ?? []),
      { name: column, type: kqlTypeOfDuckType(type) },
    ];
    catalog.storedTypes[table] = { ...catalog.storedTypes[table], [column]: type };
  }
  return catalog;
}

export async function runKql(
  db: SqlDatabase,
  query: string,
  options: RunKqlOptions = {},
): Promise<KqlResult> {
  const catalog = await describeTables(db);
  const translated = translateKql(query, catalog.tables, {
    now: options.now,
    storedTypes: catalog.storedTypes,
  });
  const raw = await db.query(translated.sql);
  return { columns: translated.columns, rows: raw.map((r) => jsonRow(r, translated.columns)) };
}

function jsonRow(raw: Record<string, unknown>, columns: KqlResult['columns']): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of columns) row[c.name] = jsonValue(raw[c.name], c.type);
  return row;
}

function jsonValue(value: unknown, type: KqlType): unknown {
  if (value === null || value === undefined) return type === 'string' ? '' : null;
  switch (type) {
    case 'int':
    case 'long':
    case 'real': {
      const n = typeof value === 'bigint' ? Number(value) : Number(value);
      if (typeof value === 'bigint' && !Number.isSafeInteger(n)) return value.toString();
      return n;
    }
    case 'dynamic':
      return typeof value === 'string' ? JSON.parse(value) : value;
    case 'timespan':
      return formatTimespan(Number(value));
    case 'bool':
      return typeof value === 'string' ? value === 'true' : Boolean(value);
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

/** A SqlDatabase over a plain @duckdb/node-api connection (tests, benchmarks). */
export function connectionDatabase(connection: DuckDBConnection): SqlDatabase {
  let utc = false;
  return {
    async query(sql) {
      // Naive timestamps are UTC; TIMESTAMPTZ casts must not depend on the machine's zone.
      if (!utc) {
        await connection.run("SET TimeZone = 'UTC'");
        utc = true;
      }
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjects() as Record<string, unknown>[];
    },
  };
}
