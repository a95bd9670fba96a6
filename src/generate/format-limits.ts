/** Limits of Sentinel / Defender XDR that a very large feed can exceed: said, not crashed on. */
import type { Watchlist } from './generate.js';

/** Kusto's make_set keeps at most this many values, however large its max_size. */
export const MAKE_SET_LIMIT = 1_048_576;

export function formatLimitWarnings(watchlists: Watchlist[]): string[] {
  const warnings: string[] = [];
  for (const w of watchlists) {
    if (w.largestList > MAKE_SET_LIMIT)
      warnings.push(
        `${w.file}: a list of ${w.largestList} values; the queries that read it gather it with make_set, which keeps at most ${MAKE_SET_LIMIT}, so they see only part of it: split the feed (e.g. --family or --type) to hunt on all of them.`,
      );
  }
  return warnings;
}
