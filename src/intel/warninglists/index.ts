/** Warninglist lookups: which bundled lists an indicator is on, as flags. */
import type { Flag, Indicator } from '../types.js';

export function flagsFor(_indicator: Pick<Indicator, 'type' | 'value' | 'host'>): Flag[] {
  return [];
}
