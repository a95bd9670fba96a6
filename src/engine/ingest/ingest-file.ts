/**
 * One file into its table: pick the reader for its format, create or extend the table, load, and
 * count what could not be read.
 */
import { open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asResourceError } from '../../io/resource-errors.js';
import type { HuntDatabase } from '../database.js';
import { cefSource } from './cef-source.js';
import type { ClassifiedFile } from './classify.js';
import { bundledColumns, type ColumnDef } from './columns.js';
import { scanJsonLines } from './lines.js';
import { type LoadPlan, loadInto, mapColumns, newColumnType, planLoad, type Source } from './load.js';
import {
  type ColumnLookup,
  csvSource,
  dropRejects,
  gunzipToTemp,
  jsonSource,
  parquetSource,
  type RejectTables,
  readRejects,
  rejectTables,
} from './readers.js';
import { quoteIdent, quoteLiteral } from './sql.js';
import { TargetTable } from './target-table.js';
import type { IngestedFile, IngestOptions } from './types.js';
import { zeekSource } from './zeek.js';

/** What every file of one ingestLogs call shares. */
export interface IngestContext {
  db: HuntDatabase;
  options: IngestOptions;
  /** Target tables opened so far, by name. */
  tables: Map<string, TargetTable>;
  warnings: string[];
  /** Set in lazy mode: the per-file SELECTs each view will be made of. */
  lazyPlans?: Map<string, LoadPlan[]>;
}

export async function ingestFile(
  context: IngestContext,
  file: ClassifiedFile,
  index: number,
  entry: IngestedFile,
  onFraction: (fraction: number) => void,
): Promise<void> {
  try {
    await readAndLoad(context, file, index, entry, onFraction);
  } catch (err) {
    // running out of memory or disk is said of this file, and stops the run: the next files would fail too
    throw asResourceError(err, `ingesting ${file.path} into ${file.table}`) ?? err;
  }
}

async function readAndLoad(
  context: IngestContext,
  file: ClassifiedFile,
  index: number,
  entry: IngestedFile,
  onFraction: (fraction: number) => void,
): Promise<void> {
  const { db, options, tables, warnings, lazyPlans } = context;
  const known = tables.get(file.table);
  const lookup: ColumnLookup = (name) => known?.column(name) ?? bundledLookup(file.table, name);
  const lazy =
    lazyPlans !== undefined && (known ? !known.materialized : !(await tableExists(db, file.table)));
  const openTable = async (initial: ColumnDef[] = []) => {
    const table = lazy
      ? TargetTable.virtual(db, file.table, initial)
      : await TargetTable.open(db, file.table, initial);
    tables.set(file.table, table);
    return table;
  };
  if (file.size === 0) {
    // an empty file is fine; its table still exists for hunts to run on
    if (!known && bundledColumnMap(file.table)) await openTable();
    return;
  }
  // DuckDB reads UTF-16 text as no rows at all: say so instead of ingesting nothing silently
  if (file.format !== 'parquet' && !file.gzip && (await hasUtf16Bom(file.path)))
    throw new Error('UTF-16 text (byte-order mark at the start): convert the file to UTF-8');

  // a view reads its files at every query: no reject tables, and temporary files stay until close()
  const rejects: RejectTables | undefined = lazy ? undefined : rejectTables();
  const cleanup: (() => Promise<void>)[] = rejects ? [() => dropRejects(db, rejects)] : [];
  const removeLater = (path: string) => {
    if (!lazy) cleanup.push(() => rm(path, { force: true }));
  };
  try {
    let source: Source;
    let parserMalformed: { count: number; first: string[] } = { count: 0, first: [] };
    switch (file.format) {
      case 'jsonl':
      case 'json':
        source = await jsonSource(db, file, lookup);
        break;
      case 'csv':
        source = await csvSource(db, file, lookup, rejects);
        break;
      case 'parquet': {
        let path = file.path;
        if (file.gzip) {
          path = await gunzipToTemp(db, file.path, index);
          removeLater(path);
        }
        source = await parquetSource(db, path);
        break;
      }
      case 'cef': {
        const cef = await cefSource(db, file, (f) => onFraction(f * 0.8));
        removeLater(cef.tempFile);
        source = cef;
        parserMalformed = { count: cef.malformed, first: cef.firstMalformed };
        break;
      }
      case 'zeek-tsv':
      case 'zeek-json':
        source = await zeekSource(db, file, rejects);
        break;
    }

    for (const w of source.warnings ?? []) warnings.push(`${file.path}: ${w}`);
    const table =
      tables.get(file.table) ??
      (await openTable(
        mapColumns(() => undefined, source.columns).map(({ source: col, target }) => ({
          name: target,
          type: newColumnType(col, target),
        })),
      ));

    if (lazyPlans && !table.materialized) {
      const plan = await planLoad(table, source, options, true);
      if (plan) lazyPlans.set(table.name, [...(lazyPlans.get(table.name) ?? []), plan]);
      for (const w of plan?.warnings ?? []) warnings.push(`${file.path}: ${w}`);
      entry.lazy = true;
      entry.columns = plan?.columns ?? [];
      return;
    }

    const result = await loadInto(db, table, source, options, (sql) => runWithProgress(db, sql, onFraction));
    entry.rows = result.rows;
    for (const w of result.warnings) warnings.push(`${file.path}: ${w}`);

    entry.malformed += parserMalformed.count;
    entry.firstMalformed.push(...parserMalformed.first);
    if (rejects && (file.format === 'csv' || file.format === 'zeek-tsv')) {
      const rejected = await readRejects(db, rejects, file.path);
      entry.malformed += rejected.count;
      entry.firstMalformed.push(...rejected.first);
    }
    if (result.emptyRows > 0) {
      entry.malformed += result.emptyRows;
      if (file.format === 'json')
        entry.firstMalformed.push(`${file.path}: ${result.emptyRows} array elements are not records`);
      else {
        const scan = await scanJsonLines(file.path, file.gzip);
        entry.firstMalformed.push(...scan.bad.map((b) => `${file.path}:${b.line} ${b.reason}`));
        // DuckDB counts each line it lost as one malformed record. A first record behind a
        // byte-order mark is always lost; the good lines after cut-off lines are lost or not, all
        // alike: the count tells which, and only lost lines are loaded again (never twice).
        const lost = result.emptyRows - scan.badCount;
        const again =
          lost === scan.behindMark.length + scan.swallowed.length
            ? [...scan.behindMark, ...scan.swallowed]
            : lost === scan.behindMark.length
              ? scan.behindMark
              : [];
        if (again.length > 0) {
          entry.rows += await loadSwallowedLines(db, table, file, index, again, lookup, options);
          entry.malformed -= again.length;
        }
      }
    }
    entry.firstMalformed = entry.firstMalformed.slice(0, 5);
  } finally {
    for (const step of cleanup) await step().catch(() => undefined);
  }
}

/**
 * Good JSON Lines records DuckDB's reader lost (with the cut-off line before them, or behind a
 * byte-order mark), loaded from a file of their own in the spill folder. Returns the rows loaded.
 * A run's row filter is not applied: it was planned from the values DuckDB read, which these
 * records' values were not among, and they are a handful of rows.
 */
async function loadSwallowedLines(
  db: HuntDatabase,
  table: TargetTable,
  file: ClassifiedFile,
  index: number,
  lines: { text: string }[],
  lookup: ColumnLookup,
  options: IngestOptions,
): Promise<number> {
  const path = join(db.tempDirectory, `swallowed-${process.pid}-${index}.jsonl`);
  await writeFile(path, lines.map((l) => `${l.text}\n`).join(''));
  try {
    const part: ClassifiedFile = { ...file, path, gzip: false, size: 0 };
    // read as the file itself was: Zeek JSON has its own field names and time format
    const source =
      file.format === 'zeek-json'
        ? await zeekSource(db, part, undefined)
        : await jsonSource(db, part, lookup);
    const result = await loadInto(db, table, source, { ...options, rowFilter: undefined });
    return result.rows;
  } finally {
    await rm(path, { force: true });
  }
}

function bundledLookup(table: string, name: string) {
  return bundledColumnMap(table)?.get(name.toLowerCase());
}

const bundledMaps = new Map<string, Map<string, ColumnDef> | undefined>();

function bundledColumnMap(table: string): Map<string, ColumnDef> | undefined {
  if (!bundledMaps.has(table)) {
    const columns = bundledColumns(table);
    bundledMaps.set(table, columns && new Map(columns.map((c) => [c.name.toLowerCase(), c])));
  }
  return bundledMaps.get(table);
}

/** Runs a long statement while reporting DuckDB's own progress estimate (0..1) every quarter second. */
async function runWithProgress(
  db: HuntDatabase,
  sql: string,
  onFraction: (f: number) => void,
): Promise<number> {
  const timer = setInterval(() => {
    const { percentage } = db.connection.progress;
    if (percentage > 0) onFraction(Math.min(1, percentage / 100));
  }, 250);
  // The order of one file's rows does not matter to a hunt; not keeping it lets DuckDB insert in parallel.
  const [{ keep }] = await db.query<{ keep: boolean }>(
    "SELECT current_setting('preserve_insertion_order') AS keep",
  );
  await db.run('SET preserve_insertion_order = false');
  let failed = false;
  try {
    return await db.run(sql);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    clearInterval(timer);
    // after a failed statement an open transaction refuses everything: keep the first error, not this one
    await db.run(`SET preserve_insertion_order = ${keep}`).catch((err) => {
      if (!failed) throw err;
    });
  }
}

async function tableExists(db: HuntDatabase, name: string): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ${quoteLiteral(name)}`,
  );
  return rows.length > 0;
}

/** Lazy mode: each table becomes a view, the UNION ALL of its files' SELECTs in the table's final shape. */
export async function createViews(
  db: HuntDatabase,
  tables: Map<string, TargetTable>,
  plans: Map<string, LoadPlan[]>,
): Promise<void> {
  for (const table of tables.values()) {
    if (table.materialized) continue;
    const columns = table.allColumns();
    const shaped = (plan: LoadPlan) =>
      columns
        .map((c) => {
          const name = quoteIdent(c.name);
          return plan.columns.includes(c.name)
            ? `CAST(${name} AS ${c.type}) AS ${name}`
            : `NULL::${c.type} AS ${name}`;
        })
        .join(', ');
    const parts = (plans.get(table.name) ?? []).map((plan) => `SELECT ${shaped(plan)} FROM (${plan.select})`);
    if (parts.length === 0)
      parts.push(
        `SELECT ${columns.map((c) => `NULL::${c.type} AS ${quoteIdent(c.name)}`).join(', ')} WHERE false`,
      );
    await db.run(`CREATE OR REPLACE VIEW ${quoteIdent(table.name)} AS ${parts.join(' UNION ALL ')}`);
  }
}

async function hasUtf16Bom(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return (
      bytesRead === 2 &&
      ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff))
    );
  } finally {
    await handle.close();
  }
}
