/**
 * Runs hunts on the local DuckDB tables and turns matched rows into findings. A hunt whose table
 * or columns are missing is skipped with a warning naming both; the others run.
 */
import { localTableFor } from '../hunts/datasources.js';
import { exclusionsFor } from '../hunts/exclusions.js';
import type { Hunt, IocMatch } from '../hunts/types.js';
import type { Indicator } from '../intel/types.js';
import { columnFor } from '../schemas/fields.js';
import type { HuntDatabase } from './database.js';
import { huntLists } from './hunt-lists.js';
import { compileConditionSql, sqlIdentifier, sqlString } from './sql/condition.js';
import {
  domainMatchSql,
  HuntSkipped,
  type HuntSqlContext,
  hostExpression,
  huntSql,
  ipMatchSql,
  MissingColumnError,
} from './sql/hunt.js';
import type { Finding, HuntRunSummary } from './types.js';
import { ValueTables } from './value-tables.js';

export interface LocalHuntOptions {
  since?: Date;
  until?: Date;
  /** Apply each hunt's exclusions (default true; `--no-exclusions` turns them off). */
  applyExclusions?: boolean;
}

export interface LocalHuntResult {
  findings: Finding[];
  summary: HuntRunSummary;
  warnings: string[];
}

export async function runLocalHunts(
  db: HuntDatabase,
  hunts: Hunt[],
  options: LocalHuntOptions = {},
): Promise<LocalHuntResult> {
  const tables = new Set(await db.tableNames());
  const findings: Finding[] = [];
  const warnings: string[] = [];
  const summary: HuntRunSummary = { findings: 0, hunts: [] };
  const shared = new SharedWork(db);
  const values = new ValueTables(db);

  try {
    for (const hunt of hunts) {
      const table = localTableFor(hunt.table);
      if (!tables.has(table)) {
        summary.hunts.push({
          huntId: hunt.id,
          table,
          status: 'skipped',
          rows: 0,
          message: `no ${table} logs`,
        });
        continue;
      }
      const columns = await shared.columnsOf(table);
      try {
        const lists = huntLists(hunt);
        await values.load(lists);
        const listTable = (name: string) => values.tableFor(lists.get(name) ?? []);
        const timeColumn = columns.has('TimeGenerated')
          ? 'TimeGenerated'
          : columns.has('Timestamp')
            ? 'Timestamp'
            : null;
        let lookup: HuntSqlContext['lookup'];
        if (hunt.correlation) {
          const c = hunt.correlation;
          if (!tables.has(c.lookupTable)) throw new HuntSkipped(`no ${c.lookupTable} logs to correlate with`);
          const lookupColumns = await shared.columnsOf(c.lookupTable);
          lookup = {
            table: c.lookupTable,
            columns: lookupColumns,
            matchedRows: await shared.domainMatches(c.lookupMatch, {
              table: c.lookupTable,
              columns: lookupColumns,
              timeColumn,
              since: options.since,
              until: options.until,
              listTable,
              exclusions: [],
            }),
          };
        }
        const exclusions: string[] = [];
        if (options.applyExclusions !== false) {
          for (const exclusion of exclusionsFor(hunt.exclusions, hunt.kind, table)) {
            const compiled = compileConditionSql(exclusion.condition, table, [...columns]);
            if (compiled.evaluable) exclusions.push(compiled.sql);
          }
        }
        let selection: string | undefined;
        if (hunt.selection) {
          const compiled = compileConditionSql(hunt.selection, table, [...columns]);
          if (!compiled.evaluable)
            throw new MissingColumnError(table, compiled.skipped.map((s) => s.field).join(', '));
          selection = compiled.sql;
        }
        const context: HuntSqlContext = {
          table,
          columns,
          timeColumn,
          since: options.since,
          until: options.until,
          listTable,
          exclusions,
          selection,
          lookup,
          emptyColumns: await shared.emptyColumns(table),
        };
        if (hunt.match?.indicatorType === 'domain' && !hunt.correlation)
          context.matchedRows = await shared.domainMatches(hunt.match, context);
        if (hunt.match?.indicatorType === 'ip')
          context.ipMatchedRows = await shared.ipMatches(hunt.match, context);
        const sql = huntSql(hunt, context);
        const rows = await db.queryRows(sql);
        if (rows.length > 0) {
          const byKey = indicatorIndex(hunt.indicators);
          for (const row of rows) findings.push(toFinding(hunt, table, row, byKey, timeColumn));
        }
        summary.hunts.push({ huntId: hunt.id, table, status: 'ran', rows: rows.length });
      } catch (err) {
        if (!(err instanceof HuntSkipped)) throw err;
        const message = `hunt "${hunt.title}" skipped: ${err.message}`;
        warnings.push(message);
        summary.hunts.push({ huntId: hunt.id, table, status: 'skipped', rows: 0, message });
      }
    }
  } finally {
    await shared.drop();
    await values.drop();
  }
  summary.findings = findings.length;
  return { findings, summary, warnings };
}

/**
 * What several hunts of one run would otherwise compute again: a table's columns, which of them
 * are empty, and the rows matching a domain or IP list (the IOC hunts and the lookup-then-connect
 * hunt of the same indicators all need them).
 */
class SharedWork {
  private readonly columns = new Map<string, Set<string>>();
  private readonly empty = new Map<string, Map<string, string>>();
  private readonly matches = new Map<string, string>();

  constructor(private readonly db: HuntDatabase) {}

  async columnsOf(table: string): Promise<Set<string>> {
    let columns = this.columns.get(table);
    if (!columns) {
      const rows = await this.db.query<{ column_name: string }>(
        `SELECT column_name FROM (DESCRIBE ${sqlIdentifier(table)})`,
      );
      columns = new Set(rows.map((r) => r.column_name));
      this.columns.set(table, columns);
    }
    return columns;
  }

  /**
   * Columns of a stored table that hold no value in any row (type by name), read from DuckDB's
   * column statistics: "Has No Null: false" is a guarantee, so a column is only left out when
   * it is certainly empty. Views over files (lazy ingestion) are not asked.
   */
  async emptyColumns(table: string): Promise<Map<string, string>> {
    let empty = this.empty.get(table);
    if (empty) return empty;
    empty = new Map();
    this.empty.set(table, empty);
    const stored = await this.db.query(
      `SELECT 1 FROM duckdb_tables() WHERE table_name = ${sqlString(table)} AND schema_name = 'main'`,
    );
    if (stored.length === 0) return empty;
    const described = await this.db.query<{ column_name: string; column_type: string }>(
      `SELECT column_name, column_type FROM (DESCRIBE ${sqlIdentifier(table)})`,
    );
    const [stats] = await this.db.query<Record<string, string>>(
      `SELECT ${described.map((c, i) => `stats(${sqlIdentifier(c.column_name)}) AS c${i}`).join(', ')} FROM ${sqlIdentifier(table)} LIMIT 1`,
    );
    described.forEach((c, i) => {
      if (stats && /\[Has Null: true, Has No Null: false\]/.test(String(stats[`c${i}`])))
        empty.set(c.column_name, c.column_type);
    });
    return empty;
  }

  /** A temporary table of the rows matching a domain list, made once per distinct question. */
  async domainMatches(match: IocMatch, ctx: HuntSqlContext): Promise<string> {
    // the list table is named after its content, so it stands for the domains
    const key = JSON.stringify([
      ctx.table,
      hostExpression(match, ctx),
      ctx.since?.toISOString(),
      ctx.until?.toISOString(),
      ctx.timeColumn,
      ctx.listTable('ioc_domains'),
    ]);
    return this.kept(key, 'hf_domain_matches', () => domainMatchSql(match, ctx));
  }

  /** A temporary table of the rows an IP match hits, made once per distinct query. */
  async ipMatches(match: IocMatch, ctx: HuntSqlContext): Promise<string> {
    // the query names its list tables, columns and time bounds: the same text, the same rows
    const sql = ipMatchSql(match, ctx);
    return this.kept(sql, 'hf_ip_matches', () => sql);
  }

  /** The temporary table kept for `key`, made from `sql()` the first time it is asked for. */
  private async kept(key: string, prefix: string, sql: () => string): Promise<string> {
    let table = this.matches.get(key);
    if (!table) {
      table = sqlIdentifier(`${prefix}_${this.matches.size}`);
      await this.db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${sql()}`);
      this.matches.set(key, table);
    }
    return table;
  }

  async drop(): Promise<void> {
    for (const table of this.matches.values()) await this.db.run(`DROP TABLE IF EXISTS ${table}`);
    this.matches.clear();
  }
}

const indexes = new WeakMap<Indicator[], Map<string, Indicator>>();

/** The hunt's indicators by the value (and value:port) a matched row names; once per list. */
function indicatorIndex(indicators: Indicator[]): Map<string, Indicator> {
  const known = indexes.get(indicators);
  if (known) return known;
  const index = new Map<string, Indicator>();
  indexes.set(indicators, index);
  for (const i of indicators) {
    index.set(i.port !== null ? `${i.value}:${i.port}` : i.value, i);
    if (!index.has(i.value)) index.set(i.value, i);
  }
  return index;
}

function toFinding(
  hunt: Hunt,
  table: string,
  row: Record<string, unknown>,
  byKey: Map<string, Indicator>,
  timeColumn: string | null,
): Finding {
  const matched = String(row.MatchedIndicator ?? '');
  const indicator = byKey.get(matched);
  const field = (f: 'host' | 'user' | 'process') => {
    const column = columnFor(table, f);
    const value = column ? row[column] : undefined;
    return value === undefined || value === null || value === '' ? null : String(value);
  };
  return {
    huntId: hunt.id,
    table: hunt.table,
    indicator: indicator?.value ?? matched,
    indicatorType: indicator?.type ?? 'behaviour',
    indicatorPort: indicator?.port ?? null,
    flags: indicator?.flags ?? [],
    timestamp: timeColumn ? ((row[timeColumn] as string | null) ?? null) : null,
    host: field('host'),
    user: field('user'),
    process: field('process'),
    row,
  };
}
