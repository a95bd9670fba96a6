/** DuckDB's node bindings, required (see require.ts): importing them cost 150-250 ms a start. */
import { requirePackage } from './require.js';

export const duckdb: typeof import('@duckdb/node-api') = requirePackage('@duckdb/node-api');
