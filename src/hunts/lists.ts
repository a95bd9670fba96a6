/** The named indicator lists a hunt matches against — shared by every renderer and engine. */
import type { Indicator } from '../intel/types.js';
import type { IocMatch } from './types.js';

// RE2 patterns both engines run, so KQL and DuckDB take the same host and origin from a URL.
/** Host part of a URL or bare host name: optional scheme, optional userinfo, then the host. */
export const URL_HOST_REGEX = '^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^@/?#]*@)?([^:/?#@]+)';
/** Scheme and authority of an absolute URL (lower-cased before comparison). */
export const URL_ORIGIN_REGEX = '^([A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)';

export const HASH_LISTS = { md5: 'ioc_md5', sha1: 'ioc_sha1', sha256: 'ioc_sha256' } as const;

/**
 * The named indicator lists a hunt's query uses (`ioc_domains`, `ioc_endpoints`, …). Inline
 * queries write them as `dynamic([...])`; watchlist queries read the same names from ListName.
 */
export function indicatorLists(match: IocMatch, indicators: Indicator[]): Map<string, string[]> {
  // Hunts of one indicator kind share one array and each render asks again: with millions of
  // indicators, building the lists once per array (and match shape) is most of generate's time.
  const key = `${match.indicatorType}:${match.ignorePort ? 1 : 0}`;
  let byShape = LISTS_CACHE.get(indicators);
  if (!byShape) {
    byShape = new Map();
    LISTS_CACHE.set(indicators, byShape);
  }
  const cached = byShape.get(key);
  if (cached) return cached;
  const built = buildIndicatorLists(match, indicators);
  byShape.set(key, built);
  return built;
}

/** Callers only read the lists, so one Map per indicator array and match shape can be shared. */
const LISTS_CACHE = new WeakMap<Indicator[], Map<string, Map<string, string[]>>>();

function buildIndicatorLists(match: IocMatch, indicators: Indicator[]): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  const put = (name: string, values: Iterable<string>) => {
    const unique = [...new Set(values)];
    if (unique.length > 0) lists.set(name, unique);
  };
  switch (match.indicatorType) {
    case 'ip':
      put(
        'ioc_ips',
        indicators.map((i) => i.value),
      );
      if (!match.ignorePort)
        put(
          'ioc_endpoints',
          indicators.filter((i) => i.port !== null).map((i) => `${i.value}:${i.port}`),
        );
      put(
        'ioc_any_port',
        indicators.filter((i) => match.ignorePort || i.port === null).map((i) => i.value),
      );
      break;
    case 'domain':
      put(
        'ioc_domains',
        indicators.map((i) => i.value),
      );
      break;
    case 'url':
      put(
        'ioc_urls',
        indicators.map((i) => i.value),
      );
      put('ioc_url_hosts', indicators.map((i) => i.host ?? '').filter(Boolean));
      break;
    case 'hash':
      for (const type of ['sha256', 'sha1', 'md5'] as const) {
        put(
          HASH_LISTS[type],
          indicators.filter((i) => i.type === type).map((i) => i.value),
        );
      }
      break;
  }
  return lists;
}
