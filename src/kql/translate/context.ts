/** State shared while translating one query: the CTEs built so far, let bindings, the fixed now. */
import type { Column } from '../../schemas/tables.js';
import type { Relation, RelColumn, SqlExpr } from './model.js';
import type { Node, SourceText } from './syntax.js';

export type LetBinding = { kind: 'scalar'; expr: SqlExpr } | { kind: 'tabular'; relation: Relation };

/** Columns visible to a scalar expression; `qualifier` prefixes them (join conditions). */
export interface Scope {
  columns: RelColumn[];
  qualifier?: string;
  /** Column name → hidden raw twin (see Relation.raw). */
  raw?: Record<string, string>;
  /** Rows carry the ordinal of a sort/serialize: row_number(), prev() and next() may be used. */
  ordered?: boolean;
}

export interface Context {
  source: SourceText;
  /** The one instant every now()/ago() of this query refers to. */
  now: Date;
  tables: Record<string, Column[]>;
  /** DuckDB types of stored columns when they differ from the KQL type's usual storage. */
  storedTypes: Record<string, Record<string, string>>;
  lets: Map<string, LetBinding>;
  /** Adds a CTE and returns its name. */
  addCte(sql: string): string;
  /** Translates a tabular expression (table reference, pipe, datatable, …). */
  tabular(node: Node): Relation;
}
