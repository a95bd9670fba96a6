/**
 * One indicator per (type, value, port): the highest confidence, the earliest first seen, the
 * latest last seen and valid-until, the union of tags and sources, and the first non-null family
 * and threat type wins (inputs are read in the order given, so earlier inputs take precedence).
 */
import type { Indicator } from './types.js';

/** Identity key. A space cannot occur in a canonical value, so `value port` is unambiguous. */
export function indicatorKey(i: Pick<Indicator, 'type' | 'value' | 'port'>): string {
  // Types never share values (an IPv4 is not a domain, hashes differ in length), except none: the
  // type is still part of the key so the rule does not depend on that.
  return i.port === null ? `${i.type} ${i.value}` : `${i.type} ${i.value} ${i.port}`;
}

export class IndicatorMerger {
  // One map per type keyed by value; the same address with several ports shares one entry holding a
  // list, so no key string is built per ip:port indicator.
  private readonly byType = new Map<string, Map<string, Indicator | Indicator[]>>();
  private readonly order: Indicator[] = [];

  add(next: Indicator): void {
    let map = this.byType.get(next.type);
    if (map === undefined) {
      map = new Map();
      this.byType.set(next.type, map);
    }
    const entry = map.get(next.value);
    if (entry === undefined) {
      map.set(next.value, next);
    } else if (!Array.isArray(entry)) {
      if (entry.port === next.port) {
        mergeInto(entry, next);
        return;
      }
      map.set(next.value, [entry, next]);
    } else {
      const same = entry.find((i) => i.port === next.port);
      if (same) {
        mergeInto(same, next);
        return;
      }
      entry.push(next);
    }
    this.order.push(next);
  }

  get size(): number {
    return this.order.length;
  }

  /** Indicators in the order they were first seen. */
  indicators(): Indicator[] {
    return [...this.order];
  }
}

/** Folds `next` into `current` (which is owned by the merger, so mutating it is safe). */
function mergeInto(current: Indicator, next: Indicator): void {
  if (next.confidence !== null && (current.confidence === null || next.confidence > current.confidence))
    current.confidence = next.confidence;
  current.firstSeen = earliest(current.firstSeen, next.firstSeen);
  current.lastSeen = latest(current.lastSeen, next.lastSeen);
  current.validUntil = latest(current.validUntil, next.validUntil);
  if (current.malware === null && next.malware !== null) current.malware = next.malware;
  current.malwareIds = union(current.malwareIds, next.malwareIds);
  current.malwareAliases = union(current.malwareAliases, next.malwareAliases);
  if (current.threatType === null) current.threatType = next.threatType;
  current.tags = union(current.tags, next.tags);
  current.sources = [...current.sources, ...next.sources];
}

// ISO 8601 UTC strings of one shape compare correctly as strings.
function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return b < a ? b : a;
}

function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return b > a ? b : a;
}

/** Union that keeps `a` itself when nothing is new (lists may be shared between indicators). */
export function union(a: string[], b: string[]): string[] {
  if (b.length === 0 || a === b) return a;
  let out: string[] | null = null;
  for (const item of b) {
    if (a.includes(item) || out?.includes(item)) continue;
    if (out === null) out = [...a];
    out.push(item);
  }
  return out ?? a;
}

/** Merges a list of indicators (e.g. from several reads). Inputs are not mutated. */
export function mergeIndicators(indicators: Iterable<Indicator>): Indicator[] {
  const merger = new IndicatorMerger();
  for (const i of indicators) merger.add({ ...i, sources: [...i.sources] });
  return merger.indicators();
}
