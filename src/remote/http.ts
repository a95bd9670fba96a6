/**
 * The one HTTP client every remote service uses: JSON in and out, a timeout per attempt, and
 * bounded retries with exponential back-off and jitter on throttling (429, honouring Retry-After),
 * transient server errors (500/502/503/504) and network failures. Client errors (400/401/403/404
 * …) are never retried. Failures become a UserFacingError naming the service, the HTTP status and
 * the service's own error code and message — with secrets redacted.
 */
import { UserFacingError } from '../cli/command.js';
import { redact } from './redact.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First back-off; doubles on each retry. */
  baseDelayMs: number;
  /** Ceiling for one wait, Retry-After included. */
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** 0..1; injectable so tests are deterministic. */
  random?: () => number;
}

export interface HttpRequest {
  /** Printable service name for messages: `ThreatFox`, `Log Analytics`, … */
  service: string;
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is already a string. */
  body?: unknown;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Values (tokens, keys) that must never appear in a message. */
  secrets?: string[];
  /** Statuses that are answers, not failures (e.g. 404 for "does not exist yet"). */
  acceptStatus?: number[];
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

/** A service refused or failed; `status` is 0 for network errors and timeouts. */
export class ServiceError extends UserFacingError {
  override name = 'ServiceError';
  constructor(
    message: string,
    readonly service: string,
    readonly status: number,
    readonly code: string | null,
    /** The 401 challenge, e.g. `Bearer error="invalid_token"` for an expired token. */
    readonly wwwAuthenticate: string | null = null,
  ) {
    super(message);
  }
}

/** A 401 whose challenge says the bearer token expired or was revoked: a fresh token may help. */
export function isInvalidTokenError(err: unknown): err is ServiceError {
  return (
    err instanceof ServiceError &&
    err.status === 401 &&
    /error\s*=\s*"?invalid_token"?/i.test(err.wwwAuthenticate ?? '')
  );
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export const DEFAULT_TIMEOUT_MS = 60_000;

/** Defaults; `HUNTFORGE_RETRY_BASE_MS` shortens the back-off (used by the CLI tests). */
export function defaultRetryPolicy(): RetryPolicy {
  const base = Number(process.env.HUNTFORGE_RETRY_BASE_MS);
  return {
    maxRetries: 4,
    baseDelayMs: Number.isFinite(base) && base >= 0 && process.env.HUNTFORGE_RETRY_BASE_MS ? base : 1000,
    maxDelayMs: 60_000,
  };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function request(req: HttpRequest): Promise<HttpResponse> {
  const policy = { ...defaultRetryPolicy(), ...req.retry };
  const sleep = policy.sleep ?? realSleep;
  const random = policy.random ?? Math.random;
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    headers['content-type'] ??= 'application/json';
  }

  for (let attempt = 0; ; attempt++) {
    const retriesLeft = attempt < policy.maxRetries;
    let response: Response | undefined;
    let text: string;
    try {
      response = await fetch(req.url, {
        method: req.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The timeout covers the body too: a reply that trickles in (or stops) still ends.
      text = await response.text();
    } catch (err) {
      if (retriesLeft) {
        await sleep(backoff(attempt, policy, random));
        continue;
      }
      throw networkError(req, err, timeoutMs, attempt + 1, response?.status);
    }

    if (response.ok || req.acceptStatus?.includes(response.status)) {
      return {
        status: response.status,
        headers: response.headers,
        text,
        body: parseBody(req, response, text),
      };
    }
    if (RETRYABLE.has(response.status) && retriesLeft) {
      const hinted = retryAfterMs(response.headers.get('retry-after'));
      const wait = hinted ?? backoff(attempt, policy, random);
      await sleep(Math.min(wait, policy.maxDelayMs));
      continue;
    }
    throw statusError(req, response.status, text, attempt + 1, response.headers.get('www-authenticate'));
  }
}

/** Exponential back-off with "full jitter" between half and all of the doubled base. */
function backoff(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Retry-After is either delta-seconds or an HTTP-date. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function parseBody(req: HttpRequest, response: Response, text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ServiceError(
      redact(
        `${req.service}: HTTP ${response.status} but the reply is not JSON${looksTruncated(text) ? ` — it breaks off after ${text.length} characters, cut short in transit` : ''} (${describeText(text)})`,
        req.secrets,
      ),
      req.service,
      response.status,
      'MalformedResponse',
    );
  }
}

/** JSON that starts like an object or array but does not close: cut off in transit. */
function looksTruncated(text: string): boolean {
  const t = text.trim();
  return /^[[{]/.test(t) && !/[\]}]$/.test(t);
}

function statusError(
  req: HttpRequest,
  status: number,
  text: string,
  attempts: number,
  wwwAuthenticate: string | null = null,
): ServiceError {
  const { code, message } = extractServiceError(text);
  const hint = STATUS_HINTS[status] ?? '';
  const tried = attempts > 1 ? ` after ${attempts} attempts` : '';
  const detail = [code, message].filter(Boolean).join(': ') || describeText(text);
  return new ServiceError(
    redact(`${req.service}: HTTP ${status}${tried} — ${detail}${hint ? ` (${hint})` : ''}`, req.secrets),
    req.service,
    status,
    code,
    wwwAuthenticate,
  );
}

const STATUS_HINTS: Record<number, string> = {
  401: 'the credential was rejected: sign in again or set a valid HUNTFORGE_ACCESS_TOKEN / key',
  403: 'the identity lacks a role or permission on this resource',
  404: 'check the workspace, cluster, database or resource names',
  429: 'throttled: try again later or lower the concurrency',
  504: 'the query ran out of time: narrow the lookback or the query',
};

/** `status` is set when the headers had arrived and the body then failed (reset, or too slow). */
function networkError(
  req: HttpRequest,
  err: unknown,
  timeoutMs: number,
  attempts: number,
  status?: number,
): ServiceError {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
  const host = safeHost(req.url);
  const within = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
  const cause = e.cause?.code ?? e.cause?.message ?? e.message;
  let reason: string;
  if (status === undefined)
    reason = timedOut ? `no answer from ${host} within ${within}` : `could not reach ${host} (${cause})`;
  else
    reason = timedOut
      ? `the reply from ${host} (HTTP ${status}) did not finish within ${within}`
      : `the connection to ${host} dropped mid-reply (HTTP ${status}, ${cause})`;
  return new ServiceError(
    redact(`${req.service}: ${reason}${attempts > 1 ? ` after ${attempts} attempts` : ''}`, req.secrets),
    req.service,
    0,
    timedOut ? 'Timeout' : status === undefined ? (e.cause?.code ?? null) : 'ConnectionReset',
  );
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the service';
  }
}

/** Pulls a code and message out of the error shapes these services use (OneAPI, ARM, Graph, ThreatFox). */
export function extractServiceError(text: string): { code: string | null; message: string | null } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { code: null, message: null };
  }
  if (!parsed || typeof parsed !== 'object') return { code: null, message: null };
  const obj = parsed as Record<string, unknown>;
  const inner = (obj.error && typeof obj.error === 'object' ? obj.error : obj) as Record<string, unknown>;
  const innermost = inner.innererror as Record<string, unknown> | undefined;
  const code = str(inner.code) ?? str(obj.query_status) ?? str(obj.statusCode);
  const message = str(inner.message) ?? str(inner['@message']) ?? str(obj.message) ?? str(obj.data);
  const innerText = innermost ? [str(innermost.code), str(innermost.message)].filter(Boolean).join(': ') : '';
  return { code, message: [message, innerText].filter(Boolean).join(' — ') || null };
}

function str(v: unknown): string | null {
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (typeof v === 'number') return String(v);
  return null;
}

function describeText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return 'empty reply';
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}
