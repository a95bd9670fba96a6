/**
 * Warninglist flags of the store's rows: one number per row into a table of distinct flag lists
 * (0 is no flag). Flags depend on the type, value and URL host only, which merging never changes,
 * so a row is flagged once, when it is first stored (on the thread that reads it).
 */
import type { Flag } from '../types.js';

export class FlagTable {
  private readonly sets: Flag[][] = [[]];
  private readonly ids = new Map<string, number>();
  /** One object per distinct flag, so lists that crossed threads share them again. */
  private readonly flags = new Map<string, Flag>();
  private readonly singles = new Map<Flag, number>();

  id(flags: readonly Flag[]): number {
    if (flags.length === 0) return 0;
    // Lookups return the few frozen flag objects of the warninglist index: a list of one of them
    // is found by the object, without building its key for every flagged row.
    const single = flags.length === 1 && Object.isFrozen(flags[0]) ? flags[0] : null;
    const known = single === null ? undefined : this.singles.get(single);
    if (known !== undefined) return known;
    const id = this.idByKey(flags);
    if (single !== null) this.singles.set(single, id);
    return id;
  }

  private idByKey(flags: readonly Flag[]): number {
    const own = flags.map((flag) => this.flag(flag));
    const key = own.map(flagKey).join('\u0001');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(own);
      this.ids.set(key, id);
    }
    return id;
  }

  get(id: number): Flag[] {
    return this.sets[id];
  }

  all(): readonly Flag[][] {
    return this.sets;
  }

  private flag(flag: Flag): Flag {
    const key = flagKey(flag);
    let own = this.flags.get(key);
    if (own === undefined) {
      own = Object.isFrozen(flag) ? flag : Object.freeze({ ...flag });
      this.flags.set(key, own);
    }
    return own;
  }
}

function flagKey(flag: Flag): string {
  return `${flag.list}\u0000${flag.category}\u0000${flag.reason}`;
}
