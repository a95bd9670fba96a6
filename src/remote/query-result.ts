/** What every remote query engine returns: one table, plus the non-fatal error a service may attach. */

export interface QueryColumn {
  name: string;
  type: string;
}

export interface PartialError {
  code: string;
  message: string;
}

export interface QueryResult {
  columns: QueryColumn[];
  /** Rows as arrays in column order. */
  rows: unknown[][];
  /** The service answered but said the result is incomplete (HTTP 200 with an error object). */
  partialError?: PartialError;
}

export interface TimeRange {
  start: Date;
  end: Date;
}

/** ISO 8601 interval `start/end`, the form Log Analytics and Graph accept as a timespan. */
export function isoInterval(range: TimeRange): string {
  return `${range.start.toISOString()}/${range.end.toISOString()}`;
}
