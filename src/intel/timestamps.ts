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

/** threatFoxSeconds's answer for an empty, `None` or invalid timestamp (toIsoUtc gives null). */
export const NO_TIME = -1;
/** threatFoxSeconds's answer for text it does not decide: toIsoUtc must read it. */
export const NOT_FAST = -2;

/**
 * `text[start, end)` as seconds since 1970 without building the ISO string, for the fields of a
 * ThreatFox export: exactly what `isoToSeconds(toIsoUtc(field))` gives for an empty field, `None`,
 * and `YYYY-MM-DD HH:MM:SS[ UTC]` in 1970–2105; NOT_FAST for any other text.
 */
export function threatFoxSeconds(text: string, start: number, end: number): number {
  const n = end - start;
  if (n === 0) return NO_TIME;
  if (n === 4 && text.startsWith('None', start)) return NO_TIME;
  if (n !== 19 && !(n === 23 && text.startsWith(' UTC', start + 19))) return NOT_FAST;
  if (
    text.charCodeAt(start + 4) !== 45 /* - */ ||
    text.charCodeAt(start + 7) !== 45 ||
    text.charCodeAt(start + 10) !== 32 /* space */ ||
    text.charCodeAt(start + 13) !== 58 /* : */ ||
    text.charCodeAt(start + 16) !== 58
  )
    return NOT_FAST;
  return epochSeconds(
    digits(text, start, 4),
    digits(text, start + 5, 2),
    digits(text, start + 8, 2),
    digits(text, start + 11, 2),
    digits(text, start + 14, 2),
    digits(text, start + 17, 2),
  );
}

/**
 * The seconds of parsed `YYYY-MM-DD hh:mm:ss` fields (NaN for a field that was not digits): NO_TIME
 * for an impossible date or time, NOT_FAST for the general path to decide.
 */
function epochSeconds(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  if (Number.isNaN(year + month + day + hour + minute + second)) return NOT_FAST;
  if (!inRange(year, month, day, hour, minute, second)) return NO_TIME;
  // The columnar store keeps the text of instants outside 1970–2105; toIsoUtc makes it.
  if (year < 1970 || year > 2105) return NOT_FAST;
  return daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
}

/** Days since 1970-01-01 of a valid proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** threatFoxSeconds for ASCII bytes [start, end) of an input chunk (no text is built). */
export function threatFoxSecondsBytes(bytes: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n === 0) return NO_TIME;
  if (
    n === 4 &&
    bytes[start] === 78 &&
    bytes[start + 1] === 111 &&
    bytes[start + 2] === 110 &&
    bytes[start + 3] === 101
  )
    return NO_TIME; // None
  if (
    n !== 19 &&
    !(
      (
        n === 23 &&
        bytes[start + 19] === 32 &&
        bytes[start + 20] === 85 /* U */ &&
        bytes[start + 21] === 84 /* T */ &&
        bytes[start + 22] === 67
      ) /* C */
    )
  )
    return NOT_FAST;
  if (
    bytes[start + 4] !== 45 /* - */ ||
    bytes[start + 7] !== 45 ||
    bytes[start + 10] !== 32 /* space */ ||
    bytes[start + 13] !== 58 /* : */ ||
    bytes[start + 16] !== 58
  )
    return NOT_FAST;
  return epochSeconds(
    byteDigits(bytes, start, 4),
    byteDigits(bytes, start + 5, 2),
    byteDigits(bytes, start + 8, 2),
    byteDigits(bytes, start + 11, 2),
    byteDigits(bytes, start + 14, 2),
    byteDigits(bytes, start + 17, 2),
  );
}

/** digits() over bytes. */
function byteDigits(bytes: Uint8Array, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = bytes[i] - 48;
    if (!(c >= 0 && c <= 9)) return Number.NaN;
    n = n * 10 + c;
  }
  return n;
}
