/**
 * Defender XDR advanced hunting through Microsoft Graph:
 * `POST {endpoint}/v1.0/security/runHuntingQuery` with `{Query, Timespan}` →
 * `{schema:[{name, type}], results:[{column: value}]}`. Needs ThreatHunting.Read.All.
 */
import { type RetryPolicy, request, ServiceError } from './http.js';
import type { QueryResult } from './query-result.js';

export const GRAPH_ENDPOINT = 'https://graph.microsoft.com';

export interface HuntingQueryOptions {
  token: string;
  endpoint?: string;
  /** ISO 8601 duration or interval; Defender keeps 30 days. */
  timespan?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

const SERVICE = 'Defender XDR (Graph runHuntingQuery)';

export async function runHuntingQuery(kql: string, options: HuntingQueryOptions): Promise<QueryResult> {
  const base = (options.endpoint ?? GRAPH_ENDPOINT).replace(/\/+$/, '').replace(/\/v1\.0$/, '');
  const body: Record<string, unknown> = { Query: kql };
  if (options.timespan) body.Timespan = options.timespan;
  const reply = await request({
    service: SERVICE,
    url: `${base}/v1.0/security/runHuntingQuery`,
    method: 'POST',
    headers: { authorization: `Bearer ${options.token}` },
    body,
    timeoutMs: options.timeoutMs ?? 240_000,
    retry: options.retry,
    secrets: [options.token],
  });
  return parseHuntingResponse(reply.body, reply.status);
}

export function parseHuntingResponse(body: unknown, status = 200): QueryResult {
  const obj = body as { schema?: unknown; results?: unknown } | null;
  if (!obj || !Array.isArray(obj.schema) || !Array.isArray(obj.results))
    throw new ServiceError(
      `${SERVICE}: HTTP ${status} but the reply has no schema/results`,
      SERVICE,
      status,
      'MalformedResponse',
    );
  const columns = obj.schema.map((c: { name?: unknown; Name?: unknown; type?: unknown; Type?: unknown }) => ({
    name: String(c.name ?? c.Name ?? ''),
    type: String(c.type ?? c.Type ?? 'String'),
  }));
  const rows = (obj.results as Record<string, unknown>[]).map((r) => columns.map((c) => r?.[c.name] ?? null));
  return { columns, rows };
}
