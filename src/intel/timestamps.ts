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
  const text = raw.trim();
  if (text === '' || text === 'None' || text === 'null') return null;
  const tf = THREATFOX.exec(text);
  if (tf) return validated(`${tf[1]}T${tf[2]}Z`);
  if (DATE_ONLY.test(text)) return validated(`${text}T00:00:00Z`);
  if (EPOCH.test(text)) return fromMillis(Number(text) * 1000);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const zoned = /(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
  return fromMillis(Date.parse(zoned));
}

function validated(iso: string): string | null {
  // Date.parse accepts 2026-02-31; a round trip catches impossible dates.
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  return new Date(ms).toISOString().slice(0, 19) === iso.slice(0, 19) ? iso : null;
}

function fromMillis(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return null;
  return `${d.toISOString().slice(0, 19)}Z`;
}
