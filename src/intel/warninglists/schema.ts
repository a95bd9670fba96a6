/**
 * The shape of a bundled warninglist file (`data/warninglists/*.json`) and its validator. Hand-written
 * rather than JSON Schema so the runtime needs no schema library; the data tests run it over every file.
 */
import { ipaddr } from '../../packages/ipaddr.js';
import type { FlagCategory } from '../types.js';

export const WARNINGLIST_CATEGORIES: readonly FlagCategory[] = [
  'shared-infrastructure',
  'benign',
  'reserved',
  'dynamic-dns',
];

/** How entries match: `cidr` IP ranges, `domain-suffix` a zone and all names under it,
 * `hostname` one exact name, `hash` an exact md5/sha1/sha256. */
export const WARNINGLIST_TYPES = ['cidr', 'domain-suffix', 'hostname', 'hash'] as const;
export type WarninglistType = (typeof WARNINGLIST_TYPES)[number];

/** One entry: the bare value, or the value with its own reason (`{entry}` is replaced by the value). */
export type WarninglistEntry = string | { value: string; reason?: string };

export interface Warninglist {
  /** Stable id, used as `Flag.list`. */
  name: string;
  description: string;
  category: FlagCategory;
  /** URL of the publisher's page or list. */
  source: string;
  additionalSources?: string[];
  /** Date of the data (YYYY-MM-DD): the publisher's snapshot date when known, else when it was retrieved. */
  retrieved: string;
  note?: string;
  type: WarninglistType;
  /** Default reason for a hit; `{entry}` is replaced by the matching entry. */
  reason: string;
  entries: WarninglistEntry[];
}

export function entryValue(entry: WarninglistEntry): string {
  return typeof entry === 'string' ? entry : entry.value;
}

export function entryReason(list: Warninglist, entry: WarninglistEntry): string {
  const template = (typeof entry === 'string' ? undefined : entry.reason) ?? list.reason;
  return template.replaceAll('{entry}', entryValue(entry));
}

const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Why `value` is not a valid entry for a list of `type`, or null when it is. */
export function entryProblem(type: WarninglistType, value: string): string | null {
  switch (type) {
    case 'cidr': {
      if (!ipaddr.isValidCIDR(value)) return 'not a CIDR range';
      const [address, bits] = ipaddr.parseCIDR(value);
      const network = ipaddr.fromByteArray(maskBytes(address.toByteArray(), bits));
      return network.toString() === address.toString()
        ? null
        : `host bits set (network is ${network}/${bits})`;
    }
    case 'domain-suffix':
    case 'hostname':
      return HOSTNAME.test(value) ? null : 'not a lowercase hostname';
    case 'hash':
      return HASH.test(value) ? null : 'not a lowercase md5/sha1/sha256';
  }
}

function maskBytes(bytes: number[], bits: number): number[] {
  return bytes.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
}

/** Every problem with a parsed warninglist file; an empty array means it is valid. */
export function validateWarninglist(data: unknown): string[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return ['not a JSON object'];
  const list = data as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['name', 'description', 'source', 'retrieved', 'reason'] as const) {
    if (typeof list[key] !== 'string' || (list[key] as string).trim() === '')
      problems.push(`${key} is missing`);
  }
  if (typeof list.name === 'string' && !/^[a-z0-9][a-z0-9-]*$/.test(list.name)) {
    problems.push('name must be lowercase letters, digits and dashes');
  }
  if (typeof list.source === 'string' && !isHttpUrl(list.source))
    problems.push('source is not an http(s) URL');
  if (list.additionalSources !== undefined) {
    if (!Array.isArray(list.additionalSources) || !list.additionalSources.every(isHttpUrl)) {
      problems.push('additionalSources must be http(s) URLs');
    }
  }
  if (typeof list.retrieved === 'string' && !isDate(list.retrieved))
    problems.push('retrieved is not YYYY-MM-DD');
  if (!WARNINGLIST_CATEGORIES.includes(list.category as FlagCategory)) {
    problems.push(`category must be one of ${WARNINGLIST_CATEGORIES.join(', ')}`);
  }
  if (!WARNINGLIST_TYPES.includes(list.type as WarninglistType)) {
    problems.push(`type must be one of ${WARNINGLIST_TYPES.join(', ')}`);
    return problems;
  }
  if (!Array.isArray(list.entries) || list.entries.length === 0) {
    problems.push('entries must be a non-empty array');
    return problems;
  }
  const seen = new Set<string>();
  for (const [i, entry] of list.entries.entries()) {
    const value = typeof entry === 'string' ? entry : (entry as { value?: unknown } | null)?.value;
    if (typeof value !== 'string') {
      problems.push(`entries[${i}] has no value`);
      continue;
    }
    if (typeof entry === 'object' && entry.reason !== undefined && typeof entry.reason !== 'string') {
      problems.push(`entries[${i}].reason is not a string`);
    }
    const problem = entryProblem(list.type as WarninglistType, value);
    if (problem) problems.push(`entries[${i}] ${JSON.stringify(value)}: ${problem}`);
    if (seen.has(value)) problems.push(`entries[${i}] ${JSON.stringify(value)} is listed twice`);
    seen.add(value);
  }
  return problems;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function isDate(value: string): boolean {
  return DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}
