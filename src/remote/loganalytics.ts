/**
 * Log Analytics query API: `POST {endpoint}/v1/workspaces/{id}/query` with `{query, timespan}`.
 *
 * Spoken with fetch rather than @azure/monitor-query-logs: the SDK's bearer-token policy refuses
 * non-https URLs (so it cannot be pointed at a loopback test server or a plain-http proxy), and
 * its own retry policy would hide the Retry-After handling and error codes huntforge reports.
 */
import { type RetryPolicy, request, ServiceError } from './http.js';
import type { PartialError, QueryColumn, QueryResult } from './query-result.js';

export const LOG_ANALYTICS_ENDPOINT = 'https://api.loganalytics.azure.com';

export interface WorkspaceQueryOptions {
  /** ISO 8601 duration (`P14D`) or interval (`2026-04-01T00:00:00Z/2026-04-15T00:00:00Z`). */
  timespan?: string;
  endpoint?: string;
  token: string;
  /** Server-side time limit (`Prefer: wait=`), at most 600 s. */
  serverTimeoutSeconds?: number;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

const SERVICE = 'Log Analytics';

export async function queryWorkspace(
  workspaceId: string,
  kql: string,
  options: WorkspaceQueryOptions,
): Promise<QueryResult> {
  const base = (options.endpoint ?? LOG_ANALYTICS_ENDPOINT).replace(/\/+$/, '').replace(/\/v1$/, '');
  const wait = Math.min(600, options.serverTimeoutSeconds ?? 600);
  const body: Record<string, unknown> = { query: kql };
  if (options.timespan) body.timespan = options.timespan;
  const reply = await request({
    service: SERVICE,
    url: `${base}/v1/workspaces/${encodeURIComponent(workspaceId)}/query`,
    method: 'POST',
    headers: { authorization: `Bearer ${options.token}`, prefer: `wait=${wait}` },
    body,
    timeoutMs: options.timeoutMs ?? (wait + 30) * 1000,
    retry: options.retry,
    secrets: [options.token],
  });
  // 204: the workspace has no data at all.
  if (reply.status === 204 || reply.body === undefined) return { columns: [], rows: [] };
  return parseLogAnalyticsResponse(reply.body, reply.status);
}

/** `{tables:[{name, columns:[{name,type}], rows:[[…]]}], error?}`; the first (primary) table is returned. */
export function parseLogAnalyticsResponse(body: unknown, status = 200): QueryResult {
  const obj = body as { tables?: unknown; error?: unknown } | null;
  if (!obj || typeof obj !== 'object' || !Array.isArray(obj.tables))
    throw new ServiceError(
      `${SERVICE}: HTTP ${status} but the reply has no tables`,
      SERVICE,
      status,
      'MalformedResponse',
    );
  const table = (obj.tables[0] ?? { columns: [], rows: [] }) as { columns?: unknown; rows?: unknown };
  if (!Array.isArray(table.columns) || !Array.isArray(table.rows))
    throw new ServiceError(
      `${SERVICE}: HTTP ${status} but the table has no columns or rows`,
      SERVICE,
      status,
      'MalformedResponse',
    );
  const columns: QueryColumn[] = table.columns.map((c: { name?: unknown; type?: unknown }) => ({
    name: String(c?.name ?? ''),
    type: String(c?.type ?? 'string'),
  }));
  const result: QueryResult = { columns, rows: table.rows as unknown[][] };
  const partial = oneApiError(obj.error);
  if (partial) result.partialError = partial;
  return result;
}

/** Flattens a OneAPI error (`{code, message, details:[…], innererror:{…}}`) into code + message. */
export function oneApiError(error: unknown): PartialError | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; message?: unknown; details?: unknown; innererror?: unknown };
  const parts = [typeof e.message === 'string' ? e.message : ''];
  const codes = [typeof e.code === 'string' ? e.code : 'PartialError'];
  const nested = [...(Array.isArray(e.details) ? e.details : []), e.innererror].filter(Boolean) as {
    code?: unknown;
    message?: unknown;
    innererror?: unknown;
  }[];
  for (const d of nested) {
    if (typeof d.code === 'string') codes.push(d.code);
    if (typeof d.message === 'string') parts.push(d.message);
    const deeper = oneApiError(d.innererror);
    if (deeper) {
      codes.push(deeper.code);
      parts.push(deeper.message);
    }
  }
  return { code: [...new Set(codes)].join('/'), message: [...new Set(parts.filter(Boolean))].join(' — ') };
}
