/** Public shapes of log ingestion: what ingestLogs accepts and what it reports. */
import type { RowFilter } from './load.js';

export interface IngestProgress {
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

export interface IngestOptions {
  /** Table for every file, overriding the name taken from each file name (`--table`). */
  table?: string;
  /** Keep only events at or after this time (TimeGenerated, or Timestamp where that is the time column). */
  since?: Date;
  /** Keep only events before this time. */
  until?: Date;
  onProgress?: (progress: IngestProgress) => void;
  /**
   * Make each table a view over its files instead of loading their rows: nothing is read up front, and
   * every query reads the files again (only the columns it uses). For a one-shot hunt on an in-memory
   * database; rows and malformed records are then not counted. Ignored for a database file (`--db`),
   * whose tables must outlive the files.
   */
  lazy?: boolean;
  /**
   * Load only the rows a per-table test admits (a one-shot hunt loads the rows its hunts can match;
   * see planRowFilters). Rows a reader could not read are still counted as malformed.
   */
  rowFilter?: (table: string) => RowFilter | undefined;
  /**
   * Lazy mode: leave unreadable records in the views as rows of nulls. Testing every record for
   * them reads every column; a pass that skips nulls anyway then reads only the columns it uses.
   */
  viewsKeepUnreadable?: boolean;
}

/** How a file was read. */
export type LogFormat = 'jsonl' | 'json' | 'csv' | 'parquet' | 'cef' | 'zeek-tsv' | 'zeek-json';

export interface IngestedFile {
  path: string;
  table: string;
  format: LogFormat;
  /** Rows added to the table (after the since/until window). */
  rows: number;
  /** Records that could not be read at all (bad JSON, wrong column count, not a CEF line...). */
  malformed: number;
  /** The first few malformed records as "file:line reason". */
  firstMalformed: string[];
  /** True when the file backs a view (lazy mode): rows and malformed were not counted. */
  lazy?: boolean;
  /** Lazy mode: the table columns the file fills; the view's other columns are NULL for its rows. */
  columns?: string[];
}

export interface IngestReport {
  tables: { name: string; rows: number; files: string[] }[];
  files: IngestedFile[];
  warnings: string[];
}
