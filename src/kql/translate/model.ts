/** The translator's intermediate values: SQL text with the KQL type it carries. */
import type { KqlType } from '../../schemas/tables.js';

/**
 * A translated scalar expression. `dynamic` values are DuckDB JSON unless `list` is set: then the
 * SQL is a native DuckDB LIST of that element type (split(), range(), make_set() stay lists so
 * DuckDB can work on them without JSON round trips, and become JSON only on output).
 */
export interface SqlExpr {
  sql: string;
  type: KqlType;
  list?: string;
  /** The value when known while translating (literals, constant lets): enables literal fast paths. */
  constant?: { value: unknown };
  /**
   * For a string column read from storage: the stored value, NULL where the KQL value is ''.
   * Predicates test it directly and supply their result for '' themselves (COALESCE(p(raw), p(''))),
   * which spares DuckDB rewriting every value of the column before a scan.
   */
  raw?: string;
}

export interface RelColumn {
  name: string;
  type: KqlType;
  list?: string;
}

/** A tabular value: a SQL relation (a CTE name) and its KQL columns. */
export interface Relation {
  from: string;
  columns: RelColumn[];
  /** True when rows carry the hidden `__ord` column giving the order a sort/top established. */
  ordered: boolean;
  /** The stored table the rows come from, while operators keep it row-for-row (search's $table). */
  table?: string;
  /** Column name → hidden column holding its stored (nullable) value; see SqlExpr.raw. */
  raw?: Record<string, string>;
}

export const ORDINAL = '__ord';
