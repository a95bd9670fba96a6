/**
 * Source relations over JSON, CSV and Parquet files: DuckDB's own readers, told which columns to read
 * and as what, so that every value reaches its column and unreadable records are reported.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { HuntDatabase } from '../database.js';
import type { ClassifiedFile } from './classify.js';
import { type ColumnDef, extraColumnType, normalizeColumnName } from './columns.js';
import type { Source } from './load.js';
import { columnsStruct, quoteIdent, quoteLiteral } from './sql.js';

/** The target column (if the table already has one) a file column will land in. */
export type ColumnLookup = (name: string) => ColumnDef | undefined;

export async function describe(db: HuntDatabase, sql: string): Promise<ColumnDef[]> {
  const rows = await db.query<{ column_name: string; column_type: string }>(`DESCRIBE ${sql}`);
  return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
}

/** How the JSON reader should read a value bound for a column of this type. */
function jsonReadType(targetType: string): string {
  // times come as ISO text with offsets or 7-digit fractions, or as portal text: parsed in SQL
  if (targetType === 'TIMESTAMP' || targetType === 'INTERVAL') return 'VARCHAR';
  return targetType;
}

/** DuckDB type for a json_structure() leaf; objects, arrays and mixed types stay JSON. */
function structureType(structure: unknown): string {
  if (typeof structure !== 'string') return 'JSON';
  if (structure === 'UBIGINT' || structure === 'BIGINT') return 'BIGINT';
  if (['VARCHAR', 'DOUBLE', 'BOOLEAN', 'NULL'].includes(structure)) return structure;
  return 'JSON';
}

/** The type of a key whose records hold `a` in some and `b` in others. */
function mergedType(a: string, b: string): string {
  if (a === b || b === 'NULL') return a;
  if (a === 'NULL') return b;
  if ((a === 'BIGINT' || a === 'DOUBLE') && (b === 'BIGINT' || b === 'DOUBLE')) return 'DOUBLE';
  return 'JSON';
}

/** A JSON file's columns, and what about them the user should hear. */
interface SniffedKeys {
  columns: ColumnDef[];
  warnings: string[];
}

/**
 * The keys of the file's first records and their types. Sniffed from the raw objects rather than by
 * read_json itself, whose detection gives up on the whole file when one line is not an object.
 */
async function sniffJsonKeys(db: Pick<HuntDatabase, 'query'>, file: ClassifiedFile): Promise<SniffedKeys> {
  // a one-shot hunt reads each file twice (host names for its row tests, then the rows): sniff once
  const key = await sniffKey(file);
  let keys = sniffedKeys.get(key);
  if (!keys) {
    keys = await sniffFirstRecords(db, file.path, jsonFormat(file));
    if (sniffedKeys.size >= 4096) sniffedKeys.clear();
    sniffedKeys.set(key, keys);
  }
  return keys;
}

/** The sniffed-keys cache key: path, format, size and modification time (a changed file is sniffed again). */
async function sniffKey(file: ClassifiedFile): Promise<string> {
  const info = await stat(file.path);
  return `${file.path}\0${jsonFormat(file)}\0${info.size}\0${info.mtimeMs}`;
}

/** read_json's format for a JSON file: an array (a Log Analytics export) or one record a line. */
function jsonFormat(file: ClassifiedFile): 'array' | 'newline_delimited' {
  return file.format === 'json' ? 'array' : 'newline_delimited';
}

/**
 * The largest JSON record read (DuckDB's own default, 16 MiB); a larger one is a malformed record.
 * DuckDB's reader takes buffers of this size per thread, so a larger limit costs memory and time
 * on every file (64 MiB: +200 MB of RSS and 0.3-0.5 s on a 1 GB file).
 */
const MAX_JSON_RECORD_BYTES = 16 * 1024 * 1024;

/** How many of a file's first records its keys are sniffed from (as many as DuckDB's own detection). */
const SNIFFED_RECORDS = 20480;

/**
 * Sniffs the keys of JSON files side by side before ingestion reads them one after the other: a
 * sniff is mostly DuckDB's first read of a file, which one connection does one at a time. One
 * connection per core, each taking every n-th file; a file that fails is left for ingestion to
 * sniff again and report.
 */
export async function sniffJsonFiles(db: HuntDatabase, files: ClassifiedFile[]): Promise<void> {
  const json: ClassifiedFile[] = [];
  for (const file of files) {
    if ((file.format !== 'json' && file.format !== 'jsonl') || file.size === 0) continue;
    const cached = await sniffKey(file).then(
      (key) => sniffedKeys.has(key),
      () => true,
    );
    if (!cached) json.push(file);
  }
  const lanes = Math.min(json.length, availableParallelism());
  if (lanes < 2) return;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      const connection = await db.sibling();
      try {
        for (let i = lane; i < json.length; i += lanes)
          await sniffJsonKeys(connection, json[i]).catch(() => undefined);
      } finally {
        connection.close();
      }
    }),
  );
}

/** Sniffed keys by sniffKey. */
const sniffedKeys = new Map<string, SniffedKeys>();

async function sniffFirstRecords(
  db: Pick<HuntDatabase, 'query'>,
  path: string,
  format: string,
): Promise<SniffedKeys> {
  const records =
    `SELECT json, row_number() OVER () AS n FROM (SELECT json FROM read_json_objects(${quoteLiteral(path)}, ` +
    `format='${format}', ignore_errors=true, maximum_object_size=${MAX_JSON_RECORD_BYTES}) LIMIT ${SNIFFED_RECORDS})`;
  // One record per distinct structure (log records mostly share a few), in file order, so that
  // the keys keep the order they first appear in.
  const structures = await db.query<{ s: string }>(
    `SELECT s FROM (SELECT json_structure(json)::VARCHAR AS s, min(n) AS first FROM (${records}) ` +
      `WHERE json_type(json) = 'OBJECT' GROUP BY s) ORDER BY first`,
  );
  // DuckDB's names ignore case, so keys that differ only in case are one column, spelt as first
  // seen; read_json matches keys exactly, so the values under the other spelling are not read.
  const columns = new Map<string, ColumnDef>();
  const otherSpellings = new Map<string, Set<string>>();
  for (const { s } of structures) {
    for (const [name, leaf] of Object.entries(JSON.parse(s) as Record<string, unknown>)) {
      const type = structureType(leaf);
      const key = name.toLowerCase();
      const seen = columns.get(key);
      if (!seen) columns.set(key, { name, type });
      else if (seen.name === name) seen.type = mergedType(seen.type, type);
      else otherSpellings.set(seen.name, (otherSpellings.get(seen.name) ?? new Set()).add(name));
    }
  }
  const warnings = [...otherSpellings].map(
    ([name, others]) =>
      `keys ${[name, ...others].map((n) => `'${n}'`).join(', ')} differ only in case: read as column ${name}, the values under ${[...others].map((n) => `'${n}'`).join(', ')} are not read`,
  );
  return { columns: [...columns.values()], warnings };
}

export async function jsonSource(
  db: HuntDatabase,
  file: ClassifiedFile,
  lookup: ColumnLookup,
): Promise<Source> {
  const format = jsonFormat(file);
  const sniffed = await sniffJsonKeys(db, file);
  const columns = sniffed.columns.map((c) => {
    const target = lookup(normalizeColumnName(c.name));
    return { name: c.name, type: target ? jsonReadType(target.type) : extraColumnType(c.type) };
  });
  if (columns.length === 0 && file.size === 0)
    return {
      sql: 'SELECT NULL::VARCHAR AS "TimeGenerated" WHERE false',
      columns: [{ name: 'TimeGenerated', type: 'VARCHAR' }],
      emptyRowsAreMalformed: false,
      warnings: [],
    };
  // No record with a key: every line is still read, so that each one is reported as malformed.
  if (columns.length === 0) columns.push({ name: 'TimeGenerated', type: 'VARCHAR' });
  // records=true: a line that is not an object becomes a row of nulls, counted as malformed
  const args = `${quoteLiteral(file.path)}, format='${format}', records=true, ignore_errors=true, maximum_object_size=${MAX_JSON_RECORD_BYTES}`;
  return {
    sql: `SELECT * FROM read_json(${args}, columns=${columnsStruct(columns)})`,
    columns,
    emptyRowsAreMalformed: true,
    warnings: sniffed.warnings,
  };
}

/**
 * The longest line of a CSV or Zeek TSV file read (DuckDB's own default, 2 MiB); a longer one is a
 * rejected row. DuckDB sizes its CSV buffers from this: at 16 MiB, sniffing a file took 0.7 s
 * instead of 0.1 s and reading it 4-5 times as long.
 */
export const MAX_TEXT_LINE_BYTES = 2 * 1024 * 1024;

/** The line limit for a CSV file whose first rows hold a longer line, which the sniffer cannot pass. */
const LONG_CSV_LINE_BYTES = 16 * 1024 * 1024;

export interface RejectTables {
  errors: string;
  scans: string;
}

let rejectCounter = 0;

export function rejectTables(): RejectTables {
  rejectCounter += 1;
  return { errors: `hf_reject_errors_${rejectCounter}`, scans: `hf_reject_scans_${rejectCounter}` };
}

/** Reader options that set malformed rows aside in reject tables (or just skip them, for views). */
export function rejectArgs(rejects: RejectTables | undefined): string {
  if (!rejects) return 'ignore_errors=true';
  return `store_rejects=true, rejects_table=${quoteLiteral(rejects.errors)}, rejects_scan=${quoteLiteral(rejects.scans)}`;
}

export async function csvSource(
  db: HuntDatabase,
  file: ClassifiedFile,
  lookup: ColumnLookup,
  rejects: RejectTables | undefined,
): Promise<Source> {
  const argsFor = (lineLimit: number) =>
    `${quoteLiteral(file.path)}, header=true, max_line_size=${lineLimit}, ${rejectArgs(rejects)}`;
  let args = argsFor(MAX_TEXT_LINE_BYTES);
  let sniffed: ColumnDef[];
  try {
    sniffed = await describe(db, `SELECT * FROM read_csv(${args})`);
  } catch {
    // a line over the limit among the rows the sniffer samples fails the whole file, where a later
    // one is just a rejected row: such a file is read with a larger limit, more slowly
    args = argsFor(LONG_CSV_LINE_BYTES);
    sniffed = await describe(db, `SELECT * FROM read_csv(${args})`);
  }
  // All text, converted in SQL: a bad value becomes null instead of rejecting the whole row.
  const columns = sniffed.map((c) => ({
    name: c.name,
    type: 'VARCHAR',
    want: lookup(normalizeColumnName(c.name)) ? undefined : c.type,
  }));
  return { sql: `SELECT * FROM read_csv(${args}, all_varchar=true)`, columns, emptyRowsAreMalformed: false };
}

export async function parquetSource(db: HuntDatabase, path: string): Promise<Source> {
  const sql = `SELECT * FROM read_parquet(${quoteLiteral(path)})`;
  return { sql, columns: await describe(db, sql), emptyRowsAreMalformed: false };
}

/** Parquet cannot be read through gzip: unpack it next to the database's spill files first. */
export async function gunzipToTemp(db: HuntDatabase, path: string, index: number): Promise<string> {
  const out = join(db.tempDirectory, `ingest-${process.pid}-${index}.parquet`);
  await pipeline(createReadStream(path), createGunzip(), createWriteStream(out));
  return out;
}

/** Malformed records DuckDB's CSV reader set aside: count of distinct lines and the first few. */
export async function readRejects(
  db: HuntDatabase,
  rejects: RejectTables,
  displayPath: string,
  lineOffset = 0,
): Promise<{ count: number; first: string[] }> {
  const exists = await db.query<{ n: number }>(
    `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = ${quoteLiteral(rejects.errors)}`,
  );
  if (exists[0].n === 0) return { count: 0, first: [] };
  const errors = quoteIdent(rejects.errors);
  const [{ n }] = await db.query<{ n: number }>(`SELECT count(DISTINCT line) AS n FROM ${errors}`);
  const first = await db.query<{ line: number; type: string; message: string }>(
    `SELECT line, any_value(error_type) AS type, any_value(error_message) AS message FROM ${errors} GROUP BY line ORDER BY line LIMIT 5`,
  );
  return {
    count: n,
    first: first.map((r) => `${displayPath}:${r.line + lineOffset} ${r.type.toLowerCase()}: ${r.message}`),
  };
}

export async function dropRejects(db: HuntDatabase, rejects: RejectTables): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS ${quoteIdent(rejects.errors)}`);
  await db.run(`DROP TABLE IF EXISTS ${quoteIdent(rejects.scans)}`);
}
