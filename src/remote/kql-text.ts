/** KQL text helpers for the few queries the remote engines compose themselves. */

/** A table or column name, bracket-quoted when it is not a plain identifier. */
export { kqlIdentifier as quoteIdentifier } from '../render/kql/literal.js';

/** The table a query starts from (`DnsEvents | where …` → `DnsEvents`), or '' when it is not obvious. */
export function leadingTable(kql: string): string {
  const body = kql
    .replace(/\/\/[^\n]*/g, '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s && !/^(let|set|declare|alias)\b/i.test(s))
    .pop();
  const m = /^\(?\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\||$)/.exec(body ?? '');
  if (!m || /^(union|search|print|range|datatable|externaldata|find|evaluate)$/i.test(m[1])) return '';
  return m[1];
}
