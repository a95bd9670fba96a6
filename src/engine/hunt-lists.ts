/**
 * The named value lists a hunt's SQL reads (`ioc_domains`, `ioc_endpoints`, …), once per hunt
 * and table: every test and query of a run gets the same Map and the same arrays (which
 * indicatorLists shares per indicator array), so their tables are named and hashed once.
 */
import { indicatorLists } from '../hunts/lists.js';
import type { Hunt } from '../hunts/types.js';

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
  if (c && table !== undefined && c.lookupTable === table) return indicatorLists(c.lookupMatch, c.domains);
  const lists = hunt.match ? indicatorLists(hunt.match, hunt.indicators) : new Map<string, string[]>();
  if (c && table === undefined) {
    return new Map(lists).set(
      'ioc_domains',
      indicatorLists(c.lookupMatch, c.domains).get('ioc_domains') ?? [],
    );
  }
  return lists;
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
