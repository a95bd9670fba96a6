/**
 * Result-limit handling by time slicing. Log Analytics returns at most 500,000 rows / ~100 MB per
 * query (Defender 100,000); when a result hits the limit — a truncated row count, or a "result set
 * too large" partial or fatal error — the time range is cut in half and each half re-run, down to
 * a minimum slice, and the pieces are concatenated in time order.
 */
import { ServiceError } from './http.js';
import type { PartialError, QueryResult, TimeRange } from './query-result.js';

export type RangeRunner = (range: TimeRange) => Promise<QueryResult>;

export interface SliceOptions {
  /** Row count at which a result counts as truncated. */
  rowLimit?: number;
  /** Below this a range is not cut further; the truncated result is kept with a warning. */
  minSliceMs?: number;
}

export interface SlicedResult extends QueryResult {
  /** How many queries ran in the end (1 when no slicing was needed). */
  slices: number;
  warnings: string[];
}

const LIMIT_PATTERN =
  /E_QUERY_RESULT_SET_TOO_LARGE|ResponsePayloadTooLarge|result set (has )?exceeded|exceed(s|ed)? the (set |internal )?(record|row|size|data)[a-z ]*limit|exceed[a-z]* the set limit|too large|truncat/i;

/** True when a partial or fatal error says the answer was cut at the service's size limit. */
export function isResultLimitError(
  error: PartialError | { code?: string | null; message?: string } | undefined,
): boolean {
  if (!error) return false;
  return LIMIT_PATTERN.test(`${error.code ?? ''} ${error.message ?? ''}`);
}

export async function runSliced(
  runner: RangeRunner,
  start: Date,
  end: Date,
  options: SliceOptions = {},
): Promise<SlicedResult> {
  const rowLimit = options.rowLimit ?? 500_000;
  const minSliceMs = options.minSliceMs ?? 60_000;
  const warnings: string[] = [];
  let slices = 0;
  let columns: QueryResult['columns'] = [];
  const rows: unknown[][] = [];
  const partials: PartialError[] = [];

  const visit = async (range: TimeRange): Promise<void> => {
    const span = range.end.getTime() - range.start.getTime();
    const canSplit = span >= 2 * minSliceMs;
    let result: QueryResult;
    try {
      slices++;
      result = await runner(range);
    } catch (err) {
      if (
        canSplit &&
        err instanceof ServiceError &&
        isResultLimitError({ code: err.code, message: err.message })
      ) {
        slices--;
        return splitAndVisit(range);
      }
      throw err;
    }
    const hitLimit = result.rows.length >= rowLimit || isResultLimitError(result.partialError);
    if (hitLimit && canSplit) {
      slices--;
      return splitAndVisit(range);
    }
    if (hitLimit)
      warnings.push(
        `the result for ${range.start.toISOString()}..${range.end.toISOString()} hit the service's size limit ` +
          'even in the smallest slice; some rows are missing — narrow the query',
      );
    if (result.columns.length && !columns.length) columns = result.columns;
    for (const row of result.rows) rows.push(row);
    if (result.partialError && !isResultLimitError(result.partialError)) partials.push(result.partialError);
  };

  const splitAndVisit = async (range: TimeRange): Promise<void> => {
    const mid = new Date(
      range.start.getTime() + Math.floor((range.end.getTime() - range.start.getTime()) / 2),
    );
    await visit({ start: range.start, end: mid });
    await visit({ start: mid, end: range.end });
  };

  await visit({ start, end });
  const out: SlicedResult = { columns, rows, slices, warnings };
  if (partials.length)
    out.partialError = {
      code: [...new Set(partials.map((p) => p.code))].join('/'),
      message: [...new Set(partials.map((p) => p.message))].join(' | '),
    };
  return out;
}
