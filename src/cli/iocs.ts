/** `huntforge iocs`: read feeds and reports, print canonical, flagged indicators. */
import { indicatorToJson } from '../intel/json.js';
import { indicatorsToCsv, indicatorTable, summaryLines } from '../intel/present.js';
import { type ReadOptions, readIndicators } from '../intel/read.js';
import { INDICATOR_TYPES, type IndicatorType } from '../intel/types.js';
import { parseCommandArgs, parseDate, parseDuration, parseIntOption } from './args.js';
import { type Command, UsageError, UserFacingError } from './command.js';

const HELP = `Usage: huntforge iocs <input...> [options]

Reads IOC feeds and reports — the format is recognised from the content: ThreatFox API JSON,
ThreatFox JSON/CSV exports (also gzip), STIX 2.1 bundles, MISP event JSON, plain lists, and free
text (Markdown, HTML, e-mail, PDF-extracted text; defanged values are refanged). Prints the family,
counts by type, how many indicators are on a warninglist, and a table of the indicators.
Use - to read standard input.

Options:
  --json                 {"indicators":[...],"rejected":[{location,reason,raw}]}
  --csv                  one row per indicator (cells a spreadsheet would run are neutralised)
  --min-confidence <n>   keep indicators with confidence >= n (0-100)
  --since <date>         keep indicators first seen on/after the date (2026-04-01 or ISO time)
  --until <date>         keep indicators first seen on/before the date
  --max-age <duration>   keep indicators first seen within the last 14d, 12h, ...
  --family <name>        keep one malware family (printable name, Malpedia id or alias); repeatable
  --type <type>          keep types: ${INDICATOR_TYPES.join(', ')} (repeatable or comma list)
  --drop-flagged         leave out indicators on a warninglist (CDN, resolver, reserved, ...)

Examples:
  huntforge iocs ../shared/seed/nanocore-rat-sentinel-hunt.txt
  huntforge iocs threatfox-full.csv --family "Nanocore RAT" --max-age 30d --drop-flagged --json
  huntforge iocs misp-event.json stix-bundle.json --type ipv4,domain --min-confidence 75 --csv

Exit codes: 0 done; 2 bad arguments or no input could be read.`;

export const iocsCommand: Command = {
  name: 'iocs',
  summary: 'read IOC feeds and reports into canonical, flagged indicators',
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      'min-confidence': { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      'max-age': { type: 'string' },
      family: { type: 'string', multiple: true },
      type: { type: 'string', multiple: true },
      'drop-flagged': { type: 'boolean' },
    });
    if (positionals.length === 0)
      throw new UsageError('give at least one input file (or - for stdin); see --help');
    if (values.json && values.csv) throw new UsageError('choose one of --json and --csv');
    const options = filterOptions(values);
    const result = await readIndicators(positionals, options);
    const nothingRead = result.errors.length === positionals.length;
    if (nothingRead && result.errors.length === 1) throw new UserFacingError(result.errors[0]);
    for (const error of result.errors) process.stderr.write(`huntforge iocs: ${error}\n`);
    if (nothingRead) throw new UserFacingError('no input could be read');
    if (result.rejectedTotal > 0) {
      const first = result.rejected[0];
      const noun = result.rejectedTotal === 1 ? 'record' : 'records';
      process.stderr.write(
        `${result.rejectedTotal} ${noun} rejected (first: ${first.location} ${first.reason})\n`,
      );
    }
    const { indicators } = result;
    if (values.json) {
      const doc = { indicators: indicators.map(indicatorToJson), rejected: result.rejected };
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else if (values.csv) {
      process.stdout.write(indicatorsToCsv(indicators));
    } else {
      process.stdout.write(
        `${[...summaryLines(indicators), '', ...indicatorTable(indicators)].join('\n')}\n`,
      );
    }
    return 0;
  },
};

function filterOptions(values: Record<string, unknown>): ReadOptions {
  const options: ReadOptions = {};
  const str = (name: string) => values[name] as string | undefined;
  if (str('min-confidence') !== undefined)
    options.minConfidence = parseIntOption(str('min-confidence')!, '--min-confidence', 0, 100);
  if (str('since') !== undefined) options.since = parseDate(str('since')!, '--since');
  if (str('until') !== undefined) options.until = parseDate(str('until')!, '--until');
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
