/** Findings summarised per indicator and per host: the `summary` of `hunt --json` and of every report. */
import type { Finding } from '../engine/types.js';
import type { Flag } from '../intel/types.js';
import { indicatorText, timeValue } from './findings-display.js';

export interface IndicatorFindings {
  /** Canonical value as the finding gives it (the address alone for ip:port; see indicatorPort). */
  indicator: string;
  indicatorType: Finding['indicatorType'];
  indicatorPort: number | null;
  flags: Flag[];
  count: number;
  /** Earliest and latest event time (ISO 8601, as the findings give it), null when none has a time. */
  firstSeen: string | null;
  lastSeen: string | null;
  /** Hosts that hit it, most hits first; findings without a host are not listed. */
  hosts: string[];
  hunts: string[];
  tables: string[];
}

export interface HostFindings {
  /** null groups the findings whose table names no host. */
  host: string | null;
  count: number;
  /** Indicators it hit (as indicatorText writes them), most hits first. */
  indicators: string[];
  flaggedCount: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface FindingsSummary {
  totals: {
    findings: number;
    /** Findings of flagged indicators (shared infrastructure, reserved ranges, ...). */
    flaggedFindings: number;
    indicators: number;
    flaggedIndicators: number;
    hosts: number;
    hunts: number;
    firstSeen: string | null;
    lastSeen: string | null;
  };
  /** Sorted by count, most first; ties by latest hit, then by value. */
  indicators: IndicatorFindings[];
  hosts: HostFindings[];
}

/** Earliest/latest tracking that compares times as instants, not as strings. */
class Span {
  first: string | null = null;
  last: string | null = null;
  private firstMs = Number.POSITIVE_INFINITY;
  private lastMs = Number.NEGATIVE_INFINITY;
  add(timestamp: string | null): void {
    const ms = timeValue(timestamp);
    if (ms === null) return;
    if (ms < this.firstMs) [this.firstMs, this.first] = [ms, timestamp];
    if (ms > this.lastMs) [this.lastMs, this.last] = [ms, timestamp];
  }
  get lastTime(): number {
    return this.lastMs;
  }
}

class Counter {
  private counts = new Map<string, number>();
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  /** Keys by count, most first; ties in first-seen order. */
  ranked(): string[] {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  }
}

interface IndicatorGroup {
  first: Finding;
  count: number;
  span: Span;
  hosts: Counter;
  hunts: Set<string>;
  tables: Set<string>;
  flags: Map<string, Flag>;
}

interface HostGroup {
  host: string | null;
  count: number;
  flagged: number;
  span: Span;
  indicators: Counter;
}

export function indicatorKey(f: Pick<Finding, 'indicator' | 'indicatorType' | 'indicatorPort'>): string {
  return `${f.indicatorType}\u0000${f.indicator}\u0000${f.indicatorPort ?? ''}`;
}

function byCountThenRecent<T extends { count: number; span: Span }>(name: (t: T) => string) {
  return (a: T, b: T) =>
    b.count - a.count ||
    b.span.lastTime - a.span.lastTime ||
    (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}

export function summarizeFindings(findings: Finding[]): FindingsSummary {
  const indicators = new Map<string, IndicatorGroup>();
  const hosts = new Map<string | null, HostGroup>();
  const hunts = new Set<string>();
  const all = new Span();
  let flaggedFindings = 0;

  for (const f of findings) {
    all.add(f.timestamp);
    hunts.add(f.huntId);
    if (f.flags.length > 0) flaggedFindings++;

    const key = indicatorKey(f);
    let ig = indicators.get(key);
    if (!ig) {
      ig = {
        first: f,
        count: 0,
        span: new Span(),
        hosts: new Counter(),
        hunts: new Set(),
        tables: new Set(),
        flags: new Map(),
      };
      indicators.set(key, ig);
    }
    ig.count++;
    ig.span.add(f.timestamp);
    if (f.host) ig.hosts.add(f.host);
    ig.hunts.add(f.huntId);
    ig.tables.add(f.table);
    for (const flag of f.flags) ig.flags.set(`${flag.list}\u0000${flag.reason}`, flag);

    const host = f.host || null;
    let hg = hosts.get(host);
    if (!hg) {
      hg = { host, count: 0, flagged: 0, span: new Span(), indicators: new Counter() };
      hosts.set(host, hg);
    }
    hg.count++;
    if (f.flags.length > 0) hg.flagged++;
    hg.span.add(f.timestamp);
    hg.indicators.add(indicatorText(f));
  }

  const indicatorRows = [...indicators.values()].sort(byCountThenRecent((g) => indicatorText(g.first))).map(
    (g): IndicatorFindings => ({
      indicator: g.first.indicator,
      indicatorType: g.first.indicatorType,
      indicatorPort: g.first.indicatorPort,
      flags: [...g.flags.values()],
      count: g.count,
      firstSeen: g.span.first,
      lastSeen: g.span.last,
      hosts: g.hosts.ranked(),
      hunts: [...g.hunts].sort(),
      tables: [...g.tables].sort(),
    }),
  );
  const hostRows = [...hosts.values()].sort(byCountThenRecent((g) => g.host ?? '\uffff')).map(
    (g): HostFindings => ({
      host: g.host,
      count: g.count,
      indicators: g.indicators.ranked(),
      flaggedCount: g.flagged,
      firstSeen: g.span.first,
      lastSeen: g.span.last,
    }),
  );

  return {
    totals: {
      findings: findings.length,
      flaggedFindings,
      indicators: indicatorRows.length,
      flaggedIndicators: indicatorRows.filter((i) => i.flags.length > 0).length,
      hosts: hostRows.filter((h) => h.host !== null).length,
      hunts: hunts.size,
      firstSeen: all.first,
      lastSeen: all.last,
    },
    indicators: indicatorRows,
    hosts: hostRows,
  };
}
