/**
 * The one place where values become KQL text. Every indicator, family name, tag or comment that
 * enters a query goes through these functions, so no value can change a query's structure.
 */

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A double-quoted KQL string literal; control and line-separator characters are escaped. */
export function kqlString(value: string): string {
  return `"${value.replace(/[\\"\n\r\t]|[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, (ch) => ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** `dynamic(["a", "b"])` from string values. */
export function kqlDynamicStrings(values: Iterable<string>): string {
  return `dynamic([${[...values].map(kqlString).join(', ')}])`;
}

/** Text safe inside a `//` comment: one line, no control characters. */
export function kqlComment(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029\u0085]+/g, ' ').trim();
}

/** A column or table name: bare when it is a plain identifier, `['...']` otherwise. */
export function kqlIdentifier(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  return `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** Milliseconds as the coarsest exact KQL timespan: `14d`, `36h`, `90m` (KQL has no week unit). */
export function kqlTimespan(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}
