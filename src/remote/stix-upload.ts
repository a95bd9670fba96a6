/**
 * Sentinel threat-intelligence STIX objects upload:
 * `POST {endpoint}/workspaces/{workspaceId}/threat-intelligence-stix-objects:upload?api-version=2024-02-01-preview`
 * with `{sourcesystem, stixobjects}` — at most 100 objects per request and 100 requests a minute per
 * user (a token bucket keeps to it). A request that partly fails still answers 200 with
 * `{errors:[{recordIndex, errorMessages}]}`; those are reported against the object's overall index.
 */
import { SCOPES } from './credentials.js';
import { type RetryPolicy, request } from './http.js';
import { TokenBucket } from './token-bucket.js';
import { type BearerToken, withBearer } from './token-provider.js';

export const STIX_UPLOAD_ENDPOINT = 'https://api.ti.sentinel.azure.com';
export const STIX_UPLOAD_API_VERSION = '2024-02-01-preview';
export const STIX_BATCH_SIZE = 100;
export const STIX_REQUESTS_PER_MINUTE = 100;

export interface StixUploadOptions {
  /** A management token (the upload API's audience); a provider renews it during long uploads. */
  token: BearerToken;
  endpoint?: string;
  /** Shown as the source in Sentinel ('Microsoft Sentinel' is reserved). */
  sourceSystem?: string;
  batchSize?: number;
  bucket?: TokenBucket;
  dryRun?: boolean;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  /** Told after each request the service answered, with the totals so far. */
  onProgress?: (sofar: StixUploadResult) => void;
}

export interface StixRecordError {
  /** Index in the whole upload, not the batch. */
  index: number;
  id: string | null;
  messages: string[];
}

export interface StixUploadResult {
  objects: number;
  requests: number;
  accepted: number;
  errors: StixRecordError[];
}

export async function uploadStixObjects(
  workspaceId: string,
  objects: Record<string, unknown>[],
  options: StixUploadOptions,
): Promise<StixUploadResult> {
  const batchSize = Math.min(STIX_BATCH_SIZE, Math.max(1, options.batchSize ?? STIX_BATCH_SIZE));
  const batches = Math.ceil(objects.length / batchSize);
  if (options.dryRun) return { objects: objects.length, requests: batches, accepted: 0, errors: [] };
  const bucket = options.bucket ?? new TokenBucket(STIX_REQUESTS_PER_MINUTE, 60_000);
  const base = (options.endpoint ?? STIX_UPLOAD_ENDPOINT).replace(/\/+$/, '');
  const url = `${base}/workspaces/${encodeURIComponent(workspaceId)}/threat-intelligence-stix-objects:upload?api-version=${STIX_UPLOAD_API_VERSION}`;
  const errors: StixRecordError[] = [];
  for (let start = 0; start < objects.length; start += batchSize) {
    const batch = objects.slice(start, start + batchSize);
    await bucket.take();
    const end = start + batch.length;
    const reply = await withBearer(
      options.token,
      SCOPES.management,
      `upload objects ${start + 1}–${end}`,
      (token) =>
        request({
          service: 'Sentinel STIX objects upload',
          url,
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: { sourcesystem: options.sourceSystem ?? 'huntforge', stixobjects: batch },
          retry: options.retry,
          timeoutMs: options.timeoutMs,
          secrets: [token],
        }),
    );
    const reported = (
      reply.body as { errors?: { recordIndex?: unknown; errorMessages?: unknown }[] } | undefined
    )?.errors;
    for (const e of Array.isArray(reported) ? reported : []) {
      const local = Number(e.recordIndex);
      const index = Number.isInteger(local) ? start + local : -1;
      const object = index >= 0 ? objects[index] : undefined;
      errors.push({
        index,
        id: typeof object?.id === 'string' ? object.id : null,
        messages: Array.isArray(e.errorMessages)
          ? e.errorMessages.map(String)
          : [String(e.errorMessages ?? 'rejected')],
      });
    }
    options.onProgress?.({
      objects: end,
      requests: start / batchSize + 1,
      accepted: end - errors.length,
      errors: [...errors],
    });
  }
  return { objects: objects.length, requests: batches, accepted: objects.length - errors.length, errors };
}

/** STIX objects from a bundle (`{type:'bundle', objects}`), a bare array, or `{stixobjects}`. */
export function stixObjectsFrom(json: unknown): Record<string, unknown>[] | undefined {
  if (Array.isArray(json)) return json as Record<string, unknown>[];
  const obj = json as { objects?: unknown; stixobjects?: unknown } | null;
  if (Array.isArray(obj?.objects)) return obj.objects as Record<string, unknown>[];
  if (Array.isArray(obj?.stixobjects)) return obj.stixobjects as Record<string, unknown>[];
  return undefined;
}
