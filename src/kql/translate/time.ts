/** KQL datetime/timespan literals and format strings, turned into DuckDB values at translation time. */

const UNIT_MICROS: Record<string, number> = {
  d: 86_400e6,
  day: 86_400e6,
  days: 86_400e6,
  h: 3_600e6,
  hr: 3_600e6,
  hrs: 3_600e6,
  hour: 3_600e6,
  hours: 3_600e6,
  m: 60e6,
  min: 60e6,
  minute: 60e6,
  minutes: 60e6,
  s: 1e6,
  sec: 1e6,
  second: 1e6,
  seconds: 1e6,
  ms: 1e3,
  milli: 1e3,
  millis: 1e3,
  millisec: 1e3,
  millisecond: 1e3,
  milliseconds: 1e3,
  microsec: 1,
  microsecond: 1,
  microseconds: 1,
  tick: 0.1,
  ticks: 0.1,
};

/**
 * Microseconds in a timespan literal: `14d`, `1.5h`, `100ms`, `time(1.02:03:04)`, `timespan(2d)`.
 * Returns null for `time(null)`, undefined when the text is not understood.
 */
export function timespanMicros(text: string): number | null | undefined {
  let t = text.trim();
  const wrapped = /^(?:time|timespan)\((.*)\)$/i.exec(t);
  if (wrapped) t = wrapped[1].trim();
  if (t.toLowerCase() === 'null') return null;
  const unit = /^(-?\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(t);
  if (unit) {
    const scale = UNIT_MICROS[unit[2].toLowerCase()];
    return scale === undefined ? undefined : Number(unit[1]) * scale;
  }
  const clock = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/.exec(t);
  if (clock) {
    const [, neg, days, h, m, s, frac] = clock;
    const micros =
      Number(days ?? 0) * 86_400e6 +
      Number(h) * 3_600e6 +
      Number(m) * 60e6 +
      Number(s ?? 0) * 1e6 +
      Math.trunc(Number(`0.${frac ?? '0'}`) * 1e6);
    return neg ? -micros : micros;
  }
  if (/^-?\d+(?:\.\d+)?$/.test(t)) return Number(t) * 86_400e6; // a bare number in time() is days
  return undefined;
}

/** The instant in a `datetime(...)` literal (always UTC), null for `datetime(null)`. */
export function datetimeValue(text: string): Date | null | undefined {
  let t = text.trim();
  const wrapped = /^(?:datetime|date)\((.*)\)$/i.exec(t);
  if (wrapped) t = wrapped[1].trim();
  if (t.toLowerCase() === 'null') return null;
  return parseKqlDatetime(t);
}

/** ISO 8601 text (date, date-time with space or T, optional zone) as a UTC instant. */
export function parseKqlDatetime(text: string): Date | undefined {
  const t = text.trim();
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      t,
    );
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '0', zone] = m;
  const ms = Math.trunc(Number(`0.${frac}`) * 1000);
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}${zone ? normaliseZone(zone) : 'Z'}`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function normaliseZone(zone: string): string {
  if (zone.toUpperCase() === 'Z') return 'Z';
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

/** Kusto datetime format tokens → DuckDB strftime. Undefined when a token has no exact equivalent. */
export function strftimeFormat(kusto: string): string | undefined {
  const tokens: [string, string][] = [
    ['yyyy', '%Y'],
    ['yy', '%y'],
    ['MM', '%m'],
    ['dd', '%d'],
    ['HH', '%H'],
    ['hh', '%I'],
    ['mm', '%M'],
    ['ss', '%S'],
    ['ffffff', '%f'],
    ['fff', '%g'],
    ['tt', '%p'],
  ];
  let out = '';
  let i = 0;
  outer: while (i < kusto.length) {
    for (const [k, v] of tokens) {
      if (kusto.startsWith(k, i)) {
        out += v;
        i += k.length;
        continue outer;
      }
    }
    const ch = kusto[i];
    if (/[a-zA-Z]/.test(ch)) return undefined;
    out += ch === '%' ? '%%' : ch;
    i++;
  }
  return out;
}

/** Kusto's timespan text `[-][d.]hh:mm:ss[.fffffff]` for a number of microseconds. */
export function formatTimespan(micros: number): string {
  const neg = micros < 0;
  let rest = Math.abs(Math.trunc(micros));
  const days = Math.floor(rest / 86_400e6);
  rest -= days * 86_400e6;
  const h = Math.floor(rest / 3_600e6);
  rest -= h * 3_600e6;
  const m = Math.floor(rest / 60e6);
  rest -= m * 60e6;
  const s = Math.floor(rest / 1e6);
  const frac = rest - s * 1e6;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${neg ? '-' : ''}${days ? `${days}.` : ''}${pad(h)}:${pad(m)}:${pad(s)}${frac ? `.${String(frac * 10).padStart(7, '0')}` : ''}`;
}
