/** Bundled Sentinel / Defender XDR table schemas (column name → KQL type), loaded once. */
import { readFileSync } from 'node:fs';
import { dataPath } from '../paths.js';

export type KqlType =
  | 'string'
  | 'int'
  | 'long'
  | 'real'
  | 'bool'
  | 'datetime'
  | 'timespan'
  | 'dynamic'
  | 'guid'
  | 'decimal';
export interface Column {
  name: string;
  type: KqlType;
}
export type TableSchemas = Record<string, Column[]>;

let cached: TableSchemas | undefined;

export function tableSchemas(): TableSchemas {
  if (!cached) {
    const raw = JSON.parse(readFileSync(dataPath('schemas', 'tables.json'), 'utf8')) as {
      tables: Record<string, [string, KqlType][]>;
    };
    cached = {};
    for (const [table, columns] of Object.entries(raw.tables)) {
      cached[table] = columns.map(([name, type]) => ({ name, type }));
    }
  }
  return cached;
}

export function tableSchema(table: string): Column[] | undefined {
  return tableSchemas()[table];
}
