/**
 * Where `huntforge run` gets its hunts. An ad-hoc `--query` is one hunt on the table it starts
 * from. Planned hunts (inputs → indicators → hunts → KQL) come from planned-hunts.ts, imported
 * only when needed; `registerRemoteHuntPlanner` replaces it (library callers, tests). The remote
 * engines depend only on this seam.
 */
import { UsageError } from '../cli/command.js';
import type { PlanOptions } from '../hunts/plan.js';
import { DEFAULT_TABLE_CONNECTORS } from './connectors.js';
import type { RemoteHunt } from './findings.js';
import { leadingTable } from './kql-text.js';

export interface HuntSourceOptions {
  /** Run this KQL instead of planning hunts from the inputs. */
  query?: string;
  /** `sentinel` (TimeGenerated) or `defender` (Timestamp) flavour of the rendered KQL. */
  dialect?: 'sentinel' | 'defender';
  lookbackMs?: number;
  /** Exclusions, lists and profile requests from huntforge.yaml and the command line. */
  plan?: PlanOptions;
}

/** Plans hunts from inputs and renders each as KQL for the given dialect. */
export type RemoteHuntPlanner = (inputs: string[], options: HuntSourceOptions) => Promise<RemoteHunt[]>;

let planner: RemoteHuntPlanner | undefined;

export function registerRemoteHuntPlanner(fn: RemoteHuntPlanner | undefined): void {
  planner = fn;
}

export async function loadHuntsForRemote(
  inputs: string[],
  options: HuntSourceOptions = {},
): Promise<RemoteHunt[]> {
  if (options.query !== undefined) {
    const kql = options.query.trim();
    if (!kql) throw new UsageError('--query: the query is empty');
    const table = leadingTable(kql);
    return [
      {
        id: 'query',
        table,
        kql,
        indicators: [],
        connectors: DEFAULT_TABLE_CONNECTORS[table] ?? [],
      },
    ];
  }
  if (inputs.length === 0) throw new UsageError('give IOC inputs to hunt for, or --query KQL');
  const plan = planner ?? (await import('./planned-hunts.js')).planRemoteHunts;
  const hunts = await plan(inputs, options);
  if (hunts.length === 0) throw new UsageError('the inputs produced no hunts (no usable indicators)');
  return hunts;
}
