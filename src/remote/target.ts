/**
 * A remote engine to run hunts on — a Log Analytics workspace, an Azure Data Explorer database
 * or Defender XDR — behind one `run(kql, range)` so hunts, slicing and the table check do not
 * care which one it is.
 */
import { queryAdx } from './adx.js';
import { SCOPES, type TokenOptions } from './credentials.js';
import { runHuntingQuery } from './defender.js';
import type { RetryPolicy } from './http.js';
import { queryWorkspace } from './loganalytics.js';
import { isoInterval, type QueryResult, type TimeRange } from './query-result.js';
import { createTokenProvider } from './token-provider.js';

export type TargetSpec =
  | { kind: 'log-analytics'; workspaceId: string; endpoint?: string }
  | {
      kind: 'adx';
      clusterUrl: string;
      database: string;
      apiVersion?: 'v1' | 'v2';
      /** Where requests go when not the cluster URL itself (proxies, tests); the token audience stays the cluster. */
      endpoint?: string;
    }
  | { kind: 'defender'; endpoint?: string };

export interface RemoteTarget {
  kind: TargetSpec['kind'];
  /** Printable: `workspace 1234…`, `cluster https://x/db`, `Defender XDR`. */
  label: string;
  /** Rows at which a result counts as truncated by the service. */
  rowLimit: number;
  /** Queries in flight at once (Log Analytics allows 5 per user). */
  concurrency: number;
  /** The event-time column queries filter on. */
  timeColumn: 'TimeGenerated' | 'Timestamp';
  run(kql: string, range: TimeRange): Promise<QueryResult>;
}

export interface TargetOptions extends TokenOptions {
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
}

export function createTarget(spec: TargetSpec, options: TargetOptions = {}): RemoteTarget {
  const common = { retry: options.retry, timeoutMs: options.timeoutMs };
  const tokens = createTokenProvider(options);
  /** A token that expires mid-run is refreshed once and the query sent again. */
  const withToken = <T>(scope: string, call: (token: string) => Promise<T>): Promise<T> =>
    tokens.withToken(scope, 'hunt query', call);
  switch (spec.kind) {
    case 'log-analytics':
      return {
        kind: spec.kind,
        label: `Log Analytics workspace ${spec.workspaceId}`,
        rowLimit: 500_000,
        concurrency: 5,
        timeColumn: 'TimeGenerated',
        run: (kql, range) =>
          withToken(SCOPES.logAnalytics, (token) =>
            queryWorkspace(spec.workspaceId, kql, {
              ...common,
              endpoint: spec.endpoint,
              timespan: isoInterval(range),
              token,
            }),
          ),
      };
    case 'adx':
      return {
        kind: spec.kind,
        label: `Azure Data Explorer ${spec.clusterUrl} database ${spec.database}`,
        rowLimit: 500_000,
        concurrency: 5,
        timeColumn: 'TimeGenerated',
        run: (kql, range) =>
          withToken(SCOPES.adx(spec.clusterUrl), (token) =>
            queryAdx(spec.endpoint ?? spec.clusterUrl, spec.database, kql, {
              ...common,
              apiVersion: spec.apiVersion,
              range,
              token,
            }),
          ),
      };
    case 'defender':
      return {
        kind: spec.kind,
        label: 'Defender XDR advanced hunting',
        rowLimit: 100_000,
        concurrency: 3,
        timeColumn: 'Timestamp',
        run: (kql, range) =>
          withToken(SCOPES.graph, (token) =>
            runHuntingQuery(kql, {
              ...common,
              endpoint: spec.endpoint,
              timespan: isoInterval(range),
              token,
            }),
          ),
      };
  }
}
