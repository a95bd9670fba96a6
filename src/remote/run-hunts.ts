/**
 * Runs hunts on a remote engine: optional table check first (hunts on tables without data are
 * skipped with the connector to enable), then each hunt over the lookback — concurrency bounded
 * to the service's per-user limit, result limits handled by time slicing — and the rows turned
 * into Findings.
 */
import type { Finding, HuntRunSummary } from '../engine/types.js';
import { DEFAULT_TABLE_CONNECTORS } from './connectors.js';
import { CredentialError } from './credentials.js';
import { type RemoteHunt, rowsToFindings } from './findings.js';
import { ServiceError } from './http.js';
import { mapWithConcurrency } from './pool.js';
import { redact } from './redact.js';
import { runSliced } from './slicing.js';
import { checkTables, type TableCheck } from './table-check.js';
import type { RemoteTarget } from './target.js';

export interface RemoteRunOptions {
  lookbackMs: number;
  /** Check the hunts' tables for data first and skip hunts on empty tables. */
  check?: boolean;
  /** Table → connector ids; merged over the built-in map and each hunt's own connectors. */
  connectors?: Record<string, string[]>;
  concurrency?: number;
  minSliceMs?: number;
  now?: () => number;
}

export interface RemoteRunResult {
  findings: Finding[];
  summary: HuntRunSummary;
  warnings: string[];
  tableCheck?: TableCheck;
  /**
   * Hunts that did not complete because of a fault — timeout, dropped connection, malformed reply,
   * server error, rejected credential — so their findings may be missing. Hunts the service
   * refused as queries (HTTP 400, e.g. a table the workspace lacks) are failed but not here.
   */
  incomplete: string[];
}

export async function runRemoteHunts(
  hunts: RemoteHunt[],
  target: RemoteTarget,
  options: RemoteRunOptions,
): Promise<RemoteRunResult> {
  const now = options.now ?? Date.now;
  const end = new Date(now());
  const start = new Date(end.getTime() - options.lookbackMs);
  const warnings: string[] = [];

  let tableCheck: TableCheck | undefined;
  const noData = new Set<string>();
  if (options.check) {
    // ASIM parsers (`_Im_Dns`) are functions over other tables, not tables to check.
    tableCheck = await checkTables(
      hunts.map((h) => h.table).filter((t) => !t.startsWith('_')),
      options.lookbackMs,
      target,
      connectorMap(hunts, options.connectors),
      now,
    );
    warnings.push(...tableCheck.warnings);
    for (const t of tableCheck.tables) if (!t.hasData) noData.add(t.table);
  }

  // Once the credential is rejected (and could not be refreshed), hunts not yet started are not
  // sent: each is listed as failed, and findings of the hunts that completed are kept.
  let credentialFailure: Error | undefined;
  const limit = Math.max(1, Math.min(options.concurrency ?? target.concurrency, target.concurrency));
  const outcomes = await mapWithConcurrency(hunts, limit, async (hunt) => {
    if (credentialFailure) {
      const message = 'not run: the credential was rejected earlier in this run';
      return {
        findings: [] as Finding[],
        status: { huntId: hunt.id, table: hunt.table, status: 'failed' as const, rows: 0, message },
        incomplete: true,
      };
    }
    if (noData.has(hunt.table))
      return {
        findings: [] as Finding[],
        status: {
          huntId: hunt.id,
          table: hunt.table,
          status: 'skipped' as const,
          rows: 0,
          message: 'no data in the lookback',
        },
      };
    try {
      const result = await runSliced((range) => target.run(hunt.kql, range), start, end, {
        rowLimit: target.rowLimit,
        minSliceMs: options.minSliceMs,
      });
      for (const w of result.warnings) warnings.push(`${hunt.id}: ${w}`);
      if (result.slices > 1)
        warnings.push(
          `${hunt.id}: the result exceeded the service limit; ran in ${result.slices} time slices`,
        );
      if (result.partialError)
        warnings.push(
          redact(`${hunt.id}: partial results — ${result.partialError.code}: ${result.partialError.message}`),
        );
      const findings = rowsToFindings(hunt, result.columns, result.rows);
      return {
        findings,
        status: {
          huntId: hunt.id,
          table: hunt.table,
          status: 'ran' as const,
          rows: result.rows.length,
          ...(result.partialError ? { message: `partial: ${result.partialError.code}` } : {}),
        },
      };
    } catch (err) {
      if (isCredentialFailure(err)) credentialFailure ??= err;
      const message = redact(err instanceof Error ? err.message : String(err));
      warnings.push(`${hunt.id}: failed — ${message}`);
      return {
        findings: [] as Finding[],
        status: { huntId: hunt.id, table: hunt.table, status: 'failed' as const, rows: 0, message },
        incomplete: !isRefusedQuery(err),
      };
    }
  });

  // Credentials and permissions fail every hunt alike: when nothing ran, stop with the one clear message.
  if (credentialFailure && !outcomes.some((o) => o.status.status === 'ran')) throw credentialFailure;
  const incomplete = outcomes.filter((o) => o.incomplete).map((o) => o.status.huntId);
  if (incomplete.length)
    warnings.push(
      `partial run: ${incomplete.length} of ${hunts.length} hunts did not complete (${incomplete.join(', ')}); findings they would have found are missing`,
    );
  const findings = outcomes.flatMap((o) => o.findings);
  return {
    findings,
    summary: { findings: findings.length, hunts: outcomes.map((o) => o.status) },
    warnings,
    ...(tableCheck ? { tableCheck } : {}),
    incomplete,
  };
}

/** The service refused the query itself (HTTP 400: syntax, a missing table): a fault-free answer. */
function isRefusedQuery(err: unknown): boolean {
  return err instanceof ServiceError && err.status === 400;
}

function isCredentialFailure(err: unknown): err is Error {
  return (
    err instanceof CredentialError ||
    (err instanceof ServiceError && (err.status === 401 || err.status === 403))
  );
}

function connectorMap(hunts: RemoteHunt[], extra: Record<string, string[]> = {}): Record<string, string[]> {
  const map: Record<string, string[]> = { ...DEFAULT_TABLE_CONNECTORS, ...extra };
  for (const h of hunts)
    if (h.connectors?.length) map[h.table] = [...new Set([...h.connectors, ...(map[h.table] ?? [])])];
  return map;
}
