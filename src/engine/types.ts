/** What a hunt found, the same whether the engine is local DuckDB or a remote Kusto service. */
import type { Flag, IndicatorType } from '../intel/types.js';

export interface Finding {
  huntId: string;
  table: string;
  /**
   * The indicator value that matched (canonical; an `ip:port` match gives the address here and the
   * port in indicatorPort). Behaviour hunts name the behaviour instead.
   */
  indicator: string;
  indicatorType: IndicatorType | 'behaviour';
  indicatorPort: number | null;
  flags: Flag[];
  /** Event time, ISO 8601 UTC. */
  timestamp: string | null;
  host: string | null;
  user: string | null;
  process: string | null;
  /** The full event row, column name → value (JSON-safe). */
  row: Record<string, unknown>;
}

export interface HuntRunSummary {
  findings: number;
  hunts: {
    huntId: string;
    table: string;
    status: 'ran' | 'skipped' | 'failed';
    rows: number;
    message?: string;
  }[];
}
