/** Indicator filters shared by the CLI and the library: confidence, dates, age, family, type. */
import type { Indicator, IndicatorType } from './types.js';

export interface IndicatorFilter {
  /** Keep indicators whose confidence is at least this (indicators without confidence are dropped). */
  minConfidence?: number;
  /** Keep indicators first seen at or after this instant. */
  since?: Date;
  /** Keep indicators first seen at or before this instant. */
  until?: Date;
  /** Keep indicators first seen at most this many milliseconds before `now`. */
  maxAgeMs?: number;
  /** Reference time for maxAgeMs (default: the current time). */
  now?: Date;
  /**
   * Keep indicators whose family printable name, id or alias equals one of these, ignoring case,
   * spaces and punctuation; a Malpedia id also answers to its name part (`win.agent_tesla` to
   * `Agent Tesla`), so an indicator that a second feed record gave another family keeps that one too.
   */
  families?: string[];
  types?: IndicatorType[];
  /** Leave out indicators that carry any warninglist flag. */
  dropFlagged?: boolean;
}

/** Whether the filter keeps every indicator (so a caller may skip the predicate). */
export function keepsAll(filter: IndicatorFilter): boolean {
  return (
    filter.minConfidence === undefined &&
    filter.since === undefined &&
    filter.until === undefined &&
    filter.maxAgeMs === undefined &&
    !filter.families?.some((f) => familyKey(f) !== '') &&
    !(filter.types && filter.types.length > 0) &&
    !filter.dropFlagged
  );
}

/** A predicate for the filter; date filters drop indicators without a first-seen date. */
export function indicatorPredicate(filter: IndicatorFilter): (i: Indicator) => boolean {
  const since = filter.since?.getTime();
  const until = filter.until?.getTime();
  const oldest =
    filter.maxAgeMs === undefined ? undefined : (filter.now ?? new Date()).getTime() - filter.maxAgeMs;
  const families = filter.families?.map(familyKey).filter((f) => f !== '');
  const types = filter.types && filter.types.length > 0 ? new Set(filter.types) : null;
  return (i) => {
    if (types && !types.has(i.type)) return false;
    if (filter.minConfidence !== undefined && (i.confidence === null || i.confidence < filter.minConfidence))
      return false;
    if (since !== undefined || until !== undefined || oldest !== undefined) {
      if (i.firstSeen === null) return false;
      const seen = Date.parse(i.firstSeen);
      if (since !== undefined && seen < since) return false;
      if (until !== undefined && seen > until) return false;
      if (oldest !== undefined && seen < oldest) return false;
    }
    if (families && families.length > 0 && !families.some((f) => familyMatches(i, f))) return false;
    if (filter.dropFlagged && i.flags.length > 0) return false;
    return true;
  };
}

const familyKeys = new Map<string, string>();

/**
 * A family name for comparison: `Agent Tesla`, `agent_tesla` and `AgentTesla` are `agenttesla`.
 * Kept per name: a feed has a few names over millions of indicators, and the regular expression
 * costs ~50 ns a call.
 */
function familyKey(name: string): string {
  let key = familyKeys.get(name);
  if (key === undefined) {
    key = name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
    if (familyKeys.size >= 20_000) familyKeys.clear();
    familyKeys.set(name, key);
  }
  return key;
}

function familyMatches(i: Indicator, wanted: string): boolean {
  if (i.malware !== null && familyKey(i.malware) === wanted) return true;
  for (const alias of i.malwareAliases) if (familyKey(alias) === wanted) return true;
  for (const id of i.malwareIds) {
    // Malpedia ids are `<platform>.<name>`: win.remcos, elf.mirai
    if (familyKey(id) === wanted || familyKey(id.slice(id.indexOf('.') + 1)) === wanted) return true;
  }
  return false;
}

export function filterIndicators(indicators: Indicator[], filter: IndicatorFilter): Indicator[] {
  const keep = indicatorPredicate(filter);
  return indicators.filter(keep);
}
