/**
 * Azure Data Explorer query REST API: `POST {cluster}/v2/rest/query` (frames) or `/v1/rest/query`
 * (tables), body `{db, csl, properties}`.
 *
 * Spoken with fetch rather than azure-kusto-data: the SDK wraps throttling and service errors in its
 * own exceptions (no Retry-After, no OneAPI code), and its retries would fight huntforge's back-off.
 * The REST protocol is small and documented, and the same client then works against any endpoint.
 */
import { type RetryPolicy, request, ServiceError } from './http.js';
import { oneApiError } from './loganalytics.js';
import type { PartialError, QueryResult, TimeRange } from './query-result.js';

export interface AdxQueryOptions {
  token: string;
  apiVersion?: 'v1' | 'v2';
  /** Scopes the query to a time range through the datetime-scope request properties. */
  range?: TimeRange;
  timeColumn?: string;
  serverTimeoutMs?: number;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

const SERVICE = 'Azure Data Explorer';

export async function queryAdx(
  clusterUrl: string,
  database: string,
  kql: string,
  options: AdxQueryOptions,
): Promise<QueryResult> {
  const version = options.apiVersion ?? 'v2';
  const serverTimeoutMs = options.serverTimeoutMs ?? 600_000;
  const requestOptions: Record<string, unknown> = { servertimeout: formatTimespan(serverTimeoutMs) };
  if (options.range) {
    requestOptions.query_datetimescope_column = options.timeColumn ?? 'TimeGenerated';
    requestOptions.query_datetimescope_from = options.range.start.toISOString();
    requestOptions.query_datetimescope_to = options.range.end.toISOString();
  }
  const reply = await request({
    service: SERVICE,
    url: `${clusterUrl.replace(/\/+$/, '')}/${version}/rest/query`,
    method: 'POST',
    headers: { authorization: `Bearer ${options.token}`, 'x-ms-app': 'huntforge' },
    body: { db: database, csl: kql, properties: JSON.stringify({ Options: requestOptions }) },
    timeoutMs: options.timeoutMs ?? serverTimeoutMs + 30_000,
    retry: options.retry,
    secrets: [options.token],
  });
  return version === 'v2' ? parseAdxV2(reply.body, reply.status) : parseAdxV1(reply.body, reply.status);
}

function malformed(status: number, what: string): ServiceError {
  return new ServiceError(`${SERVICE}: HTTP ${status} but ${what}`, SERVICE, status, 'MalformedResponse');
}

interface V2Column {
  ColumnName: string;
  ColumnType?: string;
  DataType?: string;
}

/** v2: a JSON array of frames; the DataTable with TableKind PrimaryResult holds the answer. */
export function parseAdxV2(body: unknown, status = 200): QueryResult {
  if (!Array.isArray(body)) throw malformed(status, 'the reply is not a list of frames');
  const primary = body.find((f) => f?.FrameType === 'DataTable' && f.TableKind === 'PrimaryResult') as
    | { Columns?: V2Column[]; Rows?: unknown[] }
    | undefined;
  const completion = body.find((f) => f?.FrameType === 'DataSetCompletion') as
    | { HasErrors?: boolean; Cancelled?: boolean; OneApiErrors?: unknown[] }
    | undefined;
  const errors: PartialError[] = [];
  const rows: unknown[][] = [];
  for (const row of primary?.Rows ?? []) {
    // Errors raised after streaming began are injected as row objects.
    if (Array.isArray(row)) rows.push(row);
    else errors.push(...oneApiErrors((row as { OneApiErrors?: unknown[] })?.OneApiErrors));
  }
  if (completion?.HasErrors || completion?.Cancelled) {
    errors.push(...oneApiErrors(completion.OneApiErrors));
    if (errors.length === 0)
      errors.push({
        code: completion.Cancelled ? 'Cancelled' : 'PartialError',
        message: 'the query completed with errors',
      });
  }
  if (!primary && errors.length === 0) throw malformed(status, 'it holds no PrimaryResult table');
  const result: QueryResult = {
    columns: (primary?.Columns ?? []).map((c) => ({
      name: c.ColumnName,
      type: c.ColumnType ?? c.DataType ?? 'string',
    })),
    rows,
  };
  if (errors.length) result.partialError = mergeErrors(errors);
  return result;
}

/** v1: `{Tables:[…]}`; the first table is the primary result, the last the status table when several. */
export function parseAdxV1(body: unknown, status = 200): QueryResult {
  const tables = (body as { Tables?: unknown })?.Tables;
  if (!Array.isArray(tables) || tables.length === 0) throw malformed(status, 'the reply has no Tables');
  const primary = tables[0] as { Columns?: V2Column[]; Rows?: unknown[] };
  if (!Array.isArray(primary.Columns) || !Array.isArray(primary.Rows))
    throw malformed(status, 'the first table has no Columns or Rows');
  const errors: PartialError[] = [];
  const rows: unknown[][] = [];
  for (const row of primary.Rows) {
    if (Array.isArray(row)) rows.push(row);
    else if (row && typeof row === 'object') {
      const exceptions = (row as { Exceptions?: unknown[] }).Exceptions;
      for (const e of exceptions ?? []) errors.push({ code: 'PartialError', message: String(e) });
    }
  }
  const result: QueryResult = {
    columns: primary.Columns.map((c) => ({
      name: c.ColumnName,
      type: c.ColumnType ?? c.DataType ?? 'string',
    })),
    rows,
  };
  if (errors.length) result.partialError = mergeErrors(errors);
  return result;
}

function oneApiErrors(list: unknown[] | undefined): PartialError[] {
  return (list ?? []).map((e) => {
    const inner = (e as { error?: unknown })?.error ?? e;
    const flat = oneApiError(inner);
    const detail = (inner as { '@message'?: unknown })?.['@message'];
    return {
      code: flat?.code ?? 'PartialError',
      message: [flat?.message, typeof detail === 'string' ? detail : ''].filter(Boolean).join(' — '),
    };
  });
}

function mergeErrors(errors: PartialError[]): PartialError {
  return {
    code: [...new Set(errors.map((e) => e.code))].join('/'),
    message: [...new Set(errors.map((e) => e.message).filter(Boolean))].join(' | '),
  };
}

/** Kusto timespan literal `hh:mm:ss`. */
function formatTimespan(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}
