/**
 * A one-shot hunt (no --db) needs only the events its hunts can match, not every event: loading
 * is most of a run's cost, and matched rows are a tiny share of the logs. planRowFilters works out,
 * per table, a test that admits every row any hunt can match (its own IOC or selection test, the
 * lookups of a lookup-then-connect hunt), so ingestion loads those rows and skips the rest. The
 * hunts then run on the smaller tables with their usual SQL and find exactly what they would
 * have found on all rows: exclusions and time bounds only ever remove matched rows.
 *
 * Domain hunts match a name or any parent of it, which no per-row hash lookup can test; their host
 * names are matched first through views over the same files (one read of the host columns only,
 * skipped when no file has them), and the rows are then loaded when their host is one of those.
 */
import { localTableFor } from '../hunts/datasources.js';
import type { Hunt, IocMatch } from '../hunts/types.js';
import { type HuntDatabase, openDatabase } from './database.js';
import { huntLists } from './hunt-lists.js';
import { classifyFile } from './ingest/classify.js';
import { discoverFiles } from './ingest/discover.js';
import { ingestLogs } from './ingest/index.js';
import type { RowFilter } from './ingest/load.js';
import type { IngestOptions, IngestReport } from './ingest/types.js';
import { compileConditionSql, sqlIdentifier } from './sql/condition.js';
import { type HuntSqlContext, hostExpression, huntRowFilter, matchedHostNamesSql } from './sql/hunt.js';
import { ValueTables } from './value-tables.js';

export interface RowFilters {
  /** The test for a table's rows; undefined loads every row. */
  filterFor(table: string): RowFilter | undefined;
  /** Drops the temporary tables the tests read (after ingestion). */
  drop(): Promise<void>;
}

/**
 * The row tests for loading `paths` into `db` for `hunts`. A table gets no test (all rows load)
 * when any hunt on it has none, or when its files include formats read outside DuckDB (CEF is
 * parsed in JS, gzip'd Parquet unpacked first), which reading twice would cost more than it saves.
 */
export async function planRowFilters(
  db: HuntDatabase,
  paths: string[],
  hunts: Hunt[],
  options: Pick<IngestOptions, 'table' | 'since' | 'until'>,
): Promise<RowFilters> {
  const lists = new ValueTables(db);
  const filters = new Map<string, RowFilter | undefined>();
  const { readTwice, native } = await splitByReader(paths, options.table);
  // The views and host tables live in the database itself while it is still empty, and are dropped
  // before ingestion: a second DuckDB instance would pay its own start-up on its first big read.
  const shared = db.path === undefined && (await db.tableNames()).length === 0;
  const scratch = shared ? db : await openDatabase();
  const scratchLists = shared ? lists : new ValueTables(scratch);
  const distinctHosts = new Map<string, string>();
  let views: IngestReport | undefined;
  try {
    // null rows of unreadable records have no host name: the views need not drop them
    views = await ingestLogs(scratch, native, { ...options, lazy: true, viewsKeepUnreadable: true });
    const filled = filledColumns(views);
    for (const table of await scratch.tableNames()) {
      if (readTwice.has(table)) continue;
      const columns = await describe(scratch, table);
      const names = new Set(columns.map((c) => c.name));
      const ctx = (hunt: Hunt, values: ValueTables): HuntSqlContext => ({
        table,
        columns: names,
        timeColumn: null,
        listTable: (name) => values.tableFor(huntLists(hunt, table).get(name) ?? []),
        exclusions: [],
      });
      const readers = hunts.filter(
        (h) => localTableFor(h.table) === table || h.correlation?.lookupTable === table,
      );
      // the host names any domain hunt matches here, one set per host expression; the files are
      // read once per expression for its distinct names, which each hunt's list is matched against
      const hostNames = new Map<string, Set<string>>();
      const asked = new Set<string>();
      for (const hunt of readers) {
        const match = matchFor(hunt, table);
        if (match?.indicatorType !== 'domain' || !hasAny(match, names)) continue;
        const key = hostExpression(match, { table, columns: names });
        // no file of the table has a host column: every host is NULL, and reading the files for that
        // would cost a full pass
        if (!hasAny(match, filled.get(table) ?? new Set())) {
          if (!hostNames.has(key)) hostNames.set(key, new Set());
          continue;
        }
        let distinct = distinctHosts.get(key);
        if (!distinct) {
          distinct = `hf_distinct_hosts_${distinctHosts.size}`;
          await scratch.run(
            `CREATE TEMP TABLE ${sqlIdentifier(distinct)} AS SELECT DISTINCT ${key} AS h FROM ${sqlIdentifier(table)} AS e`,
          );
          distinctHosts.set(key, distinct);
        }
        await scratchLists.load(huntLists(hunt, table));
        const overDistinct: HuntSqlContext = {
          ...ctx(hunt, scratchLists),
          table: distinct,
          columns: new Set(['h']),
        };
        // hunts sharing the host expression and the domain list (a domain hunt and its DNS lookups)
        // match the same names: asked once
        const sql = matchedHostNamesSql(HOST_COLUMN, overDistinct);
        if (asked.has(sql)) continue;
        asked.add(sql);
        const found = await scratch.query<{ h: string }>(sql);
        const set = hostNames.get(key) ?? new Set<string>();
        for (const { h } of found) set.add(h);
        hostNames.set(key, set);
      }
      const tests = new Set<string>();
      let complete = true;
      for (const hunt of readers) {
        const mainCtx = ctx(hunt, lists);
        if (!hunt.match && hunt.selection) {
          const compiled = compileConditionSql(hunt.selection, table, [...names]);
          mainCtx.selection = compiled.evaluable ? compiled.sql : 'false';
        }
        await lists.load(huntLists(hunt, table));
        const match = matchFor(hunt, table);
        const matchedNames =
          match?.indicatorType === 'domain' && hasAny(match, names)
            ? hostNames.get(hostExpression(match, { table, columns: names }))
            : undefined;
        // no host name matched: no row can, and the test need not compute any host
        const test =
          matchedNames?.size === 0
            ? 'false'
            : huntRowFilter(hunt, mainCtx, matchedNames && (await lists.tableOfValues([...matchedNames])));
        if (test === undefined) complete = false;
        else if (test !== 'false') tests.add(test);
      }
      filters.set(
        table,
        complete
          ? { sql: tests.size > 0 ? [...tests].map((t) => `(${t})`).join(' OR ') : 'false', columns }
          : undefined,
      );
    }
  } finally {
    if (shared) {
      for (const table of views?.tables ?? [])
        await scratch.run(`DROP VIEW IF EXISTS ${sqlIdentifier(table.name)}`);
      for (const table of distinctHosts.values())
        await scratch.run(`DROP TABLE IF EXISTS ${sqlIdentifier(table)}`);
    } else scratch.close();
  }
  return { filterFor: (table) => filters.get(table), drop: () => lists.drop() };
}

/** A domain match over the one column (h) of a table of distinct host names. */
const HOST_COLUMN: IocMatch = {
  indicatorType: 'domain',
  domainColumns: [{ column: 'h', holds: 'name' }],
  ignorePort: false,
};

/** Per table, the columns at least one of its files fills (the views' other columns are all NULL). */
function filledColumns(report: IngestReport): Map<string, Set<string>> {
  const filled = new Map<string, Set<string>>();
  for (const file of report.files) {
    const set = filled.get(file.table) ?? new Set<string>();
    for (const column of file.columns ?? []) set.add(column);
    filled.set(file.table, set);
  }
  return filled;
}

/** True when the table has one of the columns the domain match reads. */
function hasAny(match: IocMatch, columns: Set<string>): boolean {
  return (match.domainColumns ?? []).some((c) => columns.has(c.column));
}

/** The match a hunt applies to this table's rows: its own, or its lookups' when they are read here. */
function matchFor(hunt: Hunt, table: string): IocMatch | undefined {
  const c = hunt.correlation;
  return c && c.lookupTable === table ? c.lookupMatch : hunt.match;
}

async function splitByReader(
  paths: string[],
  tableOverride?: string,
): Promise<{ native: string[]; readTwice: Set<string> }> {
  const native: string[] = [];
  const readTwice = new Set<string>();
  for (const found of await discoverFiles(paths)) {
    const file = await classifyFile(found.path, found.size, tableOverride);
    if (file.format === 'cef' || (file.format === 'parquet' && file.gzip)) readTwice.add(file.table);
    else native.push(file.path);
  }
  return { native, readTwice };
}

async function describe(db: HuntDatabase, table: string): Promise<{ name: string; type: string }[]> {
  const rows = await db.query<{ column_name: string; column_type: string }>(
    `SELECT column_name, column_type FROM (DESCRIBE ${sqlIdentifier(table)})`,
  );
  return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
}
