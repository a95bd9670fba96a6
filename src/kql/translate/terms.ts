/**
 * Kusto's term matching (`has`, `has_cs`, `has_any`, `has_all`) as RE2 patterns for DuckDB.
 *
 * A term is a maximal run of alphanumeric characters. A needle of one term matches a whole term; a
 * needle with punctuation matches as a phrase aligned to term boundaries: the text contains it, and
 * where the needle starts (ends) with an alphanumeric character the text has no alphanumeric
 * character right before (after) the match. `"a.theponzu.com.evil.net" has "theponzu.com"` is true,
 * `"nottheponzu.com" has "theponzu.com"` is false.
 *
 * A whole list compiles to ONE alternation: RE2 scans each value once whatever the list size
 * (measured faster than tokenising every value into a term list and intersecting).
 */
import { quoteString, regexEscape } from './sql.js';

const NOT_ALNUM = '[^\\p{L}\\p{N}]';
const isAlnum = (ch: string) => /[\p{L}\p{N}]/u.test(ch);

/**
 * Needles grouped by which edges need a guard, so the guards are written once per group:
 * `(?:^|[^…])(?:a\.com|b\.com)(?:[^…]|$)` lets RE2 share the prefix work across the list.
 */
export function hasAnyPattern(needles: string[], caseSensitive: boolean): string {
  const groups = new Map<string, string[]>();
  for (const needle of new Set(needles)) {
    const chars = [...needle];
    const key = `${isAlnum(chars[0]) ? 1 : 0}${isAlnum(chars[chars.length - 1]) ? 1 : 0}`;
    groups.set(key, [...(groups.get(key) ?? []), regexEscape(needle)]);
  }
  const parts = [...groups].map(([key, escaped]) => {
    const before = key[0] === '1' ? `(?:^|${NOT_ALNUM})` : '';
    const after = key[1] === '1' ? `(?:${NOT_ALNUM}|$)` : '';
    return `${before}${escaped.length === 1 ? escaped[0] : `(?:${escaped.join('|')})`}${after}`;
  });
  const body = parts.length === 1 ? parts[0] : `(?:${parts.join('|')})`;
  return `${caseSensitive ? '' : '(?i)'}${body}`;
}

/** SQL: does `textSql` have any of the needles as terms/phrases. */
export function hasAnySql(textSql: string, needles: string[], caseSensitive: boolean): string {
  const usable = needles.filter((n) => n.length > 0);
  if (usable.length === 0) return 'false';
  return `regexp_matches(${textSql}, ${quoteString(hasAnyPattern(usable, caseSensitive))})`;
}

/** True when a needle has no alphanumeric character at all: Kusto cannot match it as a term. */
export function hasNoTerm(needle: string): boolean {
  return ![...needle].some(isAlnum);
}
