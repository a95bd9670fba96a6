/**
 * Runs hunts on the local DuckDB tables and turns matched rows into findings. A hunt whose table
 * or columns are missing is skipped with a warning naming both; the others run.
 */
import { localTableFor } from '../hunts/datasources.js';
import { exclusionsFor } from '../hunts/exclusions.js';
import { indicatorLists } from '../hunts/lists.js';
import type { Hunt } from '../hunts/types.js';
import type { Indicator } from '../intel/types.js';
import { columnFor } from '../schemas/fields.js';
import type { HuntDatabase } from './database.js';
import { compileConditionSql, sqlIdentifier } from './sql/condition.js';
import { huntSql, MissingColumnError } from './sql/hunt.js';
import type { Finding, HuntRunSummary } from './types.js';

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

const ALL_LISTS = {
  ip: ['ioc_ips', 'ioc_endpoints', 'ioc_any_port'],
  domain: ['ioc_domains'],
  url: ['ioc_urls', 'ioc_url_hosts'],
  hash: ['ioc_sha256', 'ioc_sha1', 'ioc_md5'],
} as const;

export async function runLocalHunts(
  db: HuntDatabase,
  hunts: Hunt[],
  options: LocalHuntOptions = {},
): Promise<LocalHuntResult> {
  const tables = new Set(await db.tableNames());
  const findings: Finding[] = [];
  const warnings: string[] = [];
  const summary: HuntRunSummary = { findings: 0, hunts: [] };
  let listCounter = 0;

  for (const hunt of hunts) {
    const table = localTableFor(hunt.table);
    if (!tables.has(table)) {
      summary.hunts.push({ huntId: hunt.id, table, status: 'skipped', rows: 0, message: `no ${table} logs` });
      continue;
    }
    const columns = new Set(
      (
        await db.query<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${sqlIdentifier(table)})`)
      ).map((r) => r.column_name),
    );
    const prefix = `hf_list_${listCounter++}`;
    const created: string[] = [];
    try {
      if (hunt.match) await loadLists(db, hunt, prefix, created);
      let lookup: { table: string; columns: Set<string> } | undefined;
      if (hunt.correlation) {
        const c = hunt.correlation;
        if (!tables.has(c.lookupTable))
          throw new MissingColumnError(`${c.lookupTable} logs to correlate with`);
        lookup = { table: c.lookupTable, columns: await columnsOf(db, c.lookupTable) };
        await loadList(
          db,
          `${prefix}_ioc_domains`,
          indicatorLists(c.lookupMatch, c.domains).get('ioc_domains') ?? [],
          created,
        );
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
          throw new MissingColumnError(compiled.skipped.map((s) => s.field).join(', '));
        selection = compiled.sql;
      }
      const timeColumn = columns.has('TimeGenerated')
        ? 'TimeGenerated'
        : columns.has('Timestamp')
          ? 'Timestamp'
          : null;
      const sql = huntSql(hunt, {
        table,
        columns,
        timeColumn,
        since: options.since,
        until: options.until,
        listTable: (name) => sqlIdentifier(`${prefix}_${name}`),
        exclusions,
        selection,
        lookup,
      });
      const rows = await db.query(sql);
      const byKey = indicatorIndex(hunt.indicators);
      for (const row of rows) findings.push(toFinding(hunt, table, row, byKey, timeColumn));
      summary.hunts.push({ huntId: hunt.id, table, status: 'ran', rows: rows.length });
    } catch (err) {
      if (!(err instanceof MissingColumnError)) throw err;
      const message = `hunt "${hunt.title}" skipped: table ${table} has no column ${err.message}`;
      warnings.push(message);
      summary.hunts.push({ huntId: hunt.id, table, status: 'skipped', rows: 0, message });
    } finally {
      for (const t of created) await db.run(`DROP TABLE IF EXISTS ${sqlIdentifier(t)}`);
    }
  }
  summary.findings = findings.length;
  return { findings, summary, warnings };
}

async function columnsOf(db: HuntDatabase, table: string): Promise<Set<string>> {
  const rows = await db.query<{ column_name: string }>(
    `SELECT column_name FROM (DESCRIBE ${sqlIdentifier(table)})`,
  );
  return new Set(rows.map((r) => r.column_name));
}

async function loadLists(db: HuntDatabase, hunt: Hunt, prefix: string, created: string[]): Promise<void> {
  const lists = indicatorLists(hunt.match!, hunt.indicators);
  for (const name of ALL_LISTS[hunt.match!.indicatorType]) {
    await loadList(db, `${prefix}_${name}`, lists.get(name) ?? [], created);
  }
}

/** An indicator list becomes a temporary table, filled through DuckDB's appender (no SQL text per value). */
async function loadList(db: HuntDatabase, table: string, values: string[], created: string[]): Promise<void> {
  await db.run(`CREATE TEMP TABLE ${sqlIdentifier(table)} (v VARCHAR)`);
  created.push(table);
  if (values.length === 0) return;
  const appender = await db.connection.createAppender(table, 'main', 'temp');
  for (const value of values) {
    appender.appendVarchar(value);
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}

function indicatorIndex(indicators: Indicator[]): Map<string, Indicator> {
  const index = new Map<string, Indicator>();
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
