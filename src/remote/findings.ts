/**
 * Turns a remote result table into Findings — exactly the local engine's shape, so reports and
 * `--json` do not care where a hunt ran. Hunt queries project a `MatchedIndicator` column (the
 * indicator value that matched, `ip:port` allowed) next to the table's own columns; host, user and
 * process come from the table's logical-field mapping.
 */
import type { Finding } from '../engine/types.js';
import type { Flag, Indicator, IndicatorType } from '../intel/types.js';
import { TABLE_FIELDS } from '../schemas/fields.js';
import type { QueryColumn } from './query-result.js';

export const MATCHED_INDICATOR_COLUMN = 'MatchedIndicator';

/** What a finding needs to know about an indicator. */
export type HuntIndicator = Pick<Indicator, 'type' | 'value' | 'port' | 'flags'>;

/** A hunt as the remote engines run it: rendered KQL plus what it was planned from. */
export interface RemoteHunt {
  id: string;
  table: string;
  kql: string;
  indicators: HuntIndicator[];
  /** Data connectors that feed the table (for the table check), if the planner knows them. */
  connectors?: string[];
}

export function rowsToFindings(
  hunt: Pick<RemoteHunt, 'id' | 'table' | 'indicators'>,
  columns: QueryColumn[],
  rows: unknown[][],
): Finding[] {
  const names = columns.map((c) => c.name);
  const matchedAt = names.findIndex((n) => n.toLowerCase() === MATCHED_INDICATOR_COLUMN.toLowerCase());
  const lookup = indicatorLookup(hunt.indicators);
  return rows.map((values) => {
    const row: Record<string, unknown> = {};
    // The whole row, MatchedIndicator included — as the local engine reports it.
    names.forEach((name, i) => {
      row[name] = jsonSafe(values[i]);
    });
    const table = hunt.table || (typeof row.Type === 'string' ? row.Type : '');
    const fields = TABLE_FIELDS[table] ?? {};
    const matched = matchedAt >= 0 ? values[matchedAt] : undefined;
    const indicator = resolveIndicator(matched, hunt.indicators, lookup);
    return {
      huntId: hunt.id,
      table,
      indicator: indicator.value,
      indicatorType: indicator.type,
      indicatorPort: indicator.port,
      flags: indicator.flags,
      timestamp: isoUtc(row.TimeGenerated ?? row.Timestamp ?? (fields.time ? row[fields.time] : undefined)),
      host: text(fields.host ? row[fields.host] : undefined),
      user: text(fields.user ? row[fields.user] : undefined),
      process: text(fields.process ? row[fields.process] : undefined),
      row,
    };
  });
}

type Lookup = Map<string, HuntIndicator>;

function indicatorLookup(indicators: HuntIndicator[]): Lookup {
  const map: Lookup = new Map();
  for (const ind of indicators) {
    const value = ind.value.toLowerCase();
    if (ind.port != null) {
      map.set(`${value}|${ind.port}`, ind);
      // Renderers write endpoint matches as `address:port` (IPv6 too, unbracketed).
      map.set(`${value}:${ind.port}`, ind);
    }
    if (!map.has(value)) map.set(value, ind);
  }
  return map;
}

function resolveIndicator(
  matched: unknown,
  indicators: HuntIndicator[],
  lookup: Lookup,
): { value: string; type: IndicatorType | 'behaviour'; port: number | null; flags: Flag[] } {
  if (matched === undefined || matched === null || matched === '') {
    // Without a MatchedIndicator column only a single-indicator hunt is unambiguous; otherwise the
    // row is reported like a behaviour hit, with no indicator.
    const only = indicators.length === 1 ? indicators[0] : undefined;
    return only
      ? { value: only.value, type: only.type, port: only.port, flags: only.flags }
      : { value: '', type: 'behaviour', port: null, flags: [] };
  }
  const text = String(matched).trim();
  const endpoint = lookup.get(text.toLowerCase());
  if (endpoint && endpoint.port != null && text.toLowerCase() !== endpoint.value.toLowerCase())
    return { value: endpoint.value, type: endpoint.type, port: endpoint.port, flags: endpoint.flags };
  const { value, port } = splitPort(text);
  const key = value.toLowerCase().replace(/\.$/, '');
  const known = (port != null ? lookup.get(`${key}|${port}`) : undefined) ?? lookup.get(key);
  if (known) return { value: known.value, type: known.type, port: port ?? known.port, flags: known.flags };
  return { value: key, type: inferType(key), port, flags: [] };
}

/** `1.2.3.4:443` and `[2001:db8::1]:443` carry a port; bare IPv6 and URLs do not. */
function splitPort(value: string): { value: string; port: number | null } {
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(value);
  if (v4) return { value: v4[1], port: Number(v4[2]) };
  const v6 = /^\[([0-9a-f:.]+)\]:(\d{1,5})$/i.exec(value);
  if (v6) return { value: v6[1], port: Number(v6[2]) };
  return { value, port: null };
}

function inferType(value: string): IndicatorType {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) return 'ipv4';
  if (/^[0-9a-f]*:[0-9a-f:.]+$/i.test(value)) return 'ipv6';
  if (/^[0-9a-f]{32}$/i.test(value)) return 'md5';
  if (/^[0-9a-f]{40}$/i.test(value)) return 'sha1';
  if (/^[0-9a-f]{64}$/i.test(value)) return 'sha256';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'url';
  if (/^[^@\s]+@[^@\s]+$/.test(value)) return 'email';
  return 'domain';
}

/** Service datetimes (`2026-04-25T10:11:12.1234567Z`, epoch ms) as ISO 8601 UTC. */
export function isoUtc(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  const s = String(value).trim();
  // Kusto sends 7 fractional digits; Date parses at most 3. Zone-less values are UTC.
  const normalised = s
    .replace(/(\.\d{3})\d+/, '$1')
    .replace(/^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/, '$1T$2Z');
  const d = new Date(normalised);
  return Number.isNaN(d.getTime()) ? s : d.toISOString();
}

function text(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  return String(value);
}

function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return value ?? null;
}
