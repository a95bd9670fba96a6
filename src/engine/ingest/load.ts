/**
 * Moves rows from a source relation (a DuckDB reader over one file) into its target table in one
 * INSERT ... SELECT: names mapped to the table's columns, values converted to the column types,
 * the since/until window applied. DuckDB does the reading and converting in parallel.
 */
import type { HuntDatabase } from '../database.js';
import { type ColumnDef, convertExpr, extraColumnType, normalizeColumnName } from './columns.js';
import { quoteIdent } from './sql.js';
import type { TargetTable } from './target-table.js';

export interface SourceColumn extends ColumnDef {
  /** Type a new extra column should get when it differs from the read type (CSV reads all text). */
  want?: string;
}

export interface Source {
  /** A SELECT (or table function call) producing the file's rows. */
  sql: string;
  columns: SourceColumn[];
  /**
   * True when the reader turns an unreadable record into a row of nulls (read_json with
   * ignore_errors): such rows are removed after the insert and counted as malformed.
   */
  emptyRowsAreMalformed: boolean;
  /** What reading the file as this source leaves out (said with the file's name). */
  warnings?: string[];
}

export interface TimeWindow {
  since?: Date;
  until?: Date;
  /** Load only the rows a test admits (see RowFilter); every row when absent. */
  rowFilter?: (table: string) => RowFilter | undefined;
  /** Views (lazy mode) keep unreadable records as rows of nulls instead of testing every record. */
  viewsKeepUnreadable?: boolean;
}

/**
 * A boolean SQL test over a table's row (alias `e`, the table's column names). `columns` are the
 * table columns it may read: those a file lacks read as typed NULLs, as they will in the table.
 */
export interface RowFilter {
  sql: string;
  columns: ColumnDef[];
}

export interface LoadResult {
  rows: number;
  /** Rows of nulls removed (malformed records of readers that report them that way). */
  emptyRows: number;
  warnings: string[];
}

/** Where the source columns land: target column name per source column, first one wins. */
export function mapColumns(
  lookup: (name: string) => ColumnDef | undefined,
  columns: SourceColumn[],
): { source: SourceColumn; target: string }[] {
  const taken = new Set<string>();
  const out: { source: SourceColumn; target: string }[] = [];
  for (const source of columns) {
    const normalized = normalizeColumnName(source.name) || source.name;
    const target = lookup(normalized)?.name ?? normalized;
    if (taken.has(target.toLowerCase())) continue;
    taken.add(target.toLowerCase());
    out.push({ source, target });
  }
  return out;
}

/** The type a column that only this file has should get. */
export function newColumnType(source: SourceColumn, target: string): string {
  const type = extraColumnType(source.want ?? source.type);
  // A time column exported as text ('TimeGenerated [UTC]', '26/03/2026, 15:18:18.790') is still time.
  const looksLikeTime = /^(TimeGenerated|Timestamp)$/i.test(target) || /\[UTC\]\s*$/i.test(source.name);
  return looksLikeTime && type === 'VARCHAR' ? 'TIMESTAMP' : type;
}

/** The SELECT that reads a file's rows in their table's shape, and the columns it fills. */
export interface LoadPlan {
  /** The table columns this file fills, in SELECT order (unquoted). */
  columns: string[];
  select: string;
  warnings: string[];
}

/**
 * Maps and converts a source's columns to its table (adding extra columns to the table as needed)
 * and applies the since/until window. `dropEmptyRows` leaves rows of nulls out instead of keeping
 * them for counting, for views that are never loaded.
 */
export async function planLoad(
  table: TargetTable,
  source: Source,
  window: TimeWindow,
  dropEmptyRows = false,
): Promise<LoadPlan | undefined> {
  const warnings: string[] = [];
  const mapped = mapColumns((name) => table.column(name), source.columns);
  if (source.columns.length > mapped.length) {
    const dropped = source.columns.filter((c) => !mapped.some((m) => m.source === c)).map((c) => c.name);
    warnings.push(`columns ${dropped.join(', ')} duplicate other columns of ${table.name} and were left out`);
  }
  const columns: string[] = [];
  const exprs: string[] = [];
  for (const { source: col, target } of mapped) {
    // adds the column, or widens an extra column an earlier file gave another type; bundled types stay
    const existing = table.column(target);
    const column =
      existing && col.type === 'NULL'
        ? existing
        : await table.ensureColumn(target, newColumnType(col, target));
    columns.push(column.name);
    exprs.push(
      `${convertExpr(`src.${quoteIdent(col.name)}`, col.type, column.type)} AS ${quoteIdent(column.name)}`,
    );
  }
  if (columns.length === 0) return undefined;

  const inWindow: string[] = [];
  // TimeGenerated bounds the window; a Defender export with only Timestamp is bounded by that
  const time = ['TimeGenerated', 'Timestamp']
    .map((name) => table.column(name))
    .find((c) => c && columns.includes(c.name));
  if ((window.since || window.until) && !time) {
    warnings.push(`--since/--until not applied to ${table.name}: the file has no TimeGenerated or Timestamp`);
  } else if (time) {
    if (window.since) inWindow.push(`${quoteIdent(time.name)} >= ${timestampLiteral(window.since)}`);
    if (window.until) inWindow.push(`${quoteIdent(time.name)} < ${timestampLiteral(window.until)}`);
  }
  const filter = window.rowFilter?.(table.name);
  // As a value, not a bare condition: DuckDB would turn a lone `x IN (SELECT ...)` into a semi join
  // that hashes the file's rows (it guesses a file holds a few dozen), 3-4 times slower than
  // hashing the list and probing it with each row.
  if (filter) inWindow.push(`coalesce((${filter.sql}), false)`);
  // A record the reader could not read is a row of nulls. That is tested on the values as read:
  // the converted ones would cost every conversion (time parsing above all) on every row, even on
  // the rows a filter or window leaves out.
  const sourceColumns = mapped.map(({ source: col }) => `src.${quoteIdent(col.name)}`);
  const unreadable = source.emptyRowsAreMalformed ? `, (${allNull(sourceColumns)}) AS ${UNREADABLE}` : '';
  let where = '';
  if (source.emptyRowsAreMalformed && dropEmptyRows && !window.viewsKeepUnreadable) {
    where = ` WHERE NOT ${UNREADABLE}${inWindow.map((c) => ` AND ${c}`).join('')}`;
  } else if (inWindow.length > 0) {
    // rows of nulls are kept so that they are counted as malformed after the load
    const keepEmpty = source.emptyRowsAreMalformed ? ` OR ${UNREADABLE}` : '';
    where = ` WHERE (${inWindow.join(' AND ')})${keepEmpty}`;
  }
  // the columns a filter reads that this file lacks, as the NULLs they will be in the table
  const absent = (filter?.columns ?? []).filter((c) => !columns.includes(c.name));
  const fill = absent.map((c) => `, NULL::${c.type} AS ${quoteIdent(c.name)}`).join('');
  const converted = `SELECT ${exprs.join(', ')}${fill}${unreadable} FROM (${source.sql}) AS src`;
  return {
    columns,
    select: `SELECT ${columns.map(quoteIdent).join(', ')} FROM (${converted}) AS e${where}`,
    warnings,
  };
}

export async function loadInto(
  db: HuntDatabase,
  table: TargetTable,
  source: Source,
  window: TimeWindow,
  run: (sql: string) => Promise<number> = (sql) => db.run(sql),
): Promise<LoadResult> {
  const plan = await planLoad(table, source, window);
  if (!plan) return { rows: 0, emptyRows: 0, warnings: [] };
  const inserted = await run(
    `INSERT INTO ${quoteIdent(table.name)} (${plan.columns.map(quoteIdent).join(', ')}) ${plan.select}`,
  );
  let emptyRows = 0;
  if (source.emptyRowsAreMalformed) {
    const all = table.allColumns().map((c) => quoteIdent(c.name));
    emptyRows = await db.run(`DELETE FROM ${quoteIdent(table.name)} WHERE ${allNull(all)}`);
  }
  return { rows: inserted - emptyRows, emptyRows, warnings: plan.warnings };
}

/** The column that marks a record the reader could not read; never part of a table. */
const UNREADABLE = '"__huntforge_unreadable"';

function allNull(columns: string[]): string {
  return columns.map((c) => `${c} IS NULL`).join(' AND ');
}

function timestampLiteral(date: Date): string {
  return `TIMESTAMP '${date.toISOString().replace('T', ' ').replace('Z', '')}'`;
}
