/**
 * The named value lists a hunt's SQL reads (`ioc_domains`, `ioc_endpoints`, …), built once per
 * hunt: with 100,000 indicators, building and hashing them again for every test and query
 * would cost more than the queries themselves.
 */
import { indicatorLists } from '../hunts/lists.js';
import type { Hunt, IocMatch } from '../hunts/types.js';
import type { Indicator } from '../intel/types.js';

const byHunt = new WeakMap<Hunt, Map<string, Map<string, string[]>>>();

/**
 * The lists a hunt reads on `table`: its own match's, and for a lookup-then-connect hunt the
 * looked-up domains as `ioc_domains` (on the lookup table, those alone).
 */
export function huntLists(hunt: Hunt, table?: string): Map<string, string[]> {
  const perTable = cached(byHunt, hunt, () => new Map<string, Map<string, string[]>>());
  return cached(perTable, table ?? '', () => build(hunt, table));
}

function build(hunt: Hunt, table: string | undefined): Map<string, string[]> {
  const c = hunt.correlation;
  if (c && table !== undefined && c.lookupTable === table) return listsOf(c.lookupMatch, c.domains);
  const lists = hunt.match ? listsOf(hunt.match, hunt.indicators) : new Map<string, string[]>();
  if (c && table === undefined) {
    return new Map(lists).set('ioc_domains', listsOf(c.lookupMatch, c.domains).get('ioc_domains') ?? []);
  }
  return lists;
}

const byIndicators = new WeakMap<Indicator[], Map<string, Map<string, string[]>>>();

/** indicatorLists, once per indicator array and match shape. */
function listsOf(match: IocMatch, indicators: Indicator[]): Map<string, string[]> {
  const shapes = cached(byIndicators, indicators, () => new Map<string, Map<string, string[]>>());
  const shape = `${match.indicatorType}:${match.ignorePort ? 1 : 0}`;
  return cached(shapes, shape, () => indicatorLists(match, indicators));
}

/** The value stored under `key`, made and stored first when there is none. */
function cached<K, V>(
  store: { get(key: K): V | undefined; set(key: K, value: V): unknown },
  key: K,
  make: () => V,
): V {
  let value = store.get(key);
  if (value === undefined) {
    value = make();
    store.set(key, value);
  }
  return value;
}
