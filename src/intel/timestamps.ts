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
  for (let i = 0; i < 19; i++) {
    const c = text.charCodeAt(i);
    const expected = i === 4 || i === 7 ? 45 : i === 10 ? 32 : i === 13 || i === 16 ? 58 : -1;
    if (expected === -1 ? c < 48 || c > 57 : c !== expected) return undefined;
  }
  // join() builds a flat string; a template would keep a tree of pieces alive per timestamp.
  return validated([text.slice(0, 10), 'T', text.slice(11, 19), 'Z'].join(''));
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Checks `YYYY-MM-DDTHH:MM:SSZ` field ranges (Date.parse would accept 2026-02-31). */
function validated(iso: string): string | null {
  const year = Number(iso.slice(0, 4));
  const month = Number(iso.slice(5, 7));
  const day = Number(iso.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || day > DAYS[month - 1]) return null;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return null;
  if (Number(iso.slice(11, 13)) > 23 || Number(iso.slice(14, 16)) > 59 || Number(iso.slice(17, 19)) > 59)
    return null;
  return iso;
}

function fromMillis(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return null;
  return `${d.toISOString().slice(0, 19)}Z`;
}
