/** Feed timestamps → ISO 8601 UTC with second precision (`2026-04-25T10:11:12Z`). */

const THREATFOX = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?: ?UTC)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const EPOCH = /^\d{9,10}(?:\.\d+)?$/;

/**
 * Accepts ThreatFox (`2026-04-25 10:11:12 UTC`, or without `UTC` — exports are UTC), ISO 8601 /
 * RFC 3339 with or without zone (no zone = UTC), a bare date, and Unix epoch seconds (MISP).
 * Returns null for empty, `None` or unparseable values: a bad date never costs an indicator.
 */
export function toIsoUtc(raw: unknown): string | null {
  if (typeof raw === 'number') return fromMillis(raw * 1000);
  if (typeof raw !== 'string') return null;
  const fast = threatFoxFast(raw);
  if (fast !== undefined) return fast;
  const text = raw.trim();
  if (text === '' || text === 'None' || text === 'null') return null;
  const tf = THREATFOX.exec(text);
  // join() builds a flat string; a template would keep a tree of pieces alive per timestamp.
  if (tf) return validated([tf[1], 'T', tf[2], 'Z'].join(''));
  if (DATE_ONLY.test(text)) return validated(`${text}T00:00:00Z`);
  if (EPOCH.test(text)) return fromMillis(Number(text) * 1000);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const zoned = /(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
  return fromMillis(Date.parse(zoned));
}

/** `YYYY-MM-DD HH:MM:SS` with optional ` UTC`, checked by character codes; undefined if not that shape. */
function threatFoxFast(text: string): string | null | undefined {
  const n = text.length;
  if (n !== 19 && !(n === 23 && text.endsWith(' UTC'))) return undefined;
  if (
    text.charCodeAt(4) !== 45 /* - */ ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 32 /* space */ ||
    text.charCodeAt(13) !== 58 /* : */ ||
    text.charCodeAt(16) !== 58
  )
    return undefined;
  // digits() is NaN unless every character is a digit; NaN fails every range check below.
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (Number.isNaN(year + month + day + hour + minute + second)) return undefined;
  if (!inRange(year, month, day, hour, minute, second)) return null;
  // join() builds a flat string; a template would keep a tree of pieces alive per timestamp.
  return [text.slice(0, 10), 'T', text.slice(11, 19), 'Z'].join('');
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Checks `YYYY-MM-DDTHH:MM:SSZ` field ranges (Date.parse would accept 2026-02-31). */
function validated(iso: string): string | null {
  const ok = inRange(
    digits(iso, 0, 4),
    digits(iso, 5, 2),
    digits(iso, 8, 2),
    digits(iso, 11, 2),
    digits(iso, 14, 2),
    digits(iso, 17, 2),
  );
  return ok ? iso : null;
}

function inRange(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= DAYS[month - 1])) return false;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return false;
  return hour <= 23 && minute <= 59 && second <= 59;
}

/** The decimal number in `s[start, start + count)` (NaN if a character is not a digit). */
export function digits(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return Number.NaN;
    n = n * 10 + c;
  }
  return n;
}

function fromMillis(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return null;
  return `${d.toISOString().slice(0, 19)}Z`;
}
