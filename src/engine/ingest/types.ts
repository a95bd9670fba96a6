/** Public shapes of log ingestion: what ingestLogs accepts and what it reports. */

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
}

export interface IngestReport {
  tables: { name: string; rows: number; files: string[] }[];
  files: IngestedFile[];
  warnings: string[];
}
