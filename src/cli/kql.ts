/** `huntforge kql`: run a KQL query on local logs (embedded DuckDB) through the KQL → SQL translator. */
import { readFile } from 'node:fs/promises';
import { openDatabase } from '../engine/database.js';
import { ingestLogs } from '../engine/ingest/index.js';
import { type KqlResult, runKql } from '../kql/run.js';
import { KqlMissingTableError, KqlSemanticError, KqlUnsupportedError } from '../kql/translate/index.js';
import { csvDocument } from '../report/csv.js';
import { terminalSafe } from '../report/terminal-safe.js';
import { parseCommandArgs, parseDate } from './args.js';
import { type Command, UsageError, UserFacingError } from './command.js';
import { ingestWarnings, printWarnings } from './warnings.js';

const HELP = `Usage: huntforge kql '<query>' | @file.kql (--logs <path...> | --db FILE) [--json | --csv]

Runs a KQL query — a Sentinel hunt, a query from a threat report — on your own log files.
Microsoft's parser checks the query against the tables' schemas, then it is translated to SQL
and run by the embedded DuckDB engine, with Kusto's semantics (has/has_any match whole terms,
== and in are case-sensitive, =~ and in~ are not, sort defaults to descending, ...).
Operators and functions outside the supported subset are refused by name and position; the
answer is never approximated.

Log files are loaded into Sentinel-shaped tables named after the file (DnsEvents.jsonl,
CommonSecurityLog_2026-04.csv.gz) or --table. A table without a bundled schema gets the
columns found in its data.

Options:
  --logs <path>     log file or folder (repeatable)
  --db <file>       a DuckDB file with ingested tables (from 'huntforge hunt --db'); with --logs,
                    the logs are added to it
  --table <name>    table for every --logs file, instead of the file name
  --json            {"columns":[{"name","type"}],"rows":[{...}]} on stdout
  --csv             a header line and one line per row on stdout
  --now <time>      the instant now() and ago() refer to (2026-05-01 or ISO time), to replay
                    a hunt with a lookback on older logs; default: the current time

Supported: let, datatable, print, range, where, project, project-away/-rename/-reorder/-keep,
extend, summarize (count, countif, dcount, dcountif, sum, sumif, avg, avgif, min, max, minif,
maxif, make_set, make_list, arg_max, arg_min, take_any) by keys and bin(), order/sort by, top,
take/limit, distinct, count, union, join (innerunique, inner, leftouter, rightouter, fullouter,
leftanti, rightanti, leftsemi, rightsemi), lookup, mv-expand, parse, parse-where, search,
serialize (row_number, prev, next), toscalar, materialize, the ASIM parsers _Im_Dns and
_Im_NetworkSession (time window only); the string, term, time, dynamic, conversion, IPv4 and IPv6
functions of the Kusto documentation that hunts use. Anything else is refused by name.

Examples:
  huntforge kql 'DnsEvents | where Name has_any ("theponzu.com", "sc88884.com") | project TimeGenerated, Computer, Name' --logs examples/nanocore/logs
  huntforge kql @out/nanocore/kql/sentinel/domain-DnsEvents.kql --logs examples/nanocore/logs --now 2026-05-01 --json
  huntforge kql 'CommonSecurityLog | summarize count() by DestinationIP | top 10 by count_' --db case.duckdb --csv
`;

export const kqlCommand: Command = {
  name: 'kql',
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      logs: { type: 'string', multiple: true },
      db: { type: 'string' },
      table: { type: 'string' },
      json: { type: 'boolean', default: false },
      csv: { type: 'boolean', default: false },
      now: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError("give one query: 'DnsEvents | take 10' or @file.kql");
    const logs = (values.logs as string[] | undefined) ?? [];
    const dbPath = values.db as string | undefined;
    if (logs.length === 0 && !dbPath)
      throw new UsageError('give --logs <path> (or --db FILE with ingested tables)');
    if (values.json && values.csv) throw new UsageError('choose one of --json and --csv');
    const now = values.now ? parseDate(values.now as string, '--now') : undefined;
    const query = await readQuery(positionals[0]);

    const db = await openDatabase({ path: dbPath });
    try {
      if (logs.length > 0) {
        const ingest = await ingestLogs(db, logs, { table: values.table as string | undefined });
        printWarnings(ingestWarnings(ingest));
      }
      let result: KqlResult;
      try {
        result = await runKql(db, query, { now });
      } catch (err) {
        const queryError =
          err instanceof KqlUnsupportedError ||
          err instanceof KqlSemanticError ||
          err instanceof KqlMissingTableError;
        if (queryError) throw new UserFacingError(err.message);
        throw err;
      }
      if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else if (values.csv) process.stdout.write(resultCsv(result));
      else process.stdout.write(resultTable(result));
      return 0;
    } finally {
      db.close();
    }
  },
};

async function readQuery(arg: string): Promise<string> {
  if (!arg.startsWith('@')) return arg;
  const path = arg.slice(1);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UserFacingError(`cannot read query file ${path}: ${(err as Error).message}`);
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function resultCsv(result: KqlResult): string {
  return csvDocument(
    result.columns.map((c) => c.name),
    result.rows.map((row) => result.columns.map((c) => cellText(row[c.name]))),
  );
}

/** An aligned text table: numbers right-aligned, one line per row, the row count last. */
export function resultTable(result: KqlResult): string {
  const MAX = 60;
  // values come from logs: control characters are shown as \x.., not sent to the terminal
  const clip = (s: string) => {
    const flat = terminalSafe(s.replace(/[\r\n\t]+/g, ' '));
    return flat.length > MAX ? `${flat.slice(0, MAX - 1)}…` : flat;
  };
  const header = result.columns.map((c) => terminalSafe(c.name));
  const cells = result.rows.map((row) => result.columns.map((c) => clip(cellText(row[c.name]))));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const numeric = result.columns.map((c) => ['int', 'long', 'real', 'decimal'].includes(c.type));
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  out.push(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`);
  return `${out.join('\n')}\n`;
}
