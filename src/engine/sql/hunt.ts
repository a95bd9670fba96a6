/**
 * Hunt → DuckDB SQL over ingested, Sentinel-shaped tables, with the KQL's matching semantics.
 * Indicator lists are tables joined by hash; domain matching expands the distinct host names into
 * their parent domains once, so cost follows distinct names, not events × indicators.
 */
import { HASH_LISTS, URL_HOST_REGEX, URL_ORIGIN_REGEX } from '../../hunts/lists.js';
import type { EndpointColumns, Hunt, IocMatch } from '../../hunts/types.js';
import { sqlIdentifier as id, sqlString } from './condition.js';

export interface HuntSqlContext {
  /** The DuckDB table the hunt reads. */
  table: string;
  /** Columns that table has. */
  columns: Set<string>;
  timeColumn: string | null;
  since?: Date;
  until?: Date;
  /** SQL table holding each named indicator list (`ioc_domains` → a temp table with column v). */
  listTable: (listName: string) => string;
  /** Boolean SQL expressions over `e` that exclude a row. */
  exclusions: string[];
  /** Behaviour hunts: their compiled selection. */
  selection?: string;
  /** dns-then-connect hunts: the lookup table, its columns and (optionally) its matched rows. */
  lookup?: { table: string; columns: Set<string>; matchedRows?: string };
  /**
   * Columns known to hold no value in any row: selected as typed NULLs instead of read. Fetching
   * the few matched rows decompresses every selected column of every vector they sit in, so an
   * empty column costs as much to read as a full one.
   */
  emptyColumns?: Map<string, string>;
  /**
   * Domain hunts: a table already holding this table's rows that match the domain list (within
   * the time bounds), with their "MatchedIndicator", so the IOC hunt and the lookup side of a
   * lookup-then-connect hunt over the same list read the events once.
   */
  matchedRows?: string;
  /**
   * IP hunts: a table already holding this table's rows that match the IP lists (ipMatchSql), so
   * the IOC hunt and the connection side of a lookup-then-connect hunt read the events once.
   */
  ipMatchedRows?: string;
}

/** These logs cannot run the hunt; the message says why, for the run's warnings. */
export class HuntSkipped extends Error {}

/** A column the hunt reads is not in the table's logs. */
export class MissingColumnError extends HuntSkipped {
  constructor(table: string, columns: string) {
    super(`table ${table} has no column ${columns}`);
  }
}

export function huntSql(hunt: Hunt, ctx: HuntSqlContext): string {
  const where = timeBounds(ctx);
  const order = ctx.timeColumn ? ` ORDER BY ${id(ctx.timeColumn)} DESC NULLS LAST` : '';
  let hits: string;
  if (!hunt.match) {
    if (!ctx.selection) throw new Error(`hunt ${hunt.id} has neither indicators nor a selection`);
    hits = `SELECT ${eventColumns(ctx)}, ${sqlString(hunt.title)} AS "MatchedIndicator" FROM ${id(ctx.table)} AS e WHERE ${[ctx.selection, ...where].join(' AND ')}`;
  } else if (hunt.correlation) {
    hits = correlatedSql(hunt, ctx, where);
  } else {
    const match = hunt.match;
    hits = {
      ip: () => ipRows(match, ctx, where),
      domain: () => domainSql(match, ctx, where),
      url: () => urlSql(match, ctx, where),
      hash: () => hashSql(match, ctx, where),
    }[match.indicatorType]();
  }
  // Exclusions run on the few matched rows only: the materialised CTE keeps DuckDB from pushing
  // them (a cidr test over 90 sinkhole ranges, say) down into the scan of every event.
  const keep = [
    '"MatchedIndicator" IS NOT NULL',
    `"MatchedIndicator" <> ''`,
    ...ctx.exclusions.map((x) => `NOT (${x})`),
  ];
  return `WITH hits AS MATERIALIZED (${hits}) SELECT * FROM hits WHERE ${keep.join(' AND ')}${order}`;
}

/** Connections (the IP match) joined to earlier lookups of indicator domains by the same client. */
function correlatedSql(hunt: Hunt, ctx: HuntSqlContext, where: string[]): string {
  const c = hunt.correlation!;
  if (!ctx.lookup) throw new HuntSkipped(`no ${c.lookupTable} logs to correlate with`);
  const lookupCtx: HuntSqlContext = {
    ...ctx,
    table: ctx.lookup.table,
    columns: ctx.lookup.columns,
    exclusions: [],
    emptyColumns: undefined,
    matchedRows: ctx.lookup.matchedRows,
  };
  const client = need(lookupCtx, c.lookupClientColumn);
  const name = need(lookupCtx, c.lookupMatch.domainColumns![0].column);
  need(ctx, c.clientColumn);
  const time = ctx.timeColumn ? id(ctx.timeColumn) : null;
  if (!time) throw new MissingColumnError(ctx.table, 'TimeGenerated or Timestamp');
  const lookups = domainSql(
    c.lookupMatch,
    lookupCtx,
    timeBounds(lookupCtx),
    `e.${time} AS "LookupTime", CAST(${client} AS VARCHAR) AS _client, ${name} AS "LookedUpName"`,
    'MatchedDomain',
  );
  const connections = ipRows(hunt.match!, ctx, where);
  return [
    `WITH lookups AS (${lookups})`,
    `SELECT c.*, l."LookupTime", l."LookedUpName", l."MatchedDomain" FROM (${connections}) AS c`,
    `JOIN lookups AS l ON CAST(c.${id(c.clientColumn)} AS VARCHAR) = l._client`,
    `WHERE c."MatchedIndicator" IS NOT NULL AND c.${time} >= l."LookupTime" AND c.${time} <= l."LookupTime" + INTERVAL ${Math.round(c.windowMinutes)} MINUTE`,
  ].join('\n');
}

/** The matched event's columns: `e.*`, with known-empty columns as typed NULLs rather than read. */
/** Columns the hunt queries add to an event's row (lowercase: DuckDB names ignore case). */
const ADDED_COLUMNS = new Set([
  'matchedindicator',
  'matchedhashalgorithm',
  'lookuptime',
  'lookedupname',
  'matcheddomain',
  '_client',
]);

/**
 * The event's columns. A log column named like one the hunt adds is renamed `<name> (log)`: left
 * as it is, it would shadow the hunt's own and decide what matched.
 */
function eventColumns(ctx: HuntSqlContext): string {
  const empty = ctx.emptyColumns;
  const replace =
    empty && empty.size > 0
      ? ` REPLACE (${[...empty].map(([name, type]) => `NULL::${type} AS ${id(name)}`).join(', ')})`
      : '';
  const clashing = [...ctx.columns].filter((name) => ADDED_COLUMNS.has(name.toLowerCase()));
  const rename =
    clashing.length > 0
      ? ` RENAME (${clashing.map((name) => `${id(name)} AS ${id(`${name} (log)`)}`).join(', ')})`
      : '';
  return `e.*${replace}${rename}`;
}

function timeBounds(ctx: HuntSqlContext): string[] {
  if (!ctx.timeColumn) return [];
  const t = `e.${id(ctx.timeColumn)}`;
  const bounds: string[] = [];
  if (ctx.since) bounds.push(`${t} >= ${timestamp(ctx.since)}`);
  if (ctx.until) bounds.push(`${t} < ${timestamp(ctx.until)}`);
  return bounds;
}

function timestamp(d: Date): string {
  return `TIMESTAMP ${sqlString(d.toISOString().replace('T', ' ').replace('Z', ''))}`;
}

function need(ctx: HuntSqlContext, column: string): string {
  if (!ctx.columns.has(column)) throw new MissingColumnError(ctx.table, column);
  return `e.${id(column)}`;
}

const inList = (expr: string, ctx: HuntSqlContext, list: string) =>
  `${expr} IN (SELECT v FROM ${ctx.listTable(list)})`;
const text = (expr: string) => `CAST(${expr} AS VARCHAR)`;

/** The rows of the hunt's table that an IP match hits (within the time bounds), with "MatchedIndicator". */
export function ipMatchSql(match: IocMatch, ctx: HuntSqlContext): string {
  return ipSql(match, ctx, timeBounds(ctx));
}

/** The IP match's rows: those already kept for this run (ipMatchedRows), or the query for them. */
function ipRows(match: IocMatch, ctx: HuntSqlContext, where: string[]): string {
  return ctx.ipMatchedRows ? `SELECT * FROM ${ctx.ipMatchedRows}` : ipSql(match, ctx, where);
}

function ipSql(match: IocMatch, ctx: HuntSqlContext, where: string[]): string {
  const pre = ipCandidates(match, ctx);
  const endpoints = (match.endpoints ?? []).filter((e) => ctx.columns.has(e.ip));
  const branches: string[] = [];
  for (const e of endpoints) {
    const ip = text(need(ctx, e.ip));
    if (!match.ignorePort) branches.push(endpointBranch(e, ip, ctx));
    branches.push(`WHEN ${inList(ip, ctx, 'ioc_any_port')} THEN ${ip}`);
  }
  return `SELECT ${eventColumns(ctx)}, CASE ${branches.join(' ')} END AS "MatchedIndicator" FROM ${id(ctx.table)} AS e WHERE ${[`(${pre.join(' OR ')})`, ...where].join(' AND ')}`;
}

/** Rows whose address is on the list, whatever the port: every row the IP match can hit. */
function ipCandidates(match: IocMatch, ctx: HuntSqlContext): string[] {
  const endpoints = (match.endpoints ?? []).filter((e) => ctx.columns.has(e.ip));
  if (endpoints.length === 0)
    throw new MissingColumnError(ctx.table, match.endpoints?.map((e) => e.ip).join('/') ?? 'ip');
  return endpoints.map((e) => inList(text(need(ctx, e.ip)), ctx, 'ioc_ips'));
}

function endpointBranch(e: EndpointColumns, ip: string, ctx: HuntSqlContext): string {
  // Without a port column the port cannot be checked: the address alone must do, as in the KQL.
  if (!e.port || !ctx.columns.has(e.port)) return `WHEN ${inList(ip, ctx, 'ioc_ips')} THEN ${ip}`;
  const endpoint = `concat(${ip}, ':', ${text(need(ctx, e.port))})`;
  return `WHEN ${inList(endpoint, ctx, 'ioc_endpoints')} THEN ${endpoint}`;
}

export function hostExpression(match: IocMatch, ctx: Pick<HuntSqlContext, 'table' | 'columns'>): string {
  const columns = (match.domainColumns ?? []).filter((c) => ctx.columns.has(c.column));
  if (columns.length === 0)
    throw new MissingColumnError(ctx.table, match.domainColumns?.map((c) => c.column).join('/') ?? 'domain');
  const column = (name: string) => `e.${id(name)}`;
  const hostOf = (c: { column: string; holds: 'name' | 'url-host' }) =>
    c.holds === 'url-host'
      ? `regexp_extract(${text(column(c.column))}, ${sqlString(URL_HOST_REGEX)}, 1)`
      : text(column(c.column));
  let host = hostOf(columns[columns.length - 1]);
  for (const c of columns.slice(0, -1).reverse()) {
    host = `CASE WHEN coalesce(${text(column(c.column))}, '') <> '' THEN ${hostOf(c)} ELSE ${host} END`;
  }
  return host;
}

/**
 * The table's rows whose host name, or a parent domain of it, is on the `ioc_domains` list, with
 * that domain as "MatchedIndicator". The distinct host names are expanded into their parent
 * domains and joined with the list, so the cost follows distinct names, not events.
 */
export function domainMatchSql(match: IocMatch, ctx: HuntSqlContext, where = timeBounds(ctx)): string {
  return domainSql(match, ctx, where);
}

function domainSql(
  match: IocMatch,
  ctx: HuntSqlContext,
  where: string[],
  select = eventColumns(ctx),
  matchedAs = 'MatchedIndicator',
): string {
  if (ctx.matchedRows) {
    const rows = `FROM ${ctx.matchedRows} AS e${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    return matchedAs === 'MatchedIndicator' && select === eventColumns(ctx)
      ? `SELECT e.* ${rows}`
      : `SELECT ${select}, e."MatchedIndicator" AS ${id(matchedAs)} ${rows}`;
  }
  const host = hostExpression(match, ctx);
  return [
    `WITH ${matchedHostsCte(match, ctx)}`,
    `SELECT ${select}, matched.parent AS ${id(matchedAs)} FROM ${id(ctx.table)} AS e JOIN matched ON ${host} = matched.h`,
    where.length ? `WHERE ${where.join(' AND ')}` : '',
  ].join('\n');
}

/** CTEs ending in `matched (h, parent)`: the table's distinct host names matching the domain list. */
function matchedHostsCte(match: IocMatch, ctx: HuntSqlContext): string {
  const host = hostExpression(match, ctx);
  const timeOnly = timeBounds(ctx);
  return [
    'hosts AS (',
    `  SELECT DISTINCT ${host} AS h FROM ${id(ctx.table)} AS e${timeOnly.length ? ` WHERE ${timeOnly.join(' AND ')}` : ''}`,
    '), labelled AS (',
    "  SELECT h, string_split(rtrim(lower(h), '.'), '.') AS labels FROM hosts WHERE h IS NOT NULL AND h <> ''",
    '), parents AS (',
    "  SELECT h, array_to_string(list_slice(labels, i, len(labels)), '.') AS parent",
    '  FROM labelled, LATERAL (SELECT unnest(generate_series(1, len(labels))) AS i)',
    '), matched AS (',
    `  SELECT p.h, p.parent FROM parents AS p JOIN ${ctx.listTable('ioc_domains')} AS d ON d.v = p.parent`,
    ')',
  ].join('\n');
}

/** The distinct host names of the table that match the domain list (one column, h). */
export function matchedHostNamesSql(match: IocMatch, ctx: HuntSqlContext): string {
  return `WITH ${matchedHostsCte(match, ctx)} SELECT DISTINCT h FROM matched`;
}

function urlSql(match: IocMatch, ctx: HuntSqlContext, where: string[]): string {
  const normalised = normalisedUrl(match, ctx);
  return `SELECT ${eventColumns(ctx)}, CASE WHEN ${inList(normalised, ctx, 'ioc_urls')} THEN ${normalised} END AS "MatchedIndicator" FROM ${id(ctx.table)} AS e${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
}

/** The URL column with scheme and host lowercased and an empty path as '/', as the list holds them. */
function normalisedUrl(match: IocMatch, ctx: HuntSqlContext): string {
  const column = (match.urlColumns ?? []).find((c) => ctx.columns.has(c));
  if (!column) throw new MissingColumnError(ctx.table, match.urlColumns?.join('/') ?? 'url');
  const url = text(need(ctx, column));
  const origin = `regexp_extract(${url}, ${sqlString(URL_ORIGIN_REGEX)}, 1)`;
  const rest = `substr(${url}, length(${origin}) + 1)`;
  return `concat(lower(${origin}), CASE WHEN ${rest} = '' THEN '/' ELSE ${rest} END)`;
}

function hashSql(match: IocMatch, ctx: HuntSqlContext, where: string[]): string {
  const tests = hashTests(match, ctx);
  const matched = `CASE ${tests.map((t) => `WHEN ${t.cond} THEN ${t.value}`).join(' ')} END`;
  return [
    `SELECT *, CASE length("MatchedIndicator") WHEN 32 THEN 'MD5' WHEN 40 THEN 'SHA1' ELSE 'SHA256' END AS "MatchedHashAlgorithm"`,
    `FROM (SELECT ${eventColumns(ctx)}, ${matched} AS "MatchedIndicator" FROM ${id(ctx.table)} AS e`,
    `WHERE ${[`(${tests.map((t) => t.cond).join(' OR ')})`, ...where].join(' AND ')})`,
  ].join(' ');
}

function hashTests(match: IocMatch, ctx: HuntSqlContext): { cond: string; value: string }[] {
  const tests: { cond: string; value: string }[] = [];
  for (const c of match.hashColumns ?? []) {
    if (!ctx.columns.has(c.column)) continue;
    const value = `lower(${text(need(ctx, c.column))})`;
    for (const t of c.types) tests.push({ cond: inList(value, ctx, HASH_LISTS[t]), value });
  }
  if (tests.length === 0)
    throw new MissingColumnError(ctx.table, match.hashColumns?.map((c) => c.column).join('/') ?? 'hash');
  return tests;
}

/**
 * A test over `e` that holds for every row of `ctx.table` the hunt can match — on its own table,
 * or as the lookups of a lookup-then-connect hunt — before time bounds and exclusions, so that
 * only those rows need loading. `hostNames` is a table (column v) of the host names matching the
 * domain list. 'false' when the hunt cannot match this table's rows at all; undefined when no
 * test narrower than "every row" is known.
 */
export function huntRowFilter(hunt: Hunt, ctx: HuntSqlContext, hostNames?: string): string | undefined {
  const c = hunt.correlation;
  const asLookups = c !== undefined && c.lookupTable === ctx.table;
  const match = asLookups ? c.lookupMatch : hunt.match;
  try {
    if (!match) return ctx.selection;
    if (match.indicatorType === 'domain') {
      return hostNames ? `${hostExpression(match, ctx)} IN (SELECT v FROM ${hostNames})` : undefined;
    }
    if (match.indicatorType === 'ip') return `(${ipCandidates(match, ctx).join(' OR ')})`;
    if (match.indicatorType === 'url') return inList(normalisedUrl(match, ctx), ctx, 'ioc_urls');
    return `(${hashTests(match, ctx)
      .map((t) => t.cond)
      .join(' OR ')})`;
  } catch (err) {
    if (err instanceof MissingColumnError) return 'false';
    throw err;
  }
}
