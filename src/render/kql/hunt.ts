/**
 * Hunt → KQL for Microsoft Sentinel (TimeGenerated) and Defender XDR advanced hunting (Timestamp).
 * Matching semantics come from the hunt's IocMatch; every value goes through literal.ts.
 */
import { dataSource, localTableFor, type Platform } from '../../hunts/datasources.js';
import { HASH_LISTS, indicatorLists, URL_HOST_REGEX, URL_ORIGIN_REGEX } from '../../hunts/lists.js';
import type { Hunt, IocMatch } from '../../hunts/types.js';
import type { Indicator } from '../../intel/types.js';
import { columnFor } from '../../schemas/fields.js';
import { tableSchema } from '../../schemas/tables.js';
import { compileConditionKql, compileExclusionsKql } from './condition.js';
import { kqlComment, kqlDynamicStrings, kqlIdentifier, kqlString } from './literal.js';

export interface KqlRenderOptions {
  platform: Platform;
  /** KQL timespan literal for the time window, e.g. `14d`. */
  lookback: string;
  /** Feed or report the indicators came from, for the header comment. */
  source: string;
  generated: Date;
  /**
   * Where the indicator lists come from: inline `dynamic([...])` (default), a Sentinel watchlist,
   * or (Defender XDR, which has no watchlists) the watchlist CSV fetched with `externaldata`.
   */
  indicatorSource?:
    | { kind: 'inline' }
    | { kind: 'watchlist'; alias: string }
    | { kind: 'externaldata'; url: string };
}

export function timeColumn(platform: Platform): string {
  return platform === 'defender' ? 'Timestamp' : 'TimeGenerated';
}

export function canRender(hunt: Hunt, platform: Platform): boolean {
  // Lookup correlation reads DnsEvents, which Defender XDR does not have.
  if (hunt.correlation && platform === 'defender') return false;
  const source = dataSource(hunt.table);
  if (source) return source.platforms.includes(platform);
  return platform === 'sentinel' || hunt.table.startsWith('Device');
}

export function renderHuntKql(hunt: Hunt, options: KqlRenderOptions): string {
  const time = timeColumn(options.platform);
  const lines: string[] = [...header(hunt, options), `let lookback = ${options.lookback};`];
  const body: string[] = [];
  // Field names of ASIM functions are those of the ASim* table behind them.
  const fieldTable = localTableFor(hunt.table);
  if (hunt.match) {
    const { lets, filters } = iocMatchKql(hunt.match, hunt.indicators, options);
    lines.push(...lets);
    body.push(...filters);
  } else if (hunt.selection) {
    const selection = compileConditionKql(hunt.selection, fieldTable);
    if (!selection.evaluable)
      throw new Error(`hunt ${hunt.id} has no selection that ${hunt.table} can evaluate`);
    body.push(`| where ${selection.kql}`);
  }
  if (hunt.correlation) {
    const c = hunt.correlation;
    const lookup = iocMatchKql(c.lookupMatch, c.domains, options, 'MatchedDomain');
    lines.push(`let lookup_window = ${c.windowMinutes}m;`, ...lookup.lets);
    lines.push(
      `let lookups = ${c.lookupTable}`,
      `| where ${time} > ago(lookback)`,
      ...lookup.filters,
      `| project LookupTime = ${time}, ${kqlIdentifier(c.lookupClientColumn)}, LookedUpName = ${kqlIdentifier(c.lookupMatch.domainColumns![0].column)}, MatchedDomain;`,
    );
    body.push(
      `| join kind=inner lookups on $left.${kqlIdentifier(c.clientColumn)} == $right.${kqlIdentifier(c.lookupClientColumn)}`,
      `| where ${time} >= LookupTime and ${time} <= LookupTime + lookup_window`,
    );
  }
  lines.push(tableExpression(hunt.table), `| where ${time} > ago(lookback)`, ...body);
  lines.push(...compileExclusionsKql(hunt.exclusions, fieldTable, hunt.kind).lines);
  lines.push(`| project ${projection(hunt, time).map(kqlIdentifier).join(', ')}`);
  lines.push(`| order by ${time} desc`);
  return `${lines.join('\n')}\n`;
}

function header(hunt: Hunt, options: KqlRenderOptions): string[] {
  const flagged = hunt.indicators.filter((i) => i.flags.length > 0);
  const lines = [
    `// ${kqlComment(hunt.title)}`,
    `// Source: ${kqlComment(options.source)} | Family: ${kqlComment(hunt.family ?? 'unattributed')} | Generated: ${options.generated.toISOString().slice(0, 10)} | ${hunt.match ? `Indicators: ${hunt.indicators.length}` : `Behaviour: ${hunt.techniques.join(', ')}`}`,
    `// Matches: ${kqlComment(hunt.purpose)}`,
  ];
  if (flagged.length > 0) {
    const lists = [...new Set(flagged.flatMap((i) => i.flags.map((f) => f.list)))].join(', ');
    lines.push(
      `// Flagged: ${flagged.length} indicators are on warninglists (${kqlComment(lists)}): review hits in context`,
    );
  }
  return lines;
}

function tableExpression(table: string): string {
  return dataSource(table)?.asimFunction ? `${table}(starttime=ago(lookback))` : table;
}

/** Columns a dns-then-connect hunt adds from the lookup side. */
export const CORRELATION_COLUMNS = ['LookupTime', 'LookedUpName', 'MatchedDomain'];

function projection(hunt: Hunt, time: string): string[] {
  const schemaTable = dataSource(hunt.table)?.asimFunction?.localTable ?? hunt.table;
  const known = new Set((tableSchema(schemaTable) ?? []).map((c) => c.name));
  const columns = [
    ...hunt.project.map((f) => (f === 'time' ? time : columnFor(schemaTable, f))),
    ...hunt.projectColumns.map((c) => (c === 'TimeGenerated' ? time : c)),
  ].filter(
    (c): c is string =>
      !!c && (known.size === 0 || known.has(c) || c === time || CORRELATION_COLUMNS.includes(c)),
  );
  if (hunt.match) columns.push('MatchedIndicator');
  if (hunt.match?.indicatorType === 'hash') columns.push('MatchedHashAlgorithm');
  return [...new Set(columns)];
}

interface MatchKql {
  lets: string[];
  filters: string[];
}

// Kusto's has_any considers at most 10,000 distinct values, so larger lists cannot use it as a pre-filter.
const HAS_ANY_LIMIT = 10_000;

/**
 * Past this many values a list is written as one space-separated string and split in the query:
 * one literal instead of thousands keeps the query short and cheap to parse. Canonical indicator
 * values contain no spaces; a list where one does keeps the `dynamic([...])` form.
 */
export const PACKED_LIST_THRESHOLD = 1_000;

function letStatement(name: string, values: string[], options: KqlRenderOptions): string {
  if (options.indicatorSource?.kind === 'watchlist') {
    return `let ${name} = toscalar(_GetWatchlist(${kqlString(options.indicatorSource.alias)}) | where ListName == ${kqlString(name)} | summarize make_set(SearchKey));`;
  }
  if (options.indicatorSource?.kind === 'externaldata') {
    return `let ${name} = toscalar(externaldata(SearchKey: string, ListName: string, IndicatorType: string, Family: string)[${kqlString(options.indicatorSource.url)}] with (format="csv", ignoreFirstRecord=true) | where ListName == ${kqlString(name)} | summarize make_set(SearchKey));`;
  }
  if (values.length > PACKED_LIST_THRESHOLD && !values.some((v) => /\s/.test(v))) {
    return `let ${name} = split(${kqlString(values.join(' '))}, " ");`;
  }
  return `let ${name} = ${kqlDynamicStrings(values)};`;
}

export function iocMatchKql(
  match: IocMatch,
  indicators: Indicator[],
  options: KqlRenderOptions,
  output = 'MatchedIndicator',
): MatchKql {
  const lists = indicatorLists(match, indicators);
  const lets = [...lists].map(([name, values]) => letStatement(name, values, options));
  const termPrefilter =
    (options.indicatorSource?.kind ?? 'inline') === 'inline' &&
    Math.max(0, ...[...lists.values()].map((v) => v.length)) <= HAS_ANY_LIMIT;
  switch (match.indicatorType) {
    case 'ip':
      return { lets, filters: ipFilters(match, lists) };
    case 'domain':
      return { lets, filters: domainFilters(match, termPrefilter, output) };
    case 'url':
      return { lets, filters: urlFilters(match, termPrefilter) };
    case 'hash':
      return { lets, filters: hashFilters(match, lists) };
  }
}

function ipFilters(match: IocMatch, lists: Map<string, string[]>): string[] {
  const endpointsCols = match.endpoints ?? [];
  const prefilter = endpointsCols.map((e) => `${kqlIdentifier(e.ip)} in (ioc_ips)`).join(' or ');
  const branches: string[] = [];
  for (const e of endpointsCols) {
    const ip = kqlIdentifier(e.ip);
    if (lists.has('ioc_endpoints')) {
      // A table without a port column cannot check the port: the address alone must do there.
      if (e.port) {
        const endpoint = `strcat(${ip}, ":", tostring(${kqlIdentifier(e.port)}))`;
        branches.push(`${endpoint} in (ioc_endpoints), ${endpoint}`);
      } else branches.push(`${ip} in (ioc_ips), ${ip}`);
    }
    if (lists.has('ioc_any_port')) branches.push(`${ip} in (ioc_any_port), ${ip}`);
  }
  return [
    `| where ${prefilter}`,
    `| extend MatchedIndicator = case(${branches.join(', ')}, "")`,
    '| where isnotempty(MatchedIndicator)',
  ];
}

function domainFilters(match: IocMatch, termPrefilter: boolean, output: string): string[] {
  const columns = match.domainColumns ?? [];
  const hostOf = (c: { column: string; holds: 'name' | 'url-host' }) =>
    c.holds === 'url-host'
      ? `extract(${kqlString(URL_HOST_REGEX)}, 1, ${kqlIdentifier(c.column)})`
      : kqlIdentifier(c.column);
  // The first non-empty column wins: a proxy log's host name, else the host of its URL.
  let host = hostOf(columns[columns.length - 1]);
  for (const c of columns.slice(0, -1).reverse()) {
    host = `iif(isnotempty(${kqlIdentifier(c.column)}), ${hostOf(c)}, ${host})`;
  }
  return [
    ...(termPrefilter
      ? [`| where ${columns.map((c) => `${kqlIdentifier(c.column)} has_any (ioc_domains)`).join(' or ')}`]
      : []),
    // Every parent domain of the name (a.b.c → a.b.c, b.c, c) is looked up: equal-or-subdomain, exactly.
    `| extend _labels = split(trim_end(@"\\.", tolower(${host})), ".")`,
    '| mv-expand _i = range(0, array_length(_labels) - 1) to typeof(int)',
    `| extend ${output} = strcat_array(array_slice(_labels, _i, -1), ".")`,
    `| where ${output} in (ioc_domains)`,
  ];
}

function urlFilters(match: IocMatch, termPrefilter: boolean): string[] {
  const columns = match.urlColumns ?? [];
  const column = kqlIdentifier(columns[0]);
  return [
    ...(termPrefilter
      ? [`| where ${columns.map((c) => `${kqlIdentifier(c)} has_any (ioc_url_hosts)`).join(' or ')}`]
      : []),
    `| extend _origin = extract(${kqlString(URL_ORIGIN_REGEX)}, 1, ${column})`,
    `| extend _rest = substring(${column}, strlen(_origin))`,
    // Scheme and host compare case-insensitively, the path exactly; a bare origin gets the "/" path.
    '| extend MatchedIndicator = strcat(tolower(_origin), iif(isempty(_rest), "/", _rest))',
    '| where MatchedIndicator in (ioc_urls)',
  ];
}

function hashFilters(match: IocMatch, lists: Map<string, string[]>): string[] {
  const tests: { cond: string; column: string }[] = [];
  for (const c of match.hashColumns ?? []) {
    for (const t of c.types.filter((t) => lists.has(HASH_LISTS[t]))) {
      tests.push({
        cond: `${kqlIdentifier(c.column)} in~ (${HASH_LISTS[t]})`,
        column: kqlIdentifier(c.column),
      });
    }
  }
  return [
    `| where ${tests.map((t) => t.cond).join(' or ')}`,
    `| extend MatchedIndicator = tolower(case(${tests.map((t) => `${t.cond}, ${t.column}`).join(', ')}, ""))`,
    '| extend MatchedHashAlgorithm = case(strlen(MatchedIndicator) == 32, "MD5", strlen(MatchedIndicator) == 40, "SHA1", "SHA256")',
  ];
}
