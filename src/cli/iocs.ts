/** `huntforge iocs`: read feeds and reports, print canonical, flagged indicators. */
import { indicatorToJson } from '../intel/json.js';
import { indicatorsToCsv, indicatorTable, summaryLines } from '../intel/present.js';
import { INDICATOR_TYPES, type Indicator } from '../intel/types.js';
import { ChunkedWriter, writePrettyJsonWithArray } from '../io/streamed-output.js';
import { parseCommandArgs } from './args.js';
import { type Command, UsageError } from './command.js';
import { indicatorFilter, indicatorFilterOptions, readInputs, readInputsLazy } from './intel-input.js';

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
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      ...indicatorFilterOptions(true),
    });
    if (values.json && values.csv) throw new UsageError('choose one of --json and --csv');
    const filter = indicatorFilter(values, true);
    if (values.json || values.csv) {
      // machine output streams: a feed of millions of indicators is never one array or one string
      const result = await readInputsLazy('iocs', positionals, filter);
      const out = new ChunkedWriter(process.stdout);
      if (values.json)
        await writePrettyJsonWithArray(out, 'indicators', mapped(result.indicators, indicatorToJson), () => ({
          rejected: result.rejected,
        }));
      else await writeCsv(out, result.indicators);
      return 0;
    }
    const { indicators } = await readInputs('iocs', positionals, filter);
    process.stdout.write(`${[...summaryLines(indicators), '', ...indicatorTable(indicators)].join('\n')}\n`);
    return 0;
  },
};

function* mapped<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U> {
  for (const item of items) yield map(item);
}

/** indicatorsToCsv a few thousand rows at a time: the header once, then each batch's rows. */
async function writeCsv(out: ChunkedWriter, indicators: Iterable<Indicator>): Promise<void> {
  let batch: Indicator[] = [];
  let first = true;
  const flush = async () => {
    const text = indicatorsToCsv(batch);
    await out.write(first ? text : text.slice(text.indexOf('\r\n') + 2));
    first = false;
    batch = [];
  };
  for (const indicator of indicators) {
    batch.push(indicator);
    if (batch.length === 4096) await flush();
  }
  if (batch.length > 0 || first) await flush();
  await out.flush();
}
