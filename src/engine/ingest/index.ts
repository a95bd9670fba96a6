/**
 * Log ingestion: files and folders → one DuckDB table per Sentinel table, shaped like the bundled schema.
 * DuckDB reads every structured format itself (in parallel); only CEF lines are parsed in JS.
 */
import { rm } from 'node:fs/promises';
import { UserFacingError } from '../../cli/command.js';
import type { HuntDatabase } from '../database.js';
import { cefSource } from './cef-source.js';
import { type ClassifiedFile, classifyFile } from './classify.js';
import { bundledColumns, type ColumnDef } from './columns.js';
import { discoverFiles } from './discover.js';
import { findIngested, recordIngested } from './ledger.js';
import { findBadJsonLines } from './lines.js';
import { loadInto, mapColumns, newColumnType, type Source } from './load.js';
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
import { TargetTable } from './target-table.js';
import type { IngestedFile, IngestOptions, IngestReport } from './types.js';
import { zeekSource } from './zeek.js';

export { parseCefLine } from './cef.js';
export { classifyFile, tableFromFileName } from './classify.js';
export { convertExpr, duckdbType, parseTimeExpr } from './columns.js';
export type { IngestedFile, IngestOptions, IngestProgress, IngestReport, LogFormat } from './types.js';

export async function ingestLogs(
  db: HuntDatabase,
  paths: string[],
  options: IngestOptions = {},
): Promise<IngestReport> {
  if (options.since && options.until && options.since >= options.until)
    throw new UserFacingError('--since must be before --until');
  const found = await discoverFiles(paths);
  // Classify everything first: an unusable file stops the run before anything is ingested.
  const files: (ClassifiedFile & { mtimeMs: number })[] = [];
  for (const f of found)
    files.push({ ...(await classifyFile(f.path, f.size, options.table)), mtimeMs: f.mtimeMs });

  const bytesTotal = files.reduce((sum, f) => sum + f.size, 0);
  let bytesDone = 0;
  const progress = (filesDone: number, extraBytes = 0) =>
    options.onProgress?.({
      bytesDone: Math.min(bytesTotal, bytesDone + extraBytes),
      bytesTotal,
      filesDone,
      filesTotal: files.length,
    });
  progress(0);

  const report: IngestReport = { tables: [], files: [], warnings: [] };
  const tables = new Map<string, TargetTable>();
  for (const [index, file] of files.entries()) {
    const entry: IngestedFile = {
      path: file.path,
      table: file.table,
      format: file.format,
      rows: 0,
      malformed: 0,
      firstMalformed: [],
    };
    let fileFraction = 0;
    // a database file that already holds this very file: running again must not double its rows
    const previous = db.path ? await findIngested(db, file) : undefined;
    if (previous) {
      report.warnings.push(
        `${file.path}: already in ${previous.table_name} of ${db.path} (${previous.rows} rows, ingested ${previous.ingested_at}); skipped`,
      );
      report.files.push(entry);
      bytesDone += file.size;
      progress(index + 1);
      continue;
    }
    try {
      await ingestFile(db, file, index, tables, options, entry, report.warnings, (fraction) => {
        // readers estimate differently (CEF parse, then DuckDB's load): never step back
        if (fraction <= fileFraction) return;
        fileFraction = fraction;
        progress(index, file.size * fraction);
      });
      if (db.path) await recordIngested(db, file, file.table, entry.rows);
    } catch (err) {
      // a file DuckDB cannot read at all (corrupt gzip, broken JSON array) is reported, the rest goes on
      const reason = firstLine((err as Error).message);
      entry.malformed += 1;
      entry.firstMalformed.push(`${file.path}:1 unreadable: ${reason}`);
      report.warnings.push(
        `${file.path}: could not be read (${reason}); rows read before the error were kept`,
      );
    }
    report.files.push(entry);
    bytesDone += file.size;
    progress(index + 1);
  }

  for (const entry of report.files) {
    let table = report.tables.find((t) => t.name === entry.table);
    if (!table) {
      table = { name: entry.table, rows: 0, files: [] };
      report.tables.push(table);
    }
    table.rows += entry.rows;
    table.files.push(entry.path);
  }
  return report;
}

async function ingestFile(
  db: HuntDatabase,
  file: ClassifiedFile,
  index: number,
  tables: Map<string, TargetTable>,
  options: IngestOptions,
  entry: IngestedFile,
  warnings: string[],
  onFraction: (fraction: number) => void,
): Promise<void> {
  const known = tables.get(file.table);
  const lookup: ColumnLookup = (name) => known?.column(name) ?? bundledLookup(file.table, name);
  if (file.size === 0) {
    // an empty file is fine; its table still exists for hunts to run on
    if (!known && bundledColumnMap(file.table))
      tables.set(file.table, await TargetTable.open(db, file.table));
    return;
  }

  const rejects: RejectTables = rejectTables();
  const cleanup: (() => Promise<void>)[] = [() => dropRejects(db, rejects)];
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
          cleanup.push(() => rm(path, { force: true }));
        }
        source = await parquetSource(db, path);
        break;
      }
      case 'cef': {
        const cef = await cefSource(db, file, (f) => onFraction(f * 0.8));
        cleanup.push(() => rm(cef.tempFile, { force: true }));
        source = cef;
        parserMalformed = { count: cef.malformed, first: cef.firstMalformed };
        break;
      }
      case 'zeek-tsv':
      case 'zeek-json':
        source = await zeekSource(db, file, rejects);
        break;
    }

    let table = tables.get(file.table);
    if (!table) {
      const initial = mapColumns(() => undefined, source.columns).map(({ source: col, target }) => ({
        name: target,
        type: newColumnType(col, target),
      }));
      table = await TargetTable.open(db, file.table, initial);
      tables.set(file.table, table);
    }

    const result = await loadInto(db, table, source, options, (sql) => runWithProgress(db, sql, onFraction));
    entry.rows = result.rows;
    for (const w of result.warnings) warnings.push(`${file.path}: ${w}`);

    entry.malformed += parserMalformed.count;
    entry.firstMalformed.push(...parserMalformed.first);
    if (file.format === 'csv' || file.format === 'zeek-tsv') {
      const rejected = await readRejects(db, rejects, file.path);
      entry.malformed += rejected.count;
      entry.firstMalformed.push(...rejected.first);
    }
    if (result.emptyRows > 0) {
      entry.malformed += result.emptyRows;
      const bad = file.format === 'json' ? [] : await findBadJsonLines(file.path, file.gzip);
      entry.firstMalformed.push(...bad.map((b) => `${file.path}:${b.line} ${b.reason}`));
    }
    entry.firstMalformed = entry.firstMalformed.slice(0, 5);
  } finally {
    for (const step of cleanup) await step().catch(() => undefined);
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
  try {
    return await db.run(sql);
  } finally {
    clearInterval(timer);
    await db.run(`SET preserve_insertion_order = ${keep}`);
  }
}

function firstLine(text: string): string {
  return (text ?? '').split('\n')[0].slice(0, 300);
}
