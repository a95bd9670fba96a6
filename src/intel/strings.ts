/** Small string helpers shared by the readers. */

/** Short single-line excerpt of offending input for a Rejection (at most ~120 characters). */
export function excerpt(raw: string, max = 120): string {
  const line = raw.replace(/[\r\n\t]+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * The text of a value from parsed JSON, for excerpts and messages. `String(value)` is not safe
 * here: it throws on an object whose `toString` or `valueOf` key holds data, such as
 * `{"toString": false}`.
 */
export function jsonText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? '';
}

/**
 * A copy of `s` that does not keep its parent alive. V8 represents `slice`/`split` results as views
 * into the parent string; an indicator kept from a streamed 64 KB chunk would otherwise pin the whole
 * chunk in memory. Building a cons string and reading from it makes V8 flatten it into a fresh copy.
 */
export function detach(s: string): string {
  if (s.length < 13) return s; // V8 copies short substrings anyway
  const copy = s[0] + s.slice(1);
  copy.charCodeAt(1);
  return copy;
}

const interned = new Map<string, string>();

/** One shared instance per distinct short, repetitive value (family names, threat types, reporters). */
export function intern(s: string): string {
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size > 50_000) interned.clear();
  const own = detach(s);
  interned.set(own, own);
  return own;
}
