/** `huntforge generate`: indicators → validated hunts, Sentinel packages and the report, on disk. */
import { generateFromIndicators } from '../generate/generate.js';
import { writeGenerated } from '../generate/write.js';
import type { Platform } from '../hunts/datasources.js';
import { readIndicators } from '../intel/read.js';
import { validateKql } from '../kql/validate.js';
import { parseCommandArgs, parseDuration } from './args.js';
import { type Command, UsageError, UserFacingError } from './command.js';

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
  --drop-flagged         leave out indicators on warninglists (CDN, reserved, dynamic DNS, benign)
  --platform <list>      sentinel,defender (default both)
  --source <label>       intel source label for headers (default from the input)
  --no-validate          skip the Microsoft KQL parser check of the written queries

Example:
  huntforge generate ../shared/seed/nanocore-rat-sentinel-hunt.txt -o out
  huntforge generate examples/nanocore/feed.json -o out --lookback 7d
`;

export const generateCommand: Command = {
  name: 'generate',
  summary: 'write validated Sentinel/Defender hunts, rule packages and a report',
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      out: { type: 'string', short: 'o' },
      lookback: { type: 'string', default: '14d' },
      'ignore-port': { type: 'boolean', default: false },
      'drop-flagged': { type: 'boolean', default: false },
      platform: { type: 'string', default: 'sentinel,defender' },
      source: { type: 'string' },
      'no-validate': { type: 'boolean', default: false },
    });
    if (positionals.length === 0) throw new UsageError('give at least one input file (see --help)');
    const out = values.out as string | undefined;
    if (!out) throw new UsageError('-o <dir> is required');
    const lookback = kqlTimespan(values.lookback as string);
    const platforms = (values.platform as string).split(',').map((p) => p.trim()) as Platform[];
    for (const p of platforms) {
      if (p !== 'sentinel' && p !== 'defender') throw new UsageError(`--platform: unknown platform '${p}'`);
    }

    const read = await readIndicators(positionals);
    for (const error of read.errors) process.stderr.write(`huntforge generate: ${error}\n`);
    if (read.indicators.length === 0 && read.errors.length === positionals.length) {
      throw new UserFacingError('no input could be read');
    }
    if (read.rejected.length > 0) {
      const first = read.rejected[0];
      process.stderr.write(
        `${read.rejected.length} records rejected (first: ${first.location} ${first.reason})\n`,
      );
    }
    const result = generateFromIndicators(read, {
      lookback,
      platforms,
      ignorePort: values['ignore-port'] as boolean,
      dropFlagged: values['drop-flagged'] as boolean,
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

/** `14d` → `14d`; `2w` → `14d`: KQL has no week unit. */
function kqlTimespan(text: string): string {
  const ms = parseDuration(text, '--lookback');
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  throw new UsageError('--lookback: use whole minutes, hours or days');
}
