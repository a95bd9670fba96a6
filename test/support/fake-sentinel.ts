/**
 * Azure Resource Manager for Sentinel (alertRules, watchlists and watchlist items) and the
 * Sentinel STIX objects upload API, with in-memory state. Like the real services, the ARM side
 * adds read-only fields and defaults to what it stores, checks etags on update (412 on mismatch),
 * and the upload API rejects bad records one by one with `{errors:[{recordIndex, errorMessages}]}`.
 */
import {
  bearer,
  type Loopback,
  oneApiError,
  type RecordedRequest,
  type Reply,
  startLoopback,
} from './loopback.js';

export const ARM_TOKEN = 'arm-token-SECRET-0123456789';

interface Stored {
  etag: string;
  kind?: string;
  properties: Record<string, unknown>;
}

export interface FakeSentinel extends Loopback {
  rules: Map<string, Stored>;
  watchlists: Map<string, Stored>;
  items: Map<string, Map<string, Record<string, string>>>;
  /** Every STIX object accepted, in order. */
  stixAccepted: Record<string, unknown>[];
  writes(): RecordedRequest[];
}

const WORKSPACE_PREFIX =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.OperationalInsights\/workspaces\/([^/]+)\/providers\/Microsoft\.SecurityInsights\/(.+)$/;

export async function startFakeSentinel(token = ARM_TOKEN): Promise<FakeSentinel> {
  const rules = new Map<string, Stored>();
  const watchlists = new Map<string, Stored>();
  const items = new Map<string, Map<string, Record<string, string>>>();
  const stixAccepted: Record<string, unknown>[] = [];
  let etagCounter = 0;
  const nextEtag = () => `"${(++etagCounter).toString(16).padStart(8, '0')}-0000-0000-0000-000000000000"`;

  const handler = (req: RecordedRequest): Reply => {
    const auth = bearer(req);
    if (auth !== token)
      return { status: 401, body: oneApiError('InvalidAuthenticationToken', 'The access token is invalid.') };
    const stix = /^\/workspaces\/([^/]+)\/threat-intelligence-stix-objects:upload$/.exec(req.path);
    if (stix) return stixUpload(req);
    const m = WORKSPACE_PREFIX.exec(req.path);
    if (!m)
      return {
        status: 404,
        body: oneApiError('InvalidResourceType', `The resource type could not be found`),
      };
    if (!req.query.get('api-version'))
      return {
        status: 400,
        body: oneApiError(
          'MissingApiVersionParameter',
          'The api-version query parameter (?api-version=) is required for all requests.',
        ),
      };
    const rest = m[4].split('/');
    if (rest[0] === 'alertRules' && rest.length === 2) return alertRule(req, decodeURIComponent(rest[1]));
    if (rest[0] === 'watchlists' && rest.length === 2) return watchlist(req, decodeURIComponent(rest[1]));
    if (rest[0] === 'watchlists' && rest[2] === 'watchlistItems')
      return watchlistItems(req, decodeURIComponent(rest[1]), rest[3]);
    return { status: 404, body: oneApiError('NotFound', 'not found') };
  };

  function alertRule(req: RecordedRequest, id: string): Reply {
    const stored = rules.get(id);
    if (req.method === 'GET') {
      if (!stored) return { status: 404, body: oneApiError('NotFound', `Alert rule ${id} not found`) };
      return {
        status: 200,
        body: {
          id: `${req.path}`,
          name: id,
          type: 'Microsoft.SecurityInsights/alertRules',
          etag: stored.etag,
          kind: stored.kind,
          // Defaults and read-only fields the service adds.
          properties: {
            alertRuleTemplateName: null,
            templateVersion: null,
            ...stored.properties,
            lastModifiedUtc: '2026-11-28T10:00:00Z',
          },
        },
      };
    }
    if (req.method === 'PUT') {
      const body = req.body as
        | { etag?: string; kind?: string; properties?: Record<string, unknown> }
        | undefined;
      if (
        !body?.kind ||
        !body.properties?.displayName ||
        (body.kind === 'Scheduled' && !body.properties.query)
      )
        return { status: 400, body: oneApiError('BadRequest', 'kind, displayName and query are required') };
      if (stored && body.etag && body.etag !== stored.etag)
        return { status: 412, body: oneApiError('PreconditionFailed', 'etag mismatch') };
      const { lastModifiedUtc: _ignored, ...properties } = body.properties;
      rules.set(id, { etag: nextEtag(), kind: body.kind, properties });
      return { status: stored ? 200 : 201, body: { name: id, kind: body.kind, properties } };
    }
    return { status: 405, body: oneApiError('MethodNotAllowed', req.method) };
  }

  function watchlist(req: RecordedRequest, alias: string): Reply {
    const stored = watchlists.get(alias);
    if (req.method === 'GET') {
      if (!stored) return { status: 404, body: oneApiError('NotFound', `Watchlist ${alias} not found`) };
      return {
        status: 200,
        body: {
          name: alias,
          etag: stored.etag,
          properties: { ...stored.properties, watchlistId: `wl-${alias}`, tenantId: 't', isDeleted: false },
        },
      };
    }
    if (req.method === 'PUT') {
      const props = (req.body as { properties?: Record<string, unknown> } | undefined)?.properties;
      if (!props?.displayName || !props.itemsSearchKey || !props.provider)
        return {
          status: 400,
          body: oneApiError('BadRequest', 'displayName, provider and itemsSearchKey are required'),
        };
      const { rawContent, contentType: _c, numberOfLinesToSkip: _n, ...kept } = props;
      watchlists.set(alias, { etag: nextEtag(), properties: kept });
      const list = items.get(alias) ?? new Map<string, Record<string, string>>();
      // The service upserts the uploaded rows by their search key.
      for (const row of csvRows(String(rawContent ?? ''))) {
        const key = row[String(props.itemsSearchKey)];
        const existingId = [...list.entries()].find(([, v]) => v[String(props.itemsSearchKey)] === key)?.[0];
        list.set(existingId ?? `item-${alias}-${list.size + 1}-${key}`, row);
      }
      items.set(alias, list);
      return { status: stored ? 200 : 201, body: { name: alias, properties: kept } };
    }
    return { status: 405, body: oneApiError('MethodNotAllowed', req.method) };
  }

  function watchlistItems(req: RecordedRequest, alias: string, itemId?: string): Reply {
    const list = items.get(alias);
    if (!list) return { status: 404, body: oneApiError('NotFound', 'watchlist not found') };
    if (req.method === 'GET' && !itemId) {
      // Pages of two items, to exercise nextLink.
      const all = [...list.entries()];
      const skip = Number(req.query.get('$skipToken') ?? 0);
      const page = all.slice(skip, skip + 2);
      const next =
        skip + 2 < all.length
          ? `http://${req.headers.host}${req.path}?api-version=${req.query.get('api-version')}&$skipToken=${skip + 2}`
          : undefined;
      return {
        status: 200,
        body: {
          value: page.map(([id, values]) => ({
            name: id,
            properties: { watchlistItemId: id, itemsKeyValue: values },
          })),
          ...(next ? { nextLink: next } : {}),
        },
      };
    }
    if (req.method === 'DELETE' && itemId) {
      list.delete(decodeURIComponent(itemId));
      return { status: 200 };
    }
    return { status: 405, body: oneApiError('MethodNotAllowed', req.method) };
  }

  function stixUpload(req: RecordedRequest): Reply {
    if (req.query.get('api-version') !== '2024-02-01-preview')
      return { status: 400, body: oneApiError('BadRequest', 'unsupported api-version') };
    const body = req.body as { sourcesystem?: string; stixobjects?: Record<string, unknown>[] } | undefined;
    const objects = body?.stixobjects;
    if (!body?.sourcesystem || !Array.isArray(objects))
      return { status: 400, body: oneApiError('BadRequest', 'sourcesystem and stixobjects are required') };
    if (objects.length > 100)
      return { status: 400, body: oneApiError('BadRequest', 'At most 100 objects per request') };
    const errors: { recordIndex: number; errorMessages: string[] }[] = [];
    objects.forEach((o, i) => {
      const missing = [
        'id',
        'type',
        'created',
        'modified',
        ...(o.type === 'indicator' ? ['pattern', 'pattern_type', 'valid_from'] : []),
      ].filter((k) => !o[k]);
      if (missing.length)
        errors.push({
          recordIndex: i,
          errorMessages: missing.map((k) => `Error for Property=${k}: required property is missing`),
        });
      else stixAccepted.push(o);
    });
    return { status: 200, body: errors.length ? { errors } : {} };
  }

  const server = await startLoopback(handler);
  return {
    ...server,
    rules,
    watchlists,
    items,
    stixAccepted,
    writes: () =>
      server.requests.filter(
        (r) =>
          r.method === 'PUT' || r.method === 'DELETE' || (r.method === 'POST' && !r.path.includes('stix')),
      ),
  };
}

function csvRows(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length === 0) return [];
  const header = lines[0].split(',').map((s) => s.trim());
  return lines.slice(1).map((line) => {
    const cells = line.split(',').map((s) => s.trim());
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}
