/** `huntforge generate`: indicators → validated hunts, Sentinel packages and the report, on disk. */
import { compactIndicators } from '../generate/compact-indicators.js';
import { generateFromIndicators } from '../generate/generate.js';
import { writeGenerated } from '../generate/write.js';
import type { Platform } from '../hunts/datasources.js';
import { validateKql } from '../kql/validate.js';
import { kqlTimespan } from '../render/kql/literal.js';
import { isTargetName, TARGETS, type TargetName } from '../render/targets/index.js';
import { terminalSafe } from '../report/terminal-safe.js';
import { parseCommandArgs, parseDuration } from './args.js';
import { type Command, UsageError } from './command.js';
import {
  HUNT_CONFIG_HELP,
  HUNT_CONFIG_OPTIONS,
  huntPlanOptions,
  INDICATOR_FILTER_HELP,
  indicatorFilter,
  indicatorFilterOptions,
  readInputsLazy,
} from './intel-input.js';

const HELP = `Usage: huntforge generate <input...> -o <dir> [options]

Reads IOC feeds or reports, plans hunts for every Sentinel / Defender XDR table that can see the
indicators, validates every query with Microsoft's KQL parser and writes:
  report.md, report.json            IOC summary, queries, tables and connectors, false positives
  kql/sentinel/*.kql, kql/defender/*.kql
  sentinel/hunting/*.yaml           hunting queries (Azure-Sentinel repository format)
  sentinel/analytics/*.yaml         scheduled analytics rules
  sentinel/arm/analytics-rules.json ARM template deploying the rules
  watchlists/*.csv                  when a rule's indicators exceed the 10,000-character query limit

Options:
  -o, --out <dir>        output folder (required)
  --lookback <span>      hunt window, e.g. 14d, 7d, 12h (default 14d)
  --ignore-port          match ip:port indicators on the address alone (default: port required)
  --targets <list>       what to write: sentinel, defender, sigma, spl, esql, suricata, zeek, stix,
                         misp, watchlist, or all (default sentinel,defender)
  --source <label>       intel source label for headers (default from the input)
  --no-validate          skip the Microsoft KQL parser check of the written queries
${HUNT_CONFIG_HELP}
${INDICATOR_FILTER_HELP}

Example:
  huntforge generate ../shared/seed/nanocore-rat-sentinel-hunt.txt -o out
  huntforge generate examples/nanocore/feed.json -o out --lookback 7d --targets all
`;

export const generateCommand: Command = {
  name: 'generate',
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      out: { type: 'string', short: 'o' },
      lookback: { type: 'string', default: '14d' },
      'ignore-port': { type: 'boolean', default: false },
      targets: { type: 'string', default: 'sentinel,defender' },
      source: { type: 'string' },
      'no-validate': { type: 'boolean', default: false },
      ...indicatorFilterOptions(true),
      ...HUNT_CONFIG_OPTIONS,
    });
    const out = values.out as string | undefined;
    if (!out) throw new UsageError('-o <dir> is required');
    const lookback = kqlTimespan(parseDuration(values.lookback as string, '--lookback'));
    const { platforms, targets } = parseTargets(values.targets as string);

    // the lazy store, then one compact object per indicator: a feed of millions fits in memory
    const lazy = await readInputsLazy('generate', positionals, indicatorFilter(values, true));
    const read = {
      indicators: compactIndicators(lazy.indicators),
      rejected: lazy.rejected,
      errors: lazy.errors,
    };
    const result = generateFromIndicators(read, {
      ...(await huntPlanOptions(values)),
      lookback,
      platforms,
      targets,
      ignorePort: values['ignore-port'] as boolean,
      source: values.source as string | undefined,
    });

    let errors = 0;
    if (!values['no-validate']) {
      for (const q of result.queries) {
        for (const d of validateKql(q.kql, { platform: q.platform })) {
          errors++;
          process.stderr.write(`${q.file}:${d.line}:${d.column}: error ${d.code} ${d.message}\n`);
        }
      }
    }
    const files = await writeGenerated(out, result);
    for (const warning of result.warnings)
      process.stderr.write(`huntforge generate: warning: ${terminalSafe(warning)}\n`);
    const plan = result.plan;
    const flagged = plan.indicators.filter((i) => i.flags.length > 0).length;
    const lines = [
      `${plan.families.join(', ') || 'Unattributed'}: ${plan.indicators.length} indicators (${flagged} flagged) → ${plan.hunts.length} hunts`,
      `Wrote ${files.length} files to ${out}: ${result.queries.filter((q) => q.platform === 'sentinel').length} Sentinel and ${result.queries.filter((q) => q.platform === 'defender').length} Defender queries, ${result.huntingQueries.length} hunting queries, ${result.rules.length} analytics rules, ${result.watchlists.length} watchlists`,
      values['no-validate']
        ? 'Validation skipped (--no-validate).'
        : `Validated ${result.queries.length} queries with Microsoft's KQL parser: ${errors} errors.`,
      `Report: ${out}/report.md`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return errors > 0 ? 1 : 0;
  },
};

const PLATFORMS: Platform[] = ['sentinel', 'defender'];

function parseTargets(text: string): { platforms: Platform[]; targets: TargetName[] } {
  const names = text
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  const all = names.includes('all');
  const platforms = PLATFORMS.filter((p) => all || names.includes(p));
  const targets = TARGETS.filter((t) => all || names.includes(t));
  for (const name of names) {
    if (name !== 'all' && !(PLATFORMS as string[]).includes(name) && !isTargetName(name))
      throw new UsageError(
        `--targets: unknown target '${name}' (known: ${[...PLATFORMS, ...TARGETS].join(', ')}, all)`,
      );
  }
  return { platforms, targets };
}
