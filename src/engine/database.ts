/**
 * The embedded DuckDB database that ingested logs live in and hunts run on. One instance and one
 * connection per HuntDatabase; every session runs in UTC so naive timestamps mean UTC everywhere.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBResultReader,
  DuckDBType,
  DuckDBValue,
} from '@duckdb/node-api';
import { UserFacingError } from '../cli/command.js';
import { duckdb } from '../packages/duckdb.js';
import { duckdbResourceError, resolveSettings } from './engine-settings.js';
import { type JsonRowPlan, jsonRowPlan, parseJsonRows } from './json-rows.js';

export interface OpenDatabaseOptions {
  /** A database file to create or reopen (`--db`); in memory when absent. */
  path?: string;
  /** DuckDB memory limit such as '2GB'; else HUNTFORGE_MEMORY_LIMIT, else DuckDB's default (80% of RAM). */
  memoryLimit?: string;
  /**
   * Where DuckDB spills when memory runs short; else a fresh folder in HUNTFORGE_TEMP_DIR, else a
   * fresh folder in the system temporary directory.
   */
  tempDirectory?: string;
  /** Most disk the spill files may take, such as '50GB'; else HUNTFORGE_MAX_TEMP_SIZE, else DuckDB's default (90% of the free space). */
  maxTempSize?: string;
  /** Worker threads; else HUNTFORGE_THREADS, else one per core. */
  threads?: number;
}

/** The environment variables openDatabase reads, for the `--help` of the commands that open one. */
export const DATABASE_ENVIRONMENT_HELP = `Environment (the embedded DuckDB engine):
  HUNTFORGE_MEMORY_LIMIT  memory DuckDB may use, e.g. 4GB (default: 80% of RAM); beyond it, it
                          spills to temporary files
  HUNTFORGE_TEMP_DIR      folder for those spill files (default: the system temporary folder)
  HUNTFORGE_MAX_TEMP_SIZE most disk the spill files may take, e.g. 50GB (default: 90% of the free space)
  HUNTFORGE_THREADS       worker threads (default: one per core; fewer threads need less memory)`;

export type QueryParams = DuckDBValue[] | Record<string, DuckDBValue>;

export interface HuntDatabase {
  /** Absolute path of the database file, undefined for an in-memory database. */
  readonly path: string | undefined;
  /** Spill folder, also used for temporary files written during ingestion. */
  readonly tempDirectory: string;
  /** The raw connection, for appenders and streaming reads. */
  readonly connection: DuckDBConnection;
  /** Runs a query and returns its rows with JSON-safe values (see toJsonSafe). */
  query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]>;
  /**
   * query() for a result of many rows (hunt findings): the same values, read as JSON text that
   * DuckDB writes (see json-rows.ts). Costs one more planning of `sql` than query().
   */
  queryRows<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]>;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: QueryParams): Promise<number>;
  /** Another connection to the same database, for a query that runs beside this one's; close it after. */
  sibling(): Promise<Pick<HuntDatabase, 'query' | 'path' | 'tempDirectory'> & { close(): void }>;
  /** Names of the log tables, views over files (lazy ingestion) included, huntforge's bookkeeping left out. */
  tableNames(): Promise<string[]>;
  close(): void;
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<HuntDatabase> {
  const path = options.path ? resolve(options.path) : undefined;
  const settings = resolveSettings(options);
  const ownTemp = !options.tempDirectory;
  const tempDirectory = options.tempDirectory ?? makeTempFolder();
  const config: Record<string, string> = {
    threads: String(settings.threads),
    temp_directory: tempDirectory,
  };
  if (settings.memoryLimit) config.memory_limit = settings.memoryLimit;
  if (settings.maxTempSize) config.max_temp_directory_size = settings.maxTempSize;
  const exhausted = (err: unknown, activity: string) =>
    duckdbResourceError(err, activity, { ...settings, path, tempDirectory }) ?? err;

  let instance: DuckDBInstance;
  try {
    instance = await duckdb.DuckDBInstance.create(path ?? ':memory:', config);
  } catch (err) {
    if (ownTemp) rmSync(tempDirectory, { recursive: true, force: true });
    throw (
      duckdbResourceError(err, `opening ${path}`, { ...settings, path, tempDirectory }) ??
      openError(path, err as Error)
    );
  }
  const connection = await instance.connect();
  async function queryOn<T>(on: DuckDBConnection, sql: string, params?: QueryParams): Promise<T[]> {
    try {
      return valueRows(await on.runAndReadAll(sql, params)) as T[];
    } catch (err) {
      throw exhausted(err, statementActivity(sql, path));
    }
  }
  async function rowsOn<T>(on: DuckDBConnection, sql: string, params?: QueryParams): Promise<T[]> {
    try {
      const prepared = await on.prepare(sql);
      let plan: JsonRowPlan | null;
      try {
        const count = prepared.columnCount;
        const names = Array.from({ length: count }, (_, i) => prepared.columnName(i));
        const types = Array.from({ length: count }, (_, i) => prepared.columnType(i));
        plan = jsonRowPlan(sql, names, types);
        if (plan === null) {
          if (params) prepared.bind(params);
          return valueRows(await prepared.runAndReadAll()) as T[];
        }
      } finally {
        prepared.destroySync();
      }
      const reader = await on.runAndReadAll(plan.sql, params);
      return parseJsonRows(reader.getColumnsJS()[0] ?? [], plan.timeColumns) as T[];
    } catch (err) {
      throw exhausted(err, statementActivity(sql, path));
    }
  }
  // TIMESTAMPTZ ↔ TIMESTAMP conversions and naive timestamps mean UTC, whatever the machine's zone
  await connection.run("SET TimeZone = 'UTC'");
  let closed = false;

  return {
    path,
    tempDirectory,
    connection,
    query: (sql, params) => queryOn(connection, sql, params),
    queryRows: (sql, params) => rowsOn(connection, sql, params),
    async run(sql: string, params?: QueryParams): Promise<number> {
      try {
        const result = await connection.run(sql, params);
        return result.rowsChanged;
      } catch (err) {
        throw exhausted(err, statementActivity(sql, path));
      }
    },
    async sibling() {
      const other = await instance.connect();
      await other.run("SET TimeZone = 'UTC'");
      return {
        path,
        tempDirectory,
        query: (sql, params) => queryOn(other, sql, params),
        close: () => other.closeSync(),
      };
    },
    async tableNames(): Promise<string[]> {
      const reader = await connection.runAndReadAll(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary AND NOT starts_with(table_name, '_huntforge') " +
          "UNION SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT temporary AND NOT internal ORDER BY 1",
      );
      return reader.getRowObjectsJS().map((r) => String(r.table_name));
    },
    close(): void {
      if (closed) return;
      closed = true;
      connection.closeSync();
      instance.closeSync();
      if (ownTemp) rmSync(tempDirectory, { recursive: true, force: true });
    },
  };
}

function makeTempFolder(): string {
  const parent = process.env.HUNTFORGE_TEMP_DIR?.trim() || tmpdir();
  try {
    return mkdtempSync(join(parent, 'huntforge-'));
  } catch (err) {
    throw new UserFacingError(`cannot make a spill folder in ${parent}: ${(err as Error).message}`);
  }
}

/** What a statement was doing, for an error message: the table it reads or writes, when it names one. */
function statementActivity(sql: string, path: string | undefined): string {
  if (/^\s*COMMIT\b/i.test(sql)) return `committing to ${path ?? 'the in-memory database'}`;
  // the first log table named, not huntforge's own scratch tables (hf_…, _huntforge…)
  for (const match of sql.matchAll(/\b(?:FROM|INTO|TABLE|JOIN)\s+("(?:[^"]|"")+"|[A-Za-z_]\w*)/gi)) {
    const table = match[1].replace(/^"|"$/g, '').replace(/""/g, '"');
    if (!/^(hf_|_huntforge)/i.test(table)) return `running a query on ${table}`;
  }
  return 'running a query';
}

function openError(path: string | undefined, err: Error): Error {
  const message = err.message ?? String(err);
  if (path && /lock/i.test(message)) {
    const pid = /PID (\d+)/.exec(message)?.[1];
    return new UserFacingError(
      `database ${path} is in use by another process${pid ? ` (PID ${pid})` : ''}: ` +
        'wait for it to finish or pass a different --db',
    );
  }
  return new UserFacingError(`cannot open database ${path ?? '(in memory)'}: ${message}`);
}

/** A result's rows converted value by value by the client library, then made JSON-safe. */
function valueRows(reader: DuckDBResultReader): Record<string, unknown>[] {
  return toJsonRows(reader.columnNames(), reader.columnTypes(), reader.getRowObjectsJS());
}

function toJsonRows(
  names: string[],
  types: DuckDBType[],
  rows: Record<string, unknown>[],
): Record<string, unknown>[] {
  const jsonColumns = new Set(names.filter((_, i) => types[i].alias === 'JSON'));
  for (const row of rows) {
    for (const name of names) {
      const value = row[name];
      if (jsonColumns.has(name) && typeof value === 'string') row[name] = parseJsonOrKeep(value);
      else row[name] = toJsonSafe(value);
    }
  }
  return rows;
}

function parseJsonOrKeep(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Converts a value from DuckDB's JS form to one JSON.stringify keeps intact: Date → ISO 8601 UTC with
 * milliseconds, bigint → number when it is a safe integer (string otherwise), INTERVAL → Kusto timespan
 * text (d.hh:mm:ss.fffffff), nested lists and structs converted recursively.
 */
export function toJsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (isInterval(obj)) return intervalToTimespan(obj);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = toJsonSafe(v);
    return out;
  }
  return value;
}

function isInterval(obj: Record<string, unknown>): obj is { months: number; days: number; micros: bigint } {
  return (
    typeof obj.micros === 'bigint' &&
    typeof obj.days === 'number' &&
    typeof obj.months === 'number' &&
    Object.keys(obj).length === 3
  );
}

/** Kusto writes timespans as [-][d.]hh:mm:ss[.fffffff]; months count as 30 days, as DuckDB's epoch() does. */
function intervalToTimespan(iv: { months: number; days: number; micros: bigint }): string {
  let micros = iv.micros + BigInt(iv.days + iv.months * 30) * 86_400_000_000n;
  const sign = micros < 0n ? '-' : '';
  if (micros < 0n) micros = -micros;
  const days = micros / 86_400_000_000n;
  let rest = micros % 86_400_000_000n;
  const hours = rest / 3_600_000_000n;
  rest %= 3_600_000_000n;
  const minutes = rest / 60_000_000n;
  rest %= 60_000_000n;
  const seconds = rest / 1_000_000n;
  const fraction = rest % 1_000_000n;
  const pad = (n: bigint) => n.toString().padStart(2, '0');
  return (
    `${sign}${days > 0n ? `${days}.` : ''}${pad(hours)}:${pad(minutes)}:${pad(seconds)}` +
    (fraction > 0n ? `.${(fraction * 10n).toString().padStart(7, '0')}` : '')
  );
}
