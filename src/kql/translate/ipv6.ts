/**
 * IPv6 helpers: an address in SQL as its 32 hex digits (zero compression expanded, an embedded
 * IPv4 tail converted), and constant ranges resolved while translating with ipaddr.js.
 */
import { ipaddr } from '../../packages/ipaddr.js';
import { ipv4NumberSql } from './ipv4.js';
import { quoteString } from './sql.js';

const V4_TAIL = '[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$';

/**
 * SQL: `expr(v)` with `valueSql` bound once to `v` — a one-element list_transform, so that a value
 * used many times is not written (and evaluated) many times.
 */
function bind(valueSql: string, name: string, expr: (v: string) => string): string {
  return `list_transform([${valueSql}], ${name} -> ${expr(name)})[1]`;
}

/** SQL: the address in `textSql` as 32 lowercase hex digits, NULL when it is not IPv6 text. */
export function ipv6HexSql(textSql: string): string {
  return bind(`lower(split_part(trim(${textSql}), '%', 1))`, 'v6t', (t) => {
    // `::ffff:1.2.3.4` → `::ffff:102:304`
    const withoutV4 = bind(`regexp_extract(${t}, '${V4_TAIL}')`, 'v6v4', (v4) =>
      bind(
        ipv4NumberSql(v4),
        'v6n',
        (n) =>
          `CASE WHEN ${v4} = '' THEN ${t} WHEN ${n} IS NULL THEN NULL ELSE regexp_replace(${t}, '${V4_TAIL}', printf('%x:%x', ${n} // 65536, ${n} % 65536)) END`,
      ),
    );
    return bind(withoutV4, 'v6b', (body) => {
      const half = (text: string) => `CASE WHEN ${text} = '' THEN [] ELSE string_split(${text}, ':') END`;
      const left = half(`split_part(${body}, '::', 1)`);
      const right = half(`substr(${body}, strpos(${body}, '::') + 2)`);
      const compressed = `contains(${body}, '::')`;
      return bind(`[${left}, ${right}]`, 'v6lr', (lr) => {
        const l = `${lr}[1]`;
        const r = `${lr}[2]`;
        const groups = `CASE WHEN ${compressed} THEN list_concat(${l}, list_transform(range(GREATEST(8 - len(${l}) - len(${r}), 0)), x -> '0'), ${r}) ELSE string_split(${body}, ':') END`;
        return bind(groups, 'v6g', (g) => {
          const valid = [
            `regexp_full_match(${body}, '[0-9a-f:]+')`,
            `strpos(substr(${body}, strpos(${body}, '::') + 1), '::') = 0`,
            `len(${g}) = 8`,
            `(NOT ${compressed} OR len(${l}) + len(${r}) <= 7)`,
            `len(list_filter(${g}, x -> NOT regexp_full_match(x, '[0-9a-f]{1,4}'))) = 0`,
          ].join(' AND ');
          return `CASE WHEN ${valid} THEN array_to_string(list_transform(${g}, x -> lpad(x, 4, '0')), '') END`;
        });
      });
    });
  });
}

/** `2001:db8::/32` → its first address as 32 hex digits and the prefix length; undefined if not IPv6. */
export function ipv6Range(text: string): { hex: string; prefix: number } | undefined {
  try {
    const value = text.trim();
    const [addr, prefix] = value.includes('/') ? ipaddr.parseCIDR(value) : [ipaddr.parse(value), 128];
    if (addr.kind() !== 'ipv6') return undefined;
    const hex = addr
      .toByteArray()
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
    return { hex, prefix };
  } catch {
    return undefined;
  }
}

/** SQL: is the 32-hex-digit address `hexSql` inside the range (compared nibble by nibble). */
export function ipv6InRangeSql(hexSql: string, range: { hex: string; prefix: number }): string {
  const whole = Math.floor(range.prefix / 4);
  const rest = range.prefix % 4;
  const tests = [`substr(${hexSql}, 1, ${whole}) = ${quoteString(range.hex.slice(0, whole))}`];
  if (rest > 0) {
    const nibble = Number.parseInt(range.hex[whole], 16) >> (4 - rest);
    tests.push(
      `((strpos('0123456789abcdef', substr(${hexSql}, ${whole + 1}, 1)) - 1) // ${2 ** (4 - rest)}) = ${nibble}`,
    );
  }
  return `(${hexSql} IS NOT NULL AND ${tests.join(' AND ')})`;
}
