/**
 * Analytics-rule queries may hold at most 10,000 characters. Per hunt, choose how its indicators
 * reach the rule: inline `dynamic([...])`, several rules with a share each, or a watchlist.
 */

import { stableGuid } from '../../hunts/ids.js';
import { indicatorLists } from '../../hunts/lists.js';
import type { Hunt } from '../../hunts/types.js';
import { MAX_RULE_QUERY_LENGTH } from './constraints.js';

export type Delivery = 'inline' | 'split' | 'watchlist';

export interface RulePart {
  /** The hunt restricted to this part's indicators. */
  hunt: Hunt;
  query: string;
  id: string;
  name: string;
}

export interface SizedRules {
  delivery: Delivery;
  parts: RulePart[];
  /** Set when delivery is watchlist: the alias the query reads. */
  watchlistAlias?: string;
}

/** Beyond this many split rules a watchlist is easier to run and to maintain. */
export const MAX_SPLIT_RULES = 10;

/**
 * `renderInline(hunt)` renders a query with inline lists; `renderWatchlist(hunt, alias)` one that
 * reads the named watchlist.
 */
export function sizeRules(
  hunt: Hunt,
  renderInline: (hunt: Hunt) => string,
  renderWatchlist: (hunt: Hunt, alias: string) => string,
): SizedRules {
  const alias = watchlistAlias(hunt);
  const watchlist = (): SizedRules => ({
    delivery: 'watchlist',
    watchlistAlias: alias,
    parts: [{ hunt, query: renderWatchlist(hunt, alias), id: hunt.id, name: hunt.title }],
  });
  // Each value takes at least two characters (itself and a separator) in some part, so past this
  // many values no split fits: skip rendering (and splitting) a query of millions of values.
  if (distinctValues(hunt) > MAX_SPLIT_RULES * MAX_RULE_QUERY_LENGTH) return watchlist();
  const whole = renderInline(hunt);
  if (whole.length <= MAX_RULE_QUERY_LENGTH) {
    return { delivery: 'inline', parts: [{ hunt, query: whole, id: hunt.id, name: hunt.title }] };
  }
  const count = hunt.indicators.length;
  let parts = Math.ceil(whole.length / (MAX_RULE_QUERY_LENGTH * 0.9));
  while (parts <= MAX_SPLIT_RULES && parts <= count) {
    const split = trySplit(hunt, parts, renderInline);
    if (split) return { delivery: 'split', parts: split };
    parts++;
  }
  return watchlist();
}

function distinctValues(hunt: Hunt): number {
  if (!hunt.match) return 0;
  let count = 0;
  for (const values of indicatorLists(hunt.match, hunt.indicators).values()) count += values.length;
  return count;
}

function trySplit(hunt: Hunt, parts: number, renderInline: (hunt: Hunt) => string): RulePart[] | null {
  const size = Math.ceil(hunt.indicators.length / parts);
  const result: RulePart[] = [];
  for (let p = 0; p < parts; p++) {
    const indicators = hunt.indicators.slice(p * size, (p + 1) * size);
    if (indicators.length === 0) break;
    const part = { ...hunt, indicators };
    const query = renderInline(part);
    if (query.length > MAX_RULE_QUERY_LENGTH) return null;
    const label = `part ${p + 1} of ${parts}`;
    result.push({ hunt: part, query, id: stableGuid(hunt.id, label), name: `${hunt.title} (${label})` });
  }
  return result;
}

/** Watchlist aliases: 3–64 characters, letters, digits and underscores, alphanumeric at both ends. */
export function watchlistAlias(hunt: Hunt): string {
  const slug = `hf_${hunt.family ?? 'intel'}_${hunt.kind}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return slug.slice(0, 64).replace(/_+$/, '');
}
