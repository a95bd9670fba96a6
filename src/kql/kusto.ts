/**
 * Microsoft's Kusto.Language (the `@kusto/language-service-next` Bridge.NET build), loaded lazily
 * and once: it takes ~0.3–0.5 s, so commands that never touch KQL never pay for it.
 */
import { createRequire } from 'node:module';
import { type Column, tableSchemas } from '../schemas/tables.js';

// The Bridge build defines globals with no ES exports; its .d.ts is a global namespace we do not
// import, so the surface used here is typed loosely and wrapped by the functions below.
// biome-ignore lint/suspicious/noExplicitAny: Bridge.NET globals are untyped from ESM
export type KustoNamespace = any;
// biome-ignore lint/suspicious/noExplicitAny: see above
export type KustoGlobals = any;

/** Where a query runs: Sentinel (Log Analytics tables, ASIM, watchlists) or Defender XDR advanced hunting. */
export type KqlPlatform = 'sentinel' | 'defender';

let kusto: KustoNamespace | undefined;

export function loadKusto(): KustoNamespace {
  if (!kusto) {
    const require = createRequire(import.meta.url);
    require('@kusto/language-service-next/bridge.min.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
    kusto = (globalThis as unknown as { Kusto: KustoNamespace }).Kusto;
  }
  return kusto;
}

/** True once the parser has been loaded in this process (lets tests prove a command did not load it). */
export function isKustoLoaded(): boolean {
  return kusto !== undefined;
}

/** `(A:datetime, B:string)` — the schema text Kusto.Language's TableSymbol.From accepts. */
export function schemaText(columns: Column[]): string {
  return `(${columns.map((c) => `['${c.name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']:${c.type}`).join(', ')})`;
}

/**
 * ASIM unified parsers as Sentinel exposes them: functions with optional filtering parameters
 * (names, types and defaults from the Azure-Sentinel repo's imDns.yaml / imNetworkSession.yaml)
 * whose output columns are the bundled ASim*Logs schemas.
 */
const ASIM_FUNCTIONS: { name: string; table: string; parameters: string; description: string }[] = [
  {
    name: '_Im_Dns',
    table: 'ASimDnsActivityLogs',
    parameters:
      "starttime:datetime=datetime(null), endtime:datetime=datetime(null), srcipaddr:string='*', " +
      "domain_has_any:dynamic=dynamic([]), responsecodename:string='*', response_has_ipv4:string='*', " +
      "response_has_any_prefix:dynamic=dynamic([]), eventtype:string='lookup', pack:bool=false",
    description: 'ASIM DNS activity unified filtering parser',
  },
  {
    name: '_Im_NetworkSession',
    table: 'ASimNetworkSessionLogs',
    parameters:
      'starttime:datetime=datetime(null), endtime:datetime=datetime(null), ' +
      'srcipaddr_has_any_prefix:dynamic=dynamic([]), dstipaddr_has_any_prefix:dynamic=dynamic([]), ' +
      'ipaddr_has_any_prefix:dynamic=dynamic([]), dstportnumber:int=int(null), ' +
      "hostname_has_any:dynamic=dynamic([]), dvcaction:dynamic=dynamic([]), eventresult:string='*'",
    description: 'ASIM network session unified filtering parser',
  },
];

/**
 * `_GetWatchlist('alias')`: the fixed watchlist columns plus the watchlist's own CSV columns, which
 * no schema can know. The result is an *open* table, so `SearchKey` is a typed string and any other
 * column name is accepted (typed unknown) — the Azure-Sentinel CI skips these diagnostics for the
 * same reason.
 */
const WATCHLIST_COLUMNS =
  '(SearchKey:string, _DTItemId:string, LastUpdatedTimeUTC:datetime, WatchlistItem:dynamic)';

/** Log Analytics bookkeeping columns that Defender XDR advanced hunting does not have. */
const SENTINEL_ONLY_COLUMNS = new Set(['TenantId', 'SourceSystem', 'Type', 'MachineGroup', '_ResourceId']);

/** Bundled tables that exist in Defender XDR advanced hunting. */
export function isDefenderTable(name: string): boolean {
  return name.startsWith('Device') || name === 'UrlClickEvents' || name === 'EmailUrlInfo';
}

/** A Sentinel table schema as Defender XDR shows it: `Timestamp` instead of `TimeGenerated`. */
export function defenderColumns(columns: Column[]): Column[] {
  const hasTimestamp = columns.some((c) => c.name === 'Timestamp');
  const out: Column[] = [];
  for (const c of columns) {
    if (SENTINEL_ONLY_COLUMNS.has(c.name)) continue;
    if (c.name === 'TimeGenerated') {
      if (!hasTimestamp) out.push({ name: 'Timestamp', type: c.type });
      continue;
    }
    out.push(c);
  }
  return out;
}

/** The tables a platform sees: every bundled table for Sentinel, only Defender's for Defender XDR. */
export function platformTables(platform: KqlPlatform): Record<string, Column[]> {
  const all = tableSchemas();
  if (platform === 'sentinel') return all;
  const out: Record<string, Column[]> = {};
  for (const [name, columns] of Object.entries(all)) {
    if (isDefenderTable(name)) out[name] = defenderColumns(columns);
  }
  return out;
}

const globalsCache = new Map<string, KustoGlobals>();

/**
 * GlobalState for a platform, cached per platform and set of extra tables (e.g. schemas inferred from
 * local data; they are added as given, on either platform).
 * - sentinel: every bundled table, the ASIM functions `_Im_Dns` / `_Im_NetworkSession`, `_GetWatchlist`.
 * - defender: Device* tables, UrlClickEvents and EmailUrlInfo, with `Timestamp` and without
 *   Log Analytics bookkeeping columns; no ASIM, no watchlists.
 */
export function kustoGlobals(
  extraTables: Record<string, Column[]> = {},
  platform: KqlPlatform = 'sentinel',
): KustoGlobals {
  const key = `${platform}\u0000${JSON.stringify(Object.entries(extraTables).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
  const hit = globalsCache.get(key);
  if (hit) return hit;
  const K = loadKusto().Language;
  const tables = { ...platformTables(platform), ...extraTables };
  const symbols: unknown[] = Object.entries(tables).map(([name, columns]) =>
    K.Symbols.TableSymbol.From(schemaText(columns)).WithName(name),
  );
  if (platform === 'sentinel') symbols.push(...sentinelFunctions(K));
  const db = new K.Symbols.DatabaseSymbol.ctor('huntforge', symbols);
  const globals = K.GlobalState.Default.WithDatabase(db);
  globalsCache.set(key, globals);
  return globals;
}

function sentinelFunctions(K: KustoNamespace): unknown[] {
  const all = tableSchemas();
  const functions: unknown[] = ASIM_FUNCTIONS.filter((f) => all[f.table]).map(
    (f) =>
      // (name, parameterList, body, description): Kusto parses the parameter list itself, so the
      // defaults make every parameter optional exactly as in the real parser.
      new K.Symbols.FunctionSymbol.$ctor16(
        f.name,
        `(${f.parameters})`,
        `{ datatable${schemaText(all[f.table])}[] }`,
        f.description,
      ),
  );
  const watchlist = K.Symbols.TableSymbol.From(WATCHLIST_COLUMNS).WithIsOpen(true);
  functions.push(
    new K.Symbols.FunctionSymbol.$ctor5('_GetWatchlist', watchlist, [
      new K.Symbols.Parameter.$ctor2('watchlistAlias', K.Symbols.ScalarTypes.String),
    ]),
  );
  return functions;
}
