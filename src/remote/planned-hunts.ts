/**
 * The hunts `huntforge run` plans from IOC inputs: the same read → plan → render pipeline as
 * `huntforge generate`, rendered for the target's dialect. Imported lazily by hunt-source.ts, so
 * `run --query` never loads the planner and renderers.
 */
import { UserFacingError } from '../cli/command.js';
import { generateFromIndicators } from '../generate/generate.js';
import { readIndicators } from '../intel/read.js';
import { kqlTimespan } from '../render/kql/literal.js';
import type { RemoteHunt } from './findings.js';
import type { HuntSourceOptions } from './hunt-source.js';
import { isThreatFoxInput, resolveThreatFoxInput } from './threatfox-input.js';

export async function planRemoteHunts(inputs: string[], options: HuntSourceOptions): Promise<RemoteHunt[]> {
  const read = await readIndicators(inputs, {
    resolveInput: async (input) => (isThreatFoxInput(input) ? resolveThreatFoxInput(input) : null),
  });
  if (read.errors.length > 0) throw new UserFacingError(read.errors.join('; '));
  const platform = options.dialect === 'defender' ? 'defender' : 'sentinel';
  const generated = generateFromIndicators(read, {
    ...options.plan,
    platforms: [platform],
    lookback: kqlTimespan(options.lookbackMs ?? 14 * 86_400_000),
  });
  return generated.queries.map((q) => ({
    id: q.hunt.id,
    table: q.hunt.table,
    kql: q.kql,
    indicators: q.hunt.indicators,
    connectors: q.hunt.connectors.map((c) => c.connectorId),
  }));
}
