/**
 * Hunt → KQL for Microsoft Sentinel (TimeGenerated) and Defender XDR advanced hunting (Timestamp).
 * Matching semantics come from the hunt's IocMatch; every value goes through literal.ts.
 */
import { dataSource, type Platform } from '../../hunts/datasources.js';
import type { Hunt, IocMatch } from '../../hunts/types.js';
import type { Indicator } from '../../intel/types.js';
import { columnFor } from '../../schemas/fields.js';
import { tableSchema } from '../../schemas/tables.js';
import { kqlComment, kqlDynamicStrings, kqlIdentifier, kqlString } from './literal.js';

export interface KqlRenderOptions {
  platform: Platform;
  /** KQL timespan literal for the time window, e.g. `14d`. */
  lookback: string;
  /** Feed or report the indicators came from, for the header comment. */
  source: string;
  generated: Date;
  /** Extra `| where not(...)` lines compiled from the hunt's exclusions for this table. */
  exclusionLines?: string[];
  /** Where the indicator lists come from: inline `dynamic([...])` (default) or a Sentinel watchlist. */
  indicatorSource?: { kind: 'inline' } | { kind: 'watchlist'; alias: string };
}

// Host part of a URL or bare host name: optional scheme, optional userinfo, then the host.
const URL_HOST_REGEX = '^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^@/?#]*@)?([^:/?#@]+)';
// Scheme and authority of an absolute URL (lower-cased before comparison).
const URL_ORIGIN_REGEX = '^([A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)';

export function timeColumn(platform: Platform): string {
  return platform === 'defender' ? 'Timestamp' : 'TimeGenerated';
}

export function canRender(hunt: Hunt, platform: Platform): boolean {
  const source = dataSource(hunt.table);
  if (source) return source.platforms.includes(platform);
  return platform === 'sentinel' || hunt.table.startsWith('Device');
}

export function renderHuntKql(hunt: Hunt, options: KqlRenderOptions): string {
  const time = timeColumn(options.platform);
  const lines: string[] = [...header(hunt, options), `let lookback = ${options.lookback};`];
  const body: string[] = [];
  if (hunt.match) {
    const { lets, filters } = iocMatchKql(hunt.match, hunt.indicators, options);
    lines.push(...lets);
    body.push(...filters);
  } else if (hunt.selection) {
    throw new Error(`behaviour hunt ${hunt.id} must be rendered with its compiled selection`);
  }
  lines.push(tableExpression(hunt.table), `| where ${time} > ago(lookback)`, ...body);
  lines.push(...(options.exclusionLines ?? []));
  lines.push(`| project ${projection(hunt, time).map(kqlIdentifier).join(', ')}`);
  lines.push(`| order by ${time} desc`);
  return `${lines.join('\n')}\n`;
}

/** Behaviour hunts: the selection and exclusions arrive compiled (see render/kql/condition.ts). */
export function renderBehaviourHuntKql(hunt: Hunt, selectionKql: string, options: KqlRenderOptions): string {
  const time = timeColumn(options.platform);
  return `${[
    ...header(hunt, options),
    `let lookback = ${options.lookback};`,
    tableExpression(hunt.table),
    `| where ${time} > ago(lookback)`,
    `| where ${selectionKql}`,
    ...(options.exclusionLines ?? []),
    `| project ${projection(hunt, time).map(kqlIdentifier).join(', ')}`,
    `| order by ${time} desc`,
  ].join('\n')}\n`;
}

function header(hunt: Hunt, options: KqlRenderOptions): string[] {
  const flagged = hunt.indicators.filter((i) => i.flags.length > 0);
  const lines = [
    `// ${kqlComment(hunt.title)}`,
    `// Source: ${kqlComment(options.source)} | Family: ${kqlComment(hunt.family ?? 'unattributed')} | Generated: ${options.generated.toISOString().slice(0, 10)} | Indicators: ${hunt.indicators.length}`,
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

function projection(hunt: Hunt, time: string): string[] {
  const schemaTable = dataSource(hunt.table)?.asimFunction?.localTable ?? hunt.table;
  const known = new Set((tableSchema(schemaTable) ?? []).map((c) => c.name));
  const columns = [
    ...hunt.project.map((f) => (f === 'time' ? time : columnFor(schemaTable, f))),
    ...hunt.projectColumns.map((c) => (c === 'TimeGenerated' ? time : c)),
  ].filter((c): c is string => !!c && (known.size === 0 || known.has(c) || c === time));
  if (hunt.match) columns.push('MatchedIndicator');
  if (hunt.match?.indicatorType === 'hash') columns.push('MatchedHashAlgorithm');
  return [...new Set(columns)];
}

interface MatchKql {
  lets: string[];
  filters: string[];
}

function list(name: string, values: string[], options: KqlRenderOptions): string {
  if (options.indicatorSource?.kind === 'watchlist') {
    return `let ${name} = toscalar(_GetWatchlist(${kqlString(options.indicatorSource.alias)}) | where ListName == ${kqlString(name)} | summarize make_set(SearchKey));`;
  }
  return `let ${name} = ${kqlDynamicStrings(values)};`;
}

export function iocMatchKql(match: IocMatch, indicators: Indicator[], options: KqlRenderOptions): MatchKql {
  switch (match.indicatorType) {
    case 'ip':
      return ipMatch(match, indicators, options);
    case 'domain':
      return domainMatch(match, indicators, options);
    case 'url':
      return urlMatch(match, indicators, options);
    case 'hash':
      return hashMatch(match, indicators, options);
  }
}

/** The indicator lists an IP hunt uses; shared with the watchlist writer so both agree. */
export function ipLists(match: IocMatch, indicators: Indicator[]) {
  const addresses = [...new Set(indicators.map((i) => i.value))];
  const withPort = match.ignorePort ? [] : indicators.filter((i) => i.port !== null);
  const endpoints = [...new Set(withPort.map((i) => `${i.value}:${i.port}`))];
  const anyPort = [
    ...new Set(indicators.filter((i) => match.ignorePort || i.port === null).map((i) => i.value)),
  ];
  return { addresses, endpoints, anyPort };
}

function ipMatch(match: IocMatch, indicators: Indicator[], options: KqlRenderOptions): MatchKql {
  const { addresses, endpoints, anyPort } = ipLists(match, indicators);
  const lets = [list('ioc_ips', addresses, options)];
  if (endpoints.length > 0) lets.push(list('ioc_endpoints', endpoints, options));
  if (anyPort.length > 0) lets.push(list('ioc_any_port', anyPort, options));
  const endpointsCols = match.endpoints ?? [];
  const prefilter = endpointsCols.map((e) => `${kqlIdentifier(e.ip)} in (ioc_ips)`).join(' or ');
  const branches: string[] = [];
  for (const e of endpointsCols) {
    const ip = kqlIdentifier(e.ip);
    if (endpoints.length > 0) {
      // A table without a port column cannot check the port: the address alone must do there.
      const endpoint = e.port ? `strcat(${ip}, ":", tostring(${kqlIdentifier(e.port)}))` : null;
      if (endpoint) branches.push(`${endpoint} in (ioc_endpoints), ${endpoint}`);
      else branches.push(`${ip} in (ioc_ips), ${ip}`);
    }
    if (anyPort.length > 0) branches.push(`${ip} in (ioc_any_port), ${ip}`);
  }
  return {
    lets,
    filters: [
      `| where ${prefilter}`,
      `| extend MatchedIndicator = case(${branches.join(', ')}, "")`,
      '| where isnotempty(MatchedIndicator)',
    ],
  };
}

function domainMatch(match: IocMatch, indicators: Indicator[], options: KqlRenderOptions): MatchKql {
  const domains = [...new Set(indicators.map((i) => i.value))];
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
  return {
    lets: [list('ioc_domains', domains, options)],
    filters: [
      `| where ${columns.map((c) => `${kqlIdentifier(c.column)} has_any (ioc_domains)`).join(' or ')}`,
      `| extend _labels = split(trim_end(@"\\.", tolower(${host})), ".")`,
      '| mv-expand _i = range(0, array_length(_labels) - 1) to typeof(int)',
      '| extend MatchedIndicator = strcat_array(array_slice(_labels, _i, -1), ".")',
      '| where MatchedIndicator in (ioc_domains)',
    ],
  };
}

function urlMatch(match: IocMatch, indicators: Indicator[], options: KqlRenderOptions): MatchKql {
  const urls = [...new Set(indicators.map((i) => i.value))];
  const hosts = [...new Set(indicators.map((i) => i.host ?? '').filter(Boolean))];
  const columns = match.urlColumns ?? [];
  const lets = [list('ioc_urls', urls, options), list('ioc_url_hosts', hosts, options)];
  const column = kqlIdentifier(columns[0]);
  return {
    lets,
    filters: [
      `| where ${columns.map((c) => `${kqlIdentifier(c)} has_any (ioc_url_hosts)`).join(' or ')}`,
      `| extend _origin = extract(${kqlString(URL_ORIGIN_REGEX)}, 1, ${column})`,
      `| extend _rest = substring(${column}, strlen(_origin))`,
      '| extend MatchedIndicator = strcat(tolower(_origin), iif(isempty(_rest), "/", _rest))',
      '| where MatchedIndicator in (ioc_urls)',
    ],
  };
}

const HASH_LETS = { md5: 'ioc_md5', sha1: 'ioc_sha1', sha256: 'ioc_sha256' } as const;

function hashMatch(match: IocMatch, indicators: Indicator[], options: KqlRenderOptions): MatchKql {
  const byType = { md5: new Set<string>(), sha1: new Set<string>(), sha256: new Set<string>() };
  for (const i of indicators) if (i.type in byType) byType[i.type as keyof typeof byType].add(i.value);
  const present = (['sha256', 'sha1', 'md5'] as const).filter((t) => byType[t].size > 0);
  const lets = present.map((t) => list(HASH_LETS[t], [...byType[t]], options));
  const tests: { cond: string; column: string }[] = [];
  for (const c of match.hashColumns ?? []) {
    for (const t of c.types.filter((t) => byType[t].size > 0)) {
      tests.push({
        cond: `${kqlIdentifier(c.column)} in~ (${HASH_LETS[t]})`,
        column: kqlIdentifier(c.column),
      });
    }
  }
  return {
    lets,
    filters: [
      `| where ${tests.map((t) => t.cond).join(' or ')}`,
      `| extend MatchedIndicator = tolower(case(${tests.map((t) => `${t.cond}, ${t.column}`).join(', ')}, ""))`,
      '| extend MatchedHashAlgorithm = case(strlen(MatchedIndicator) == 32, "MD5", strlen(MatchedIndicator) == 40, "SHA1", "SHA256")',
    ],
  };
}
