/**
 * What every command that reads intel shares: the indicator filter options, live `threatfox:`
 * inputs, and how unreadable inputs and rejected records are reported.
 */
import { ConfigError, type HuntforgeConfig, loadConfig } from '../config/index.js';
import type { PlanOptions } from '../hunts/plan.js';
import {
  type LazyReadSummary,
  type ReadOptions,
  type ReadSummary,
  readIndicators,
  readIndicatorsLazy,
} from '../intel/read.js';
import { INDICATOR_TYPES, type IndicatorType } from '../intel/types.js';
import { isThreatFoxInput, resolveThreatFoxInput } from '../remote/threatfox-input.js';
import { parseDate, parseDuration, parseIntOption } from './args.js';
import { UsageError, UserFacingError } from './command.js';

/** parseArgs options for filtering indicators; `--since/--until` only where they mean first-seen. */
export function indicatorFilterOptions(withFirstSeenWindow: boolean) {
  return {
    'min-confidence': { type: 'string' },
    'max-age': { type: 'string' },
    family: { type: 'string', multiple: true },
    type: { type: 'string', multiple: true },
    'drop-flagged': { type: 'boolean' },
    ...(withFirstSeenWindow
      ? { since: { type: 'string' as const }, until: { type: 'string' as const } }
      : {}),
  } as const;
}

export const INDICATOR_FILTER_HELP = `  --min-confidence <n>   keep indicators with confidence >= n (0-100)
  --max-age <span>       keep indicators first seen within this span (e.g. 30d)
  --family <name>        keep indicators of this family (name, Malpedia id or alias; repeatable)
  --type <list>          keep these types: ${INDICATOR_TYPES.join(', ')}
  --drop-flagged         leave out indicators on warninglists (CDN, reserved, dynamic DNS, benign)
  Inputs may be files, - for stdin, or live ThreatFox queries such as threatfox:malware=Nanocore
  (needs THREATFOX_AUTH_KEY).`;

export function indicatorFilter(values: Record<string, unknown>, withFirstSeenWindow: boolean): ReadOptions {
  const options: ReadOptions = {};
  const str = (name: string) => values[name] as string | undefined;
  if (str('min-confidence') !== undefined)
    options.minConfidence = parseIntOption(str('min-confidence')!, '--min-confidence', 0, 100);
  if (withFirstSeenWindow) {
    if (str('since') !== undefined) options.since = parseDate(str('since')!, '--since');
    if (str('until') !== undefined) options.until = parseDate(str('until')!, '--until', { wholeDay: true });
  }
  if (str('max-age') !== undefined) options.maxAgeMs = parseDuration(str('max-age')!, '--max-age');
  const families = values.family as string[] | undefined;
  if (families) options.families = families;
  const types = (values.type as string[] | undefined)
    ?.flatMap((t) => t.split(','))
    .map((t) => t.trim().toLowerCase());
  if (types) {
    for (const t of types)
      if (!(INDICATOR_TYPES as readonly string[]).includes(t))
        throw new UsageError(`--type: unknown type '${t}' (types: ${INDICATOR_TYPES.join(', ')})`);
    options.types = types as IndicatorType[];
  }
  if (values['drop-flagged']) options.dropFlagged = true;
  return options;
}

/**
 * Reads the inputs; unreadable inputs and rejected records are reported on stderr. Throws when no
 * input could be read at all (exit 2).
 */
export async function readInputs(
  command: string,
  inputs: string[],
  options: ReadOptions,
): Promise<ReadSummary> {
  if (inputs.length === 0) throw new UsageError('give at least one input file (or - for stdin); see --help');
  return reportRead(command, inputs, await readIndicators(inputs, withThreatFox(options)));
}

/** readInputs, with the indicators built one at a time as they are iterated (see readIndicatorsLazy). */
export async function readInputsLazy(
  command: string,
  inputs: string[],
  options: ReadOptions,
): Promise<LazyReadSummary> {
  if (inputs.length === 0) throw new UsageError('give at least one input file (or - for stdin); see --help');
  return reportRead(command, inputs, await readIndicatorsLazy(inputs, withThreatFox(options)));
}

function withThreatFox(options: ReadOptions): ReadOptions {
  return {
    ...options,
    resolveInput: async (input) => (isThreatFoxInput(input) ? resolveThreatFoxInput(input) : null),
  };
}

function reportRead<T extends LazyReadSummary | ReadSummary>(
  command: string,
  inputs: string[],
  result: T,
): T {
  const nothingRead = result.errors.length === inputs.length;
  if (nothingRead && result.errors.length === 1) throw new UserFacingError(result.errors[0]);
  for (const error of result.errors) process.stderr.write(`huntforge ${command}: ${error}\n`);
  if (nothingRead) throw new UserFacingError('no input could be read');
  if (result.rejectedTotal > 0) {
    const first = result.rejected[0];
    const noun = result.rejectedTotal === 1 ? 'record' : 'records';
    process.stderr.write(
      `${result.rejectedTotal} ${noun} rejected (first: ${first.location} ${first.reason})\n`,
    );
  }
  return result;
}

/** `--config FILE` and `--no-exclusions`, shared by the commands that render or run hunts. */
export const HUNT_CONFIG_OPTIONS = {
  config: { type: 'string' },
  'no-exclusions': { type: 'boolean', default: false },
} as const;

export const HUNT_CONFIG_HELP = `  --config <file>        exclusions and lists (default: ./huntforge.yaml when present)
  --no-exclusions        apply no exclusions (false-positive scenarios, profiles, huntforge.yaml)`;

/** Planner options from the config file and the shared flags (`--family` also asks for profiles). */
export async function huntPlanOptions(values: Record<string, unknown>): Promise<PlanOptions> {
  let config: HuntforgeConfig | null;
  try {
    config = await loadConfig(values.config as string | undefined);
  } catch (err) {
    if (err instanceof ConfigError) throw new UserFacingError(err.message);
    throw new UserFacingError((err as Error).message);
  }
  return {
    exclusions: !values['no-exclusions'],
    userExclusions: config?.exclusions ?? [],
    lists: config?.lists,
    families: (values.family as string[] | undefined) ?? [],
  };
}
