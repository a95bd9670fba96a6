/**
 * Log ingestion: files and folders → one DuckDB table per Sentinel table, shaped like the bundled schema.
 * DuckDB reads every structured format itself (in parallel); only CEF lines are parsed in JS.
 */
import { UserFacingError } from '../../cli/command.js';
import { asResourceError, ResourceError } from '../../io/resource-errors.js';
import type { HuntDatabase } from '../database.js';
import { type ClassifiedFile, classifyFile } from './classify.js';
import { discoverFiles } from './discover.js';
import { createViews, ingestFile } from './ingest-file.js';
import { findIngested, recordIngested } from './ledger.js';
import type { LoadPlan } from './load.js';
import { sniffJsonFiles } from './readers.js';
import type { TargetTable } from './target-table.js';
import type { IngestedFile, IngestOptions, IngestReport } from './types.js';

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
  const unusable: Error[] = [];
  for (const f of found) {
    try {
      files.push({ ...(await classifyFile(f.path, f.size, options.table)), mtimeMs: f.mtimeMs });
    } catch (err) {
      unusable.push(err as Error);
    }
  }
  if (unusable.length > 0) {
    const more = unusable.length > 1 ? ` (and ${unusable.length - 1} more unusable files)` : '';
    throw new UserFacingError(`${unusable[0].message}${more}`);
  }

  await sniffJsonFiles(db, files);
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
  const lazyPlans = options.lazy && !db.path ? new Map<string, LoadPlan[]>() : undefined;
  const context = { db, options, tables, warnings: report.warnings, lazyPlans };
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
      const onFraction = (fraction: number) => {
        // readers estimate differently (CEF parse, then DuckDB's load): never step back
        if (fraction <= fileFraction) return;
        fileFraction = fraction;
        progress(index, file.size * fraction);
      };
      // in a database file, a file's rows and its ledger entry commit together: a run killed halfway
      // leaves each file either fully ingested and recorded, or absent (and ingested again on rerun)
      if (db.path) await db.run('BEGIN TRANSACTION');
      await ingestFile(context, file, index, entry, onFraction);
      if (db.path) {
        try {
          await recordIngested(db, file, file.table, entry.rows);
          await db.run('COMMIT');
        } catch (err) {
          // the rows are written out at the commit: a disk that fills up then is still this file's
          throw asResourceError(err, `ingesting ${file.path} into ${file.table}`) ?? err;
        }
      }
    } catch (err) {
      if (db.path) await db.run('ROLLBACK').catch(() => undefined);
      if (err instanceof ResourceError) throw err; // out of memory or disk: the other files would fail too
      // a file DuckDB cannot read at all (corrupt gzip, broken JSON array) is reported, the rest goes on
      const reason = firstLine((err as Error).message);
      entry.malformed += 1;
      entry.firstMalformed.push(`${file.path}:1 unreadable: ${reason}`);
      report.warnings.push(
        `${file.path}: could not be read (${reason}); nothing from it was ingested, the other files were`,
      );
    }
    report.files.push(entry);
    bytesDone += file.size;
    progress(index + 1);
  }

  if (lazyPlans) await createViews(db, tables, lazyPlans);

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

function firstLine(text: string): string {
  return (text ?? '').split('\n')[0].slice(0, 300);
}
