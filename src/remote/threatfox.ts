/**
 * ThreatFox API client: `POST {endpoint}/api/v1/` with a JSON `query` selector and the `Auth-Key`
 * header. Application errors arrive as HTTP 200 with a non-`ok` `query_status`; `no_result` is an
 * empty answer, everything else a clear error. Replies are cached on disk per request.
 */
import { UserFacingError } from '../cli/command.js';
import { type RetryPolicy, request, ServiceError } from './http.js';
import { redact, registerSecret } from './redact.js';
import { cacheKey, defaultCacheDir, readCache, writeCache } from './response-cache.js';

export const THREATFOX_ENDPOINT = 'https://threatfox-api.abuse.ch';

export type ThreatFoxRequest =
  | { days?: number }
  | { malware: string; limit?: number }
  | { tag: string; limit?: number }
  | { search: string; exactMatch?: boolean }
  | { hash: string };

export interface ThreatFoxOptions {
  authKey: string;
  /** Base URL; `/api/v1/` is appended unless the URL already ends with it. */
  endpoint?: string;
  /** Where replies are cached; `false` turns the cache off. Default: the user cache directory. */
  cacheDir?: string | false;
  /** How long a cached reply is used. Default 15 minutes; 0 disables reading the cache. */
  cacheTtlMs?: number;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  now?: () => number;
}

/** The raw envelope: `data` is the record list (empty for `no_result`). */
export interface ThreatFoxResponse {
  query_status: string;
  data: unknown[];
  [key: string]: unknown;
}

export const DEFAULT_THREATFOX_CACHE_TTL_MS = 15 * 60_000;

const SERVICE = 'ThreatFox';

/** The request body the API expects for each kind of request. */
export function threatFoxBody(req: ThreatFoxRequest): Record<string, unknown> {
  if ('malware' in req) return { query: 'malwareinfo', malware: req.malware, limit: req.limit ?? 100 };
  if ('tag' in req) return { query: 'taginfo', tag: req.tag, limit: req.limit ?? 100 };
  if ('search' in req) {
    const body: Record<string, unknown> = { query: 'search_ioc', search_term: req.search };
    if (req.exactMatch) body.exact_match = true;
    return body;
  }
  if ('hash' in req) return { query: 'search_hash', hash: req.hash };
  const days = req.days ?? 3;
  if (!Number.isInteger(days) || days < 1 || days > 7)
    throw new UserFacingError(
      `ThreatFox: days must be an integer from 1 to 7 (the API's range), got ${days}`,
    );
  return { query: 'get_iocs', days };
}

export async function queryThreatFox(
  req: ThreatFoxRequest,
  options: ThreatFoxOptions,
): Promise<ThreatFoxResponse> {
  if (!options.authKey)
    throw new UserFacingError(
      'ThreatFox needs an Auth-Key: set THREATFOX_AUTH_KEY (or threatfox.authKey in huntforge.yaml)',
    );
  registerSecret(options.authKey);
  const url = apiUrl(options.endpoint ?? THREATFOX_ENDPOINT);
  const body = threatFoxBody(req);
  const now = options.now ?? Date.now;
  const ttl = options.cacheTtlMs ?? DEFAULT_THREATFOX_CACHE_TTL_MS;
  const dir = options.cacheDir === false ? undefined : (options.cacheDir ?? defaultCacheDir());
  // The key never includes the auth key: cache files must not hold secrets.
  const key = cacheKey({ service: 'threatfox', url, body });

  if (dir && ttl > 0) {
    const cached = await readCache<ThreatFoxResponse>(`${dir}/threatfox`, key, ttl, now());
    if (cached) return cached;
  }

  const reply = await request({
    service: SERVICE,
    url,
    method: 'POST',
    headers: { 'Auth-Key': options.authKey },
    body,
    timeoutMs: options.timeoutMs ?? 30_000,
    retry: options.retry,
    secrets: [options.authKey],
  });
  const response = interpret(reply.body, reply.status, options.authKey);
  if (dir) await writeCache(`${dir}/threatfox`, key, response, now());
  return response;
}

function apiUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return /\/api\/v1$/.test(base) ? `${base}/` : `${base}/api/v1/`;
}

function interpret(body: unknown, status: number, authKey: string): ThreatFoxResponse {
  if (!body || typeof body !== 'object' || Array.isArray(body) || !('query_status' in body))
    throw new ServiceError(
      `${SERVICE}: HTTP ${status} but the reply has no query_status`,
      SERVICE,
      status,
      'MalformedResponse',
    );
  const envelope = body as Record<string, unknown>;
  const queryStatus = String(envelope.query_status);
  if (queryStatus === 'ok') {
    if (!Array.isArray(envelope.data))
      throw new ServiceError(
        `${SERVICE}: query_status ok but data is not a list`,
        SERVICE,
        status,
        'MalformedResponse',
      );
    return envelope as ThreatFoxResponse;
  }
  if (queryStatus === 'no_result' || queryStatus === 'no_results')
    return { ...envelope, query_status: queryStatus, data: [] };
  const detail = typeof envelope.data === 'string' ? ` — ${envelope.data}` : '';
  throw new ServiceError(
    redact(
      `${SERVICE}: the query was refused (query_status ${queryStatus}${detail})${STATUS_ADVICE[queryStatus] ?? ''}`,
      [authKey],
    ),
    SERVICE,
    status,
    queryStatus,
  );
}

const STATUS_ADVICE: Record<string, string> = {
  illegal_search_term: ': check the search value (at least 3 characters; IPs are searched as ip:port)',
  illegal_malware: ': use a Malpedia name such as win.nanocore or the printable name',
  illegal_tag: ': check the tag name',
  unknown_auth_key: ': THREATFOX_AUTH_KEY is not valid',
  rate_limited: ': wait a minute and retry',
};
