/**
 * Which exclusions concern which hunt. An exclusion's scope lists hunt kinds and/or table names:
 * kinds restrict the kinds, tables restrict the tables, and both must hold when both are given —
 * `[domain, DnsEvents]` means domain hunts over DnsEvents. An empty scope means every hunt.
 */
import { describeCondition } from './conditions.js';
import type { Exclusion, HuntKind } from './types.js';

export const HUNT_KINDS: readonly HuntKind[] = [
  'ip',
  'domain',
  'url',
  'hash',
  'dns-then-connect',
  'behaviour',
];

export function isHuntKind(value: string): value is HuntKind {
  return (HUNT_KINDS as readonly string[]).includes(value);
}

export function exclusionApplies(
  exclusion: Pick<Exclusion, 'scope'>,
  kind: HuntKind,
  table: string,
): boolean {
  const kinds = exclusion.scope.filter(isHuntKind);
  const tables = exclusion.scope.filter((s) => !isHuntKind(s));
  return (kinds.length === 0 || kinds.includes(kind)) && (tables.length === 0 || tables.includes(table));
}

/** The exclusions concerning a hunt, in their given order. */
export function exclusionsFor(exclusions: readonly Exclusion[], kind: HuntKind, table: string): Exclusion[] {
  return exclusions.filter((e) => exclusionApplies(e, kind, table));
}

/**
 * Joins exclusion sets (profile, scenarios, huntforge.yaml). A later exclusion with the same id
 * replaces the earlier one, so users can override a shipped exclusion by reusing its id.
 */
export function mergeExclusions(...sets: readonly (readonly Exclusion[])[]): Exclusion[] {
  const byId = new Map<string, Exclusion>();
  for (const set of sets) for (const exclusion of set) byId.set(exclusion.id, exclusion);
  return [...byId.values()];
}

/** `id: not (filter) — reason [origin]`, the report's line for an exclusion. */
export function describeExclusion(exclusion: Exclusion): string {
  return `${exclusion.id}: exclude ${describeCondition(exclusion.condition)} — ${exclusion.reason} [${exclusion.origin}]`;
}
