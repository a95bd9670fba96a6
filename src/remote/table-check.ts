/**
 * Which tables hold data in the lookback — one cheap query for all of them, the automated form of
 * "ensure this data connector is enabled". `union isfuzzy=true` tolerates missing tables, and
 * `take 1` per table keeps the scan minimal.
 */
import { quoteIdentifier } from './kql-text.js';
import type { RemoteTarget } from './target.js';

export interface TableStatus {
  table: string;
  /** False when the table is empty in the lookback or does not exist in the workspace. */
  hasData: boolean;
  connectors: string[];
}

export interface TableCheck {
  tables: TableStatus[];
  /** One line per table without data, naming the connectors that feed it. */
  warnings: string[];
}

const SOURCE_COLUMN = 'HuntforgeTable';

export function tableCheckQuery(tables: string[], lookbackMs: number, timeColumn: string): string {
  const seconds = Math.max(1, Math.round(lookbackMs / 1000));
  const legs = tables.map(
    (t) => `(${quoteIdentifier(t)} | where ${quoteIdentifier(timeColumn)} > ago(${seconds}s) | take 1)`,
  );
  return [
    `union withsource=${SOURCE_COLUMN} isfuzzy=true`,
    `  ${legs.join(',\n  ')}`,
    `| summarize Rows = count() by ${SOURCE_COLUMN}`,
  ].join('\n');
}

export async function checkTables(
  tables: string[],
  lookbackMs: number,
  target: RemoteTarget,
  connectors: Record<string, string[]> = {},
  now: () => number = Date.now,
): Promise<TableCheck> {
  const unique = [...new Set(tables.filter(Boolean))];
  if (unique.length === 0) return { tables: [], warnings: [] };
  const end = new Date(now());
  const start = new Date(end.getTime() - lookbackMs);
  const result = await target.run(tableCheckQuery(unique, lookbackMs, target.timeColumn), { start, end });
  const sourceAt = result.columns.findIndex((c) => c.name === SOURCE_COLUMN);
  const rowsAt = result.columns.findIndex((c) => c.name === 'Rows');
  const withData = new Set<string>();
  for (const row of result.rows) {
    if (sourceAt < 0) break;
    if (rowsAt >= 0 && Number(row[rowsAt]) === 0) continue;
    // Some services report the source as `Table` or `workspace.Table`; keep the last segment.
    withData.add(
      String(row[sourceAt])
        .split('.')
        .pop()!
        .replace(/^\['|'\]$/g, ''),
    );
  }
  const days = Math.round((lookbackMs / 86_400_000) * 10) / 10;
  const statuses = unique.map((table) => ({
    table,
    hasData: withData.has(table),
    connectors: connectors[table] ?? [],
  }));
  const warnings = statuses
    .filter((s) => !s.hasData)
    .map(
      (s) =>
        `${s.table}: no rows in the last ${days}d on ${target.label} (empty or missing) — ` +
        (s.connectors.length
          ? `ensure the data connector ${s.connectors.join(' or ')} is enabled`
          : 'ensure a data connector feeds it'),
    );
  return { tables: statuses, warnings };
}
