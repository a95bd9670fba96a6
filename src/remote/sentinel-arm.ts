/**
 * Sentinel resources through Azure Resource Manager: analytics rules
 * (`…/providers/Microsoft.SecurityInsights/alertRules/{ruleId}`) and watchlists
 * (`…/watchlists/{alias}`, items via `rawContent` CSV). Every write is GET, compare the fields
 * huntforge owns, PUT only when they differ — so deploying twice changes nothing the second time.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { SCOPES } from './credentials.js';
import { changedFields } from './deep-subset.js';
import { type RetryPolicy, request } from './http.js';
import { type BearerToken, withBearer } from './token-provider.js';

export const ARM_ENDPOINT = 'https://management.azure.com';
export const SECURITY_INSIGHTS_API_VERSION = '2024-09-01';

export interface ArmWorkspace {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  /** A provider renews an expiring token between (and, on a 401, within) requests; a string is used as is. */
  token: BearerToken;
  endpoint?: string;
  apiVersion?: string;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
}

export type DeployAction = 'created' | 'updated' | 'unchanged';

export interface DeployChange {
  kind: 'alertRule' | 'watchlist';
  id: string;
  name: string;
  action: DeployAction;
  /** Fields (or `items`) that differ; empty for unchanged and created. */
  changedFields: string[];
  /** Watchlist items removed because they are no longer in the content. */
  removedItems?: number;
}

export interface DeployOptions {
  dryRun?: boolean;
  /** Told before each PUT or DELETE is sent, so a caller that stops partway knows what may have changed. */
  onWrite?: (operation: string) => void;
}

/** Fields the service computes; never sent back. */
const READ_ONLY = new Set([
  'lastModifiedUtc',
  'created',
  'updated',
  'createdBy',
  'updatedBy',
  'tenantId',
  'uploadStatus',
  'watchlistId',
  'isDeleted',
]);

const SERVICE = 'Azure Resource Manager (Sentinel)';

export function workspaceResourceUrl(ws: ArmWorkspace, path: string): string {
  const base = (ws.endpoint ?? ARM_ENDPOINT).replace(/\/+$/, '');
  const seg = encodeURIComponent;
  return (
    `${base}/subscriptions/${seg(ws.subscriptionId)}/resourceGroups/${seg(ws.resourceGroup)}` +
    `/providers/Microsoft.OperationalInsights/workspaces/${seg(ws.workspaceName)}` +
    `/providers/Microsoft.SecurityInsights/${path}`
  );
}

function withVersion(ws: ArmWorkspace, url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}api-version=${ws.apiVersion ?? SECURITY_INSIGHTS_API_VERSION}`;
}

interface ArmResource {
  etag?: string;
  kind?: string;
  properties?: Record<string, unknown>;
}

/** `PUT alertRules/…`: the method and the resource below the workspace, for messages. */
function operationOf(method: string, url: string): string {
  const resource = url.split('/providers/Microsoft.SecurityInsights/')[1]?.split('?')[0] ?? url;
  try {
    return `${method} ${decodeURIComponent(resource)}`;
  } catch {
    // a link from the service with a stray '%': show it as sent
    return `${method} ${resource}`;
  }
}

function armRequest(
  ws: ArmWorkspace,
  method: 'GET' | 'PUT' | 'DELETE',
  url: string,
  extra: { body?: unknown; acceptStatus?: number[] } = {},
) {
  return withBearer(ws.token, SCOPES.management, operationOf(method, url), (token) =>
    request({
      service: SERVICE,
      url,
      method,
      headers: { authorization: `Bearer ${token}` },
      ...extra,
      retry: ws.retry,
      timeoutMs: ws.timeoutMs,
      secrets: [token],
    }),
  );
}

async function armGet(ws: ArmWorkspace, url: string): Promise<ArmResource | undefined> {
  const reply = await armRequest(ws, 'GET', withVersion(ws, url), { acceptStatus: [404] });
  return reply.status === 404 ? undefined : ((reply.body ?? {}) as ArmResource);
}

async function armSend(
  ws: ArmWorkspace,
  options: DeployOptions,
  method: 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<void> {
  options.onWrite?.(operationOf(method, url));
  await armRequest(ws, method, withVersion(ws, url), { body });
}

function writable(properties: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties ?? {}).filter(([k]) => !READ_ONLY.has(k)));
}

export interface AlertRuleInput {
  ruleId: string;
  kind: string;
  properties: Record<string, unknown>;
}

export async function deployAlertRule(
  ws: ArmWorkspace,
  rule: AlertRuleInput,
  options: DeployOptions = {},
): Promise<DeployChange> {
  const url = workspaceResourceUrl(ws, `alertRules/${encodeURIComponent(rule.ruleId)}`);
  const existing = await armGet(ws, url);
  const name = String(rule.properties.displayName ?? rule.ruleId);
  const change = (action: DeployAction, fields: string[]): DeployChange => ({
    kind: 'alertRule',
    id: rule.ruleId,
    name,
    action,
    changedFields: fields,
  });
  if (!existing) {
    if (!options.dryRun)
      await armSend(ws, options, 'PUT', url, { kind: rule.kind, properties: rule.properties });
    return change('created', []);
  }
  const fields = changedFields(rule.properties, existing.properties);
  if (existing.kind && existing.kind !== rule.kind) fields.unshift('kind');
  if (fields.length === 0) return change('unchanged', []);
  if (!options.dryRun) {
    // Keep fields someone else set on the rule; overwrite the ones huntforge owns.
    const body: ArmResource = {
      kind: rule.kind,
      properties: { ...writable(existing.properties), ...rule.properties },
    };
    if (existing.etag) body.etag = existing.etag;
    await armSend(ws, options, 'PUT', url, body);
  }
  return change('updated', fields);
}

export interface WatchlistInput {
  alias: string;
  properties: Record<string, unknown>;
}

interface WatchlistItem {
  id: string;
  key: string;
}

export async function deployWatchlist(
  ws: ArmWorkspace,
  watchlist: WatchlistInput,
  options: DeployOptions = {},
): Promise<DeployChange> {
  const url = workspaceResourceUrl(ws, `watchlists/${encodeURIComponent(watchlist.alias)}`);
  const { rawContent, ...metadata } = watchlist.properties;
  const desired: Record<string, unknown> = {
    watchlistAlias: watchlist.alias,
    contentType: 'text/csv',
    numberOfLinesToSkip: 0,
    ...metadata,
  };
  const desiredItems = csvItems(
    typeof rawContent === 'string' ? rawContent : '',
    Number(desired.numberOfLinesToSkip) || 0,
  );
  const name = String(desired.displayName ?? watchlist.alias);
  const base = { kind: 'watchlist' as const, id: watchlist.alias, name };

  const existing = await armGet(ws, url);
  const put = () =>
    armSend(ws, options, 'PUT', url, { properties: { ...desired, rawContent: rawContent ?? '' } });
  if (!existing) {
    if (!options.dryRun) await put();
    return { ...base, action: 'created', changedFields: [] };
  }
  // rawContent is write-only, and contentType/numberOfLinesToSkip describe the upload, not the list.
  const { contentType: _c, numberOfLinesToSkip: _n, ...comparable } = desired;
  const fields = changedFields(comparable, existing.properties);
  const items = await listWatchlistItems(ws, url);
  const desiredKeys = new Set(desiredItems);
  const existingKeys = new Set(items.map((i) => i.key));
  const stale = items.filter((i) => !desiredKeys.has(i.key));
  const missing = desiredItems.filter((k) => !existingKeys.has(k));
  if (stale.length || missing.length) fields.push('items');
  if (fields.length === 0) return { ...base, action: 'unchanged', changedFields: [] };
  if (!options.dryRun) {
    await put();
    for (const item of stale)
      await armSend(ws, options, 'DELETE', `${url}/watchlistItems/${encodeURIComponent(item.id)}`);
  }
  return {
    ...base,
    action: 'updated',
    changedFields: fields,
    ...(stale.length ? { removedItems: stale.length } : {}),
  };
}

async function listWatchlistItems(ws: ArmWorkspace, watchlistUrl: string): Promise<WatchlistItem[]> {
  const out: WatchlistItem[] = [];
  let next: string | undefined = withVersion(ws, `${watchlistUrl}/watchlistItems`);
  for (let page = 0; next && page < 1000; page++) {
    const reply = await armRequest(ws, 'GET', next);
    const body = (reply.body ?? {}) as {
      value?: { name?: string; properties?: { watchlistItemId?: string; itemsKeyValue?: unknown } }[];
      nextLink?: string;
    };
    for (const item of body.value ?? []) {
      const id = item.properties?.watchlistItemId ?? item.name ?? '';
      out.push({ id, key: itemKey(item.properties?.itemsKeyValue) });
    }
    next = body.nextLink || undefined;
  }
  return out;
}

/** Canonical text of one item: columns sorted, values as strings. */
function itemKey(values: unknown): string {
  const entries = Object.entries((values ?? {}) as Record<string, unknown>).map(([k, v]) => [
    k,
    v == null ? '' : String(v),
  ]);
  return JSON.stringify(entries.sort(([a], [b]) => a.localeCompare(b)));
}

function csvItems(rawContent: string, linesToSkip: number): string[] {
  if (!rawContent.trim()) return [];
  const records = parseCsv(rawContent, {
    columns: true,
    skip_empty_lines: true,
    from_line: linesToSkip + 1,
    trim: true,
  }) as Record<string, string>[];
  return records.map(itemKey);
}
