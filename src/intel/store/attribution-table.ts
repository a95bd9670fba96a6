/**
 * What a feed says about an indicator besides its value and times: family (printable name, ids,
 * aliases), threat type and tags. A feed has a handful of distinct combinations however many rows
 * it has, so each row of the store keeps one number for all five.
 */

import { union } from '../merge.js';
import type { Indicator } from '../types.js';
import { ListTable, StringTable } from './columns.js';

export type Attribution = Pick<
  Indicator,
  'malware' | 'threatType' | 'malwareIds' | 'malwareAliases' | 'tags'
>;

const SMALL = 1024;

export class AttributionTable {
  private readonly names = new StringTable();
  private readonly lists = new ListTable();
  private readonly ids = new Map<number | string, number>();
  private readonly entries: Attribution[] = [];

  /** The number of this combination (the lists are kept by identity, as the store hands them out). */
  id(a: Attribution): number {
    const malware = this.names.id(a.malware);
    const threat = this.names.id(a.threatType);
    const ids = this.lists.id(a.malwareIds);
    const aliases = this.lists.id(a.malwareAliases);
    const tags = this.lists.id(a.tags);
    // Five small numbers pack exactly into one double (50 bits); larger ones use a string key.
    const key =
      malware < SMALL && threat < SMALL && ids < SMALL && aliases < SMALL && tags < SMALL
        ? (((malware * SMALL + threat) * SMALL + ids) * SMALL + aliases) * SMALL + tags
        : `${malware},${threat},${ids},${aliases},${tags}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.entries.length;
      this.entries.push({
        malware: a.malware,
        threatType: a.threatType,
        malwareIds: a.malwareIds,
        malwareAliases: a.malwareAliases,
        tags: a.tags,
      });
      this.ids.set(key, id);
    }
    return id;
  }

  /** Every combination, by number (for sending a store to another thread). */
  all(): readonly Attribution[] {
    return this.entries;
  }

  get(id: number): Attribution {
    return this.entries[id];
  }

  /**
   * Combination `id` with `next` folded in, by merge.ts's rules: the first family and threat type
   * win, ids, aliases and tags are unions.
   */
  merge(id: number, next: Attribution): number {
    const current = this.entries[id];
    const merged: Attribution = {
      malware: current.malware ?? next.malware,
      threatType: current.threatType ?? next.threatType,
      malwareIds: union(current.malwareIds, next.malwareIds),
      malwareAliases: union(current.malwareAliases, next.malwareAliases),
      tags: union(current.tags, next.tags),
    };
    return this.id(merged);
  }
}
