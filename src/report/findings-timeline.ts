/** Hits over time, bucketed and stacked by indicator or host: the data behind the report's chart. */
import type { Finding } from '../engine/types.js';
import { indicatorText, NO_HOST, timeValue } from './findings-display.js';

export interface TimelineSeries {
  label: string;
  total: number;
  flagged: boolean;
  /** The series that gathers every indicator or host beyond the top ones. */
  other: boolean;
}

export interface Timeline {
  by: 'indicator' | 'host';
  bucketMs: number;
  /** `1-hour`, `15-minute`, … */
  bucketName: string;
  /** Start of each bucket, ms since the epoch (UTC). */
  bucketStarts: number[];
  /** counts[bucket][series] */
  counts: number[][];
  series: TimelineSeries[];
  /** Largest stacked bucket total. */
  max: number;
  /** Findings without a usable timestamp, left out of the chart. */
  untimed: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BUCKETS: [number, string][] = [
  [MINUTE, '1-minute'],
  [5 * MINUTE, '5-minute'],
  [15 * MINUTE, '15-minute'],
  [30 * MINUTE, '30-minute'],
  [HOUR, '1-hour'],
  [3 * HOUR, '3-hour'],
  [6 * HOUR, '6-hour'],
  [12 * HOUR, '12-hour'],
  [DAY, '1-day'],
  [7 * DAY, '7-day'],
  [30 * DAY, '30-day'],
];

/** At most this many bars: readable at the report's width. */
export const MAX_BUCKETS = 48;

function bucketFor(spanMs: number): [number, string] {
  for (const b of BUCKETS) if (spanMs / b[0] < MAX_BUCKETS) return b;
  const days = Math.ceil(spanMs / DAY / (MAX_BUCKETS - 1));
  return [days * DAY, `${days}-day`];
}

/** null when no finding has a timestamp. `maxSeries` top indicators/hosts get their own colour. */
export function buildTimeline(findings: Finding[], by: 'indicator' | 'host', maxSeries = 8): Timeline | null {
  const timed: { ms: number; key: string; flagged: boolean }[] = [];
  let untimed = 0;
  for (const f of findings) {
    const ms = timeValue(f.timestamp);
    if (ms === null) {
      untimed++;
      continue;
    }
    timed.push({
      ms,
      key: by === 'indicator' ? indicatorText(f) : f.host || NO_HOST,
      flagged: f.flags.length > 0,
    });
  }
  if (timed.length === 0) return null;

  const totals = new Map<string, { total: number; flagged: boolean }>();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const t of timed) {
    const s = totals.get(t.key) ?? { total: 0, flagged: false };
    s.total++;
    s.flagged ||= t.flagged;
    totals.set(t.key, s);
    if (t.ms < min) min = t.ms;
    if (t.ms > max) max = t.ms;
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1].total - a[1].total || (a[0] < b[0] ? -1 : 1));
  const own = ranked.length <= maxSeries ? ranked : ranked.slice(0, maxSeries - 1);
  const series: TimelineSeries[] = own.map(([label, s]) => ({
    label,
    total: s.total,
    flagged: s.flagged,
    other: false,
  }));
  const index = new Map(own.map(([label], i) => [label, i]));
  if (own.length < ranked.length) {
    const rest = ranked.slice(own.length);
    series.push({
      label: `${rest.length} others`,
      total: rest.reduce((n, [, s]) => n + s.total, 0),
      flagged: rest.some(([, s]) => s.flagged),
      other: true,
    });
  }

  const [bucketMs, bucketName] = bucketFor(max - min);
  const first = Math.floor(min / bucketMs) * bucketMs;
  const count = Math.floor((max - first) / bucketMs) + 1;
  const bucketStarts = Array.from({ length: count }, (_, i) => first + i * bucketMs);
  const counts = bucketStarts.map(() => series.map(() => 0));
  for (const t of timed) {
    const b = Math.floor((t.ms - first) / bucketMs);
    counts[b][index.get(t.key) ?? series.length - 1]++;
  }
  const peak = Math.max(...counts.map((c) => c.reduce((a, b) => a + b, 0)));
  return { by, bucketMs, bucketName, bucketStarts, counts, series, max: peak, untimed };
}
