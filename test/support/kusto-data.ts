/**
 * Fake log data for the Kusto-speaking test servers (Log Analytics, ADX, Graph hunting). It
 * understands just enough KQL for the tests: `Table | …` returns the table's rows in the time
 * range, the table-check `union withsource=… (A | …), (B | …)` reports which tables have rows,
 * and a `MatchedIndicator = "x"` in the query is added as a column.
 */

export interface FakeTable {
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

export type FakeTables = Record<string, FakeTable>;

export interface FakeResult extends FakeTable {
  /** More rows than the server's limit: only the first `limit` were kept. */
  truncated: boolean;
}

export function runFakeKql(
  tables: FakeTables,
  kql: string,
  range: { start?: number; end?: number },
  options: { rowLimit?: number; timeColumn?: string } = {},
): FakeResult {
  const timeColumn = options.timeColumn ?? 'TimeGenerated';
  if (/^\s*union withsource=(\w+)/.test(kql)) {
    const source = /^\s*union withsource=(\w+)/.exec(kql)![1];
    const names = [...kql.matchAll(/\(\s*([A-Za-z_]\w*)\s*\|/g)].map((m) => m[1]);
    const rows = names.filter((n) => inRange(tables[n], range, timeColumn).length > 0).map((n) => [n, 1]);
    return {
      columns: [
        { name: source, type: 'string' },
        { name: 'Rows', type: 'long' },
      ],
      rows,
      truncated: false,
    };
  }
  const name = sourceTable(kql);
  const table = tables[name];
  if (!table)
    throw Object.assign(new Error(`Failed to resolve table or column expression named '${name}'`), {
      code: 'SemanticError',
    });
  const matched = /MatchedIndicator\s*=\s*"([^"]*)"/.exec(kql)?.[1];
  let rows = inRange(table, range, timeColumn);
  const columns = [...table.columns];
  // Rendered hunts list their indicators in `let ioc_… = dynamic([...])`: keep rows whose
  // (pre-computed) MatchedIndicator is one of them, as the real filter would.
  const iocLists = [...kql.matchAll(/let ioc_\w+ = dynamic\((\[[^\]]*\])\)/g)].flatMap(
    (m) => JSON.parse(m[1]) as string[],
  );
  const matchedAt = columns.findIndex((c) => c.name === 'MatchedIndicator');
  if (iocLists.length && matchedAt >= 0) rows = rows.filter((r) => iocLists.includes(String(r[matchedAt])));
  if (matched !== undefined) {
    columns.push({ name: 'MatchedIndicator', type: 'string' });
    rows = rows.map((r) => [...r, matched]);
  }
  const limit = options.rowLimit ?? Number.POSITIVE_INFINITY;
  return { columns, rows: rows.slice(0, limit), truncated: rows.length > limit };
}

/** The first statement that is not a comment or `let`: its leading identifier is the table. */
function sourceTable(kql: string): string {
  const statements = kql
    .split('\n')
    .filter((l) => !/^\s*\/\//.test(l))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s && !/^let\b/.test(s));
  return /^([A-Za-z_]\w*)/.exec(statements[0] ?? '')?.[1] ?? '';
}

function inRange(
  table: FakeTable | undefined,
  range: { start?: number; end?: number },
  timeColumn: string,
): unknown[][] {
  if (!table) return [];
  const at = table.columns.findIndex((c) => c.name === timeColumn);
  if (at < 0) return table.rows;
  return table.rows.filter((r) => {
    const t = Date.parse(String(r[at]));
    return (range.start === undefined || t >= range.start) && (range.end === undefined || t < range.end);
  });
}

/** `start/end` interval → epoch bounds; durations (`P14D`) are treated as "everything". */
export function parseTimespan(timespan: unknown): { start?: number; end?: number } {
  if (typeof timespan !== 'string' || !timespan.includes('/')) return {};
  const [a, b] = timespan.split('/');
  return { start: Date.parse(a), end: Date.parse(b) };
}

/** Rows of network events spread evenly over the last `days` days before `now`. */
export function networkEvents(count: number, now: number, days = 7): FakeTable {
  const span = days * 86_400_000;
  return {
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'DeviceName', type: 'string' },
      { name: 'InitiatingProcessAccountName', type: 'string' },
      { name: 'InitiatingProcessFileName', type: 'string' },
      { name: 'RemoteIP', type: 'string' },
      { name: 'RemotePort', type: 'int' },
      { name: 'Type', type: 'string' },
    ],
    rows: Array.from({ length: count }, (_, i) => [
      new Date(now - span + Math.floor(((i + 0.5) * span) / count)).toISOString(),
      `host-${i % 3}`,
      'alice',
      'nanocore.exe',
      '104.21.9.66',
      443,
      'DeviceNetworkEvents',
    ]),
  };
}
