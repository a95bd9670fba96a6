/** Human and spreadsheet views of indicators: the seed's summary and table layout, and CSV. */
import { defang } from './refang.js';
import type { Indicator } from './types.js';

/** `ip:port` for addresses with a port (as ThreatFox and the seed write it), else the type. */
export function displayType(i: Indicator): string {
  if ((i.type === 'ipv4' || i.type === 'ipv6') && i.port !== null) return 'ip:port';
  return i.type;
}

/** Defanged value with its port: `104[.]21[.]9[.]66:443`, `[2001:db8::1]:443`. */
export function displayValue(i: Indicator): string {
  const value = defang(i.value);
  if (i.port === null || i.type === 'url') return value;
  return i.type === 'ipv6' ? `[${value}]:${i.port}` : `${value}:${i.port}`;
}

const oneLine = (s: string) => s.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(/[\x00-\x1f\x7f\x85]/g, '');

/** A cell of the Markdown table: one line, with `\` and `|` escaped so a value keeps its cell. */
const tableCell = (s: string) => oneLine(s).replace(/[\\|]/g, '\\$&');

/** Summary lines: family, totals, counts by type, flagged count. */
export function summaryLines(indicators: Indicator[]): string[] {
  const families = [...new Set(indicators.map((i) => i.malware).filter((m): m is string => m !== null))];
  const byType = new Map<string, number>();
  for (const i of indicators) byType.set(displayType(i), (byType.get(displayType(i)) ?? 0) + 1);
  const flagged = indicators.filter((i) => i.flags.length > 0).length;
  return [
    `Malware Family: ${families.length === 0 ? 'unknown' : families.map(oneLine).join(', ')}`,
    `Total IOCs: ${indicators.length}`,
    `IOC Types: ${[...byType].map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}`,
    `Flagged: ${flagged}`,
  ];
}

/** The seed's Markdown table, plus a Flags column. */
export function indicatorTable(indicators: Indicator[]): string[] {
  const lines = [
    '| Type | Value | Threat Type | First Seen | Confidence | Flags |',
    '|---|---|---|---|---|---|',
  ];
  for (const i of indicators) {
    const flags = i.flags.map((f) => `${f.list} (${f.category})`).join(', ');
    const cells = [
      displayType(i),
      displayValue(i),
      i.threatType ?? '',
      i.firstSeen?.slice(0, 10) ?? '',
      i.confidence === null ? '' : `${i.confidence}%`,
      flags,
    ];
    lines.push(`| ${cells.map(tableCell).join(' | ')} |`);
  }
  return lines;
}

export const CSV_COLUMNS = [
  'type',
  'value',
  'port',
  'malware',
  'threat_type',
  'first_seen',
  'last_seen',
  'confidence',
  'tags',
  'flags',
  'sources',
] as const;

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula (= + - @, tab, CR) get a `'`. */
export function indicatorsToCsv(indicators: Indicator[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const i of indicators) {
    rows.push(
      [
        i.type,
        i.value,
        i.port ?? '',
        i.malware ?? '',
        i.threatType ?? '',
        i.firstSeen ?? '',
        i.lastSeen ?? '',
        i.confidence ?? '',
        i.tags.join(';'),
        i.flags.map((f) => `${f.list}:${f.category}`).join(';'),
        i.sources.map((s) => s.location).join(';'),
      ]
        .map((cell) => csvCell(String(cell)))
        .join(','),
    );
  }
  return `${rows.join('\r\n')}\r\n`;
}

export function csvCell(raw: string): string {
  const safe = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
