/**
 * Indicator lists as temporary one-column (v) tables, filled through DuckDB's appender (no SQL text
 * per value) and joined by hash. A table is named after its content, so hunts and row tests that
 * use the same list share one table.
 */
import { createHash } from 'node:crypto';
import type { HuntDatabase } from './database.js';
import { sqlIdentifier } from './sql/condition.js';

const HASH_BLOCK = 4096;

/** Temporary one-column (v) tables of values, one per distinct list, shared by every test reading it. */
export class ValueTables {
  private readonly tables = new Map<string, string>();
  /** Names by list identity, so a list is hashed once however often its table is asked for. */
  private readonly names = new WeakMap<string[], string>();

  constructor(private readonly db: HuntDatabase) {}

  /** The table holding exactly these values (made by load or tableOfValues first). */
  tableFor(values: string[]): string {
    return sqlIdentifier(this.nameOf(values));
  }

  /** Makes the tables of these lists, and the empty one that stands for a list a hunt lacks. */
  async load(lists: Map<string, string[]>): Promise<void> {
    await this.tableOfValues([]);
    for (const values of lists.values()) await this.tableOfValues(values);
  }

  async tableOfValues(values: string[]): Promise<string> {
    const name = this.nameOf(values);
    if (!this.tables.has(name)) {
      this.tables.set(name, name);
      await this.db.run(`CREATE OR REPLACE TEMP TABLE ${sqlIdentifier(name)} (v VARCHAR)`);
      const appender = await this.db.connection.createAppender(name, 'main', 'temp');
      for (const value of values) {
        appender.appendVarchar(value);
        appender.endRow();
      }
      appender.flushSync();
      appender.closeSync();
    }
    return sqlIdentifier(name);
  }

  async drop(): Promise<void> {
    for (const name of this.tables.values()) await this.db.run(`DROP TABLE IF EXISTS ${sqlIdentifier(name)}`);
    this.tables.clear();
  }

  private nameOf(values: string[]): string {
    let name = this.names.get(values);
    if (!name) {
      const hash = createHash('sha256');
      // one update per block of values: an update per value costs more than the hashing
      for (let i = 0; i < values.length; i += HASH_BLOCK)
        hash.update(`${values.slice(i, i + HASH_BLOCK).join('\0')}\0`);
      name = `hf_values_${hash.digest('hex').slice(0, 16)}`;
      this.names.set(values, name);
    }
    return name;
  }
}
