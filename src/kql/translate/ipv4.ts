/** IPv4 helpers: dotted text → number in SQL, and constant ranges resolved while translating. */

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_RE = `^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`;

/** SQL: the IPv4 address in `textSql` as a BIGINT, NULL when it is not a dotted-quad address. */
export function ipv4NumberSql(textSql: string): string {
  const part = (i: number) => `CAST(split_part(${textSql}, '.', ${i}) AS BIGINT)`;
  return `(CASE WHEN regexp_matches(${textSql}, '${IPV4_RE}') THEN ${part(1)} * 16777216 + ${part(2)} * 65536 + ${part(3)} * 256 + ${part(4)} END)`;
}

/**
 * SQL for Kusto's parse_ipv4: an address, optionally with `/prefix`, as a BIGINT with host bits
 * cleared; NULL when invalid.
 */
export function parseIpv4Sql(textSql: string): string {
  const addr = `split_part(${textSql}, '/', 1)`;
  const prefix = `TRY_CAST(NULLIF(split_part(${textSql}, '/', 2), '') AS INTEGER)`;
  const number = ipv4NumberSql(addr);
  return `(CASE WHEN NOT contains(${textSql}, '/') THEN ${number} WHEN ${prefix} BETWEEN 0 AND 32 THEN (${number} // CAST(pow(2, 32 - ${prefix}) AS BIGINT)) * CAST(pow(2, 32 - ${prefix}) AS BIGINT) END)`;
}

export function ipv4Number(text: string): number | undefined {
  const m = new RegExp(IPV4_RE).exec(text.trim());
  if (!m) return undefined;
  return ((Number(m[1]) * 256 + Number(m[2])) * 256 + Number(m[3])) * 256 + Number(m[4]);
}

/** `10.0.0.0/8` or `1.2.3.4` → inclusive numeric bounds; undefined when not IPv4. */
export function ipv4Range(text: string, prefixOverride?: number): { low: number; high: number } | undefined {
  const [addr, prefixText] = text.trim().split('/');
  const base = ipv4Number(addr);
  if (base === undefined) return undefined;
  let prefix = prefixText === undefined ? 32 : Number(prefixText);
  if (prefixOverride !== undefined) prefix = Math.min(prefix, prefixOverride);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const low = Math.floor(base / size) * size;
  return { low, high: low + size - 1 };
}

export const PRIVATE_IPV4_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
