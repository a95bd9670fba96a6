/**
 * The DuckDB table a file's rows go into: created with every bundled column of its Sentinel table,
 * or from the file's own columns when the table has no bundled schema; extra columns added as seen.
 */
import type { HuntDatabase } from '../database.js';
import { bundledColumns, type ColumnDef, widerType } from './columns.js';
import { quoteIdent, quoteLiteral } from './sql.js';

export class TargetTable {
  private constructor(
    private readonly db: HuntDatabase,
    readonly name: string,
    /** Column by lower-cased name (DuckDB names are case-insensitive). */
    private readonly columns: Map<string, ColumnDef>,
    private readonly bundled: Set<string>,
    /** False for a table that will be a view over its files: columns are only tracked, not altered. */
    readonly materialized = true,
  ) {}

  /** A table shape without a DuckDB table behind it (yet), for views over files. */
  static virtual(db: HuntDatabase, name: string, initial: ColumnDef[] = []): TargetTable {
    const bundled = bundledColumns(name) ?? [];
    const columns = bundled.length > 0 ? bundled : dedupe(initial);
    return new TargetTable(
      db,
      name,
      new Map(columns.map((c) => [c.name.toLowerCase(), { ...c }])),
      new Set(bundled.map((c) => c.name.toLowerCase())),
      false,
    );
  }

  /** Opens the table, creating it from the bundled schema (or `initial` columns) when missing. */
  static async open(db: HuntDatabase, name: string, initial: ColumnDef[] = []): Promise<TargetTable> {
    const bundled = bundledColumns(name) ?? [];
    const existing = await db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ${quoteLiteral(name)} ORDER BY column_index`,
    );
    let columns: ColumnDef[] = existing.map((c) => ({ name: c.column_name, type: c.data_type }));
    if (columns.length === 0) {
      columns = bundled.length > 0 ? bundled : dedupe(initial);
      if (columns.length === 0) columns = [{ name: 'TimeGenerated', type: 'TIMESTAMP' }];
      await db.run(
        `CREATE TABLE IF NOT EXISTS ${quoteIdent(name)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`,
      );
    }
    return new TargetTable(
      db,
      name,
      new Map(columns.map((c) => [c.name.toLowerCase(), c])),
      new Set(bundled.map((c) => c.name.toLowerCase())),
    );
  }

  column(name: string): ColumnDef | undefined {
    return this.columns.get(name.toLowerCase());
  }

  allColumns(): ColumnDef[] {
    return [...this.columns.values()];
  }

  /**
   * Makes room for a column only the file has: adds it, or widens an earlier extra column of another
   * type. Bundled columns keep their schema type. Returns the column as it now is.
   */
  async ensureColumn(name: string, type: string): Promise<ColumnDef> {
    const existing = this.column(name);
    if (!existing) {
      if (this.materialized)
        await this.db.run(`ALTER TABLE ${quoteIdent(this.name)} ADD COLUMN ${quoteIdent(name)} ${type}`);
      const added = { name, type };
      this.columns.set(name.toLowerCase(), added);
      return added;
    }
    if (this.bundled.has(name.toLowerCase()) || existing.type === type) return existing;
    const wider = widerType(existing.type, type);
    if (wider !== existing.type) {
      if (this.materialized)
        await this.db.run(
          `ALTER TABLE ${quoteIdent(this.name)} ALTER COLUMN ${quoteIdent(existing.name)} TYPE ${wider}`,
        );
      existing.type = wider;
    }
    return existing;
  }
}

function dedupe(columns: ColumnDef[]): ColumnDef[] {
  const seen = new Set<string>();
  return columns.filter((c) => {
    const key = c.name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
