/** `huntforge hunt`: generate the hunts and run them on local log files with embedded DuckDB. */
import { join } from 'node:path';
import { DATABASE_ENVIRONMENT_HELP, openDatabase } from '../engine/database.js';
import { ingestLogs } from '../engine/ingest/index.js';
import { planRowFilters, type RowFilters } from '../engine/row-filters.js';
import { runLocalHunts } from '../engine/run-hunts.js';
import { planHunts } from '../hunts/plan.js';
import { findingsCsv, findingsJson, renderFindingsTerminal, summarizeFindings } from '../report/findings.js';
import { parseCommandArgs, parseDate, parseDuration } from './args.js';
import { type Command, UsageError } from './command.js';
import {
  HUNT_CONFIG_HELP,
  HUNT_CONFIG_OPTIONS,
  huntPlanOptions,
  INDICATOR_FILTER_HELP,
  indicatorFilter,
  indicatorFilterOptions,
  readInputs,
} from './intel-input.js';
import { createProgress } from './progress.js';
import { ingestWarnings, printWarnings } from './warnings.js';

const HELP = `Usage: huntforge hunt <input...> --logs <path...> [options]

Generates the hunts for the indicators (as 'huntforge generate' does) and runs them on your own
log files with an embedded DuckDB engine — nothing to install or start. Log files are loaded into
Sentinel-shaped tables named after the file (DnsEvents.jsonl, CommonSecurityLog_2026-04.csv.gz,
dns.log from Zeek, *.cef), or --table. Formats: JSON Lines, JSON arrays, CSV (Log Analytics and
Defender exports), Parquet, gzip of any of these, CEF syslog, Zeek dns/conn logs.

Options:
  --logs <path>          log file or folder (repeatable)
  --db <file>            keep every ingested event in this DuckDB file (reuse it without --logs);
                         without it, the run loads only the events its hunts can match
  --table <name>         table for every --logs file, instead of the file name
  --since <time>         hunt events at or after this time (2026-04-25 or ISO time)
  --until <time>         hunt events before this time
  --lookback <span>      hunt events of the last 14d, 12h, ... (instead of --since)
  --ignore-port          match ip:port indicators on the address alone
${HUNT_CONFIG_HELP}
  --json                 {"findings":[...],"summary":{...},"warnings":[...]} on stdout
  --csv                  one finding per row on stdout
  -o, --out <dir>        also write findings.json, findings.csv, report.md, report.html and the
                         generated hunts (as 'huntforge generate -o')
  --fail-on-findings     exit 1 when anything matched
${INDICATOR_FILTER_HELP}

${DATABASE_ENVIRONMENT_HELP}

Examples:
  huntforge hunt examples/nanocore/feed.json --logs examples/nanocore/logs
  huntforge hunt feed.csv --logs /exports/2026-04 --since 2026-04-01 -o hunt-report --fail-on-findings
  huntforge hunt threatfox:malware=Nanocore --db cases/acme.duckdb --json
`;

export const huntCommand: Command = {
  name: 'hunt',
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      logs: { type: 'string', multiple: true },
      db: { type: 'string' },
      table: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      lookback: { type: 'string' },
      'ignore-port': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      csv: { type: 'boolean', default: false },
      out: { type: 'string', short: 'o' },
      'fail-on-findings': { type: 'boolean', default: false },
      ...indicatorFilterOptions(false),
      ...HUNT_CONFIG_OPTIONS,
    });
    const logs = (values.logs as string[] | undefined) ?? [];
    const dbPath = values.db as string | undefined;
    if (logs.length === 0 && !dbPath)
      throw new UsageError('give --logs <path> (or --db FILE with ingested tables)');
    if (values.json && values.csv) throw new UsageError('choose one of --json and --csv');
    if (values.since && values.lookback) throw new UsageError('choose one of --since and --lookback');
    const now = new Date();
    const since = values.lookback
      ? new Date(now.getTime() - parseDuration(values.lookback as string, '--lookback'))
      : values.since
        ? parseDate(values.since as string, '--since')
        : undefined;
    const until = values.until ? parseDate(values.until as string, '--until') : undefined;

    const read = await readInputs('hunt', positionals, indicatorFilter(values, false));
    const planOptions = {
      ...(await huntPlanOptions(values)),
      ignorePort: values['ignore-port'] as boolean,
      now,
    };
    const out = values.out as string | undefined;
    // the queries, packages and report are only rendered when they are written (-o)
    const output = out ? await import('./hunt-output.js') : undefined;
    const generated = output?.generateFromIndicators(read, planOptions);
    const plan = generated?.plan ?? planHunts(read.indicators, planOptions);

    const db = await openDatabase({ path: dbPath });
    let readWarnings: string[] = [];
    try {
      if (logs.length > 0) {
        const table = values.table as string | undefined;
        // a database that ends with the run only needs the events the hunts can match
        let filters: RowFilters | undefined;
        if (!dbPath) filters = await planRowFilters(db, logs, plan.hunts, { table, since, until });
        const progress = createProgress('ingest', 0, 'bytes');
        const ingest = await ingestLogs(db, logs, {
          table,
          since,
          until,
          rowFilter: filters?.filterFor,
          onProgress: (p) => progress.update(p.bytesDone, p.bytesTotal),
        });
        progress.finish();
        await filters?.drop();
        readWarnings = ingestWarnings(ingest);
        printWarnings(readWarnings);
      }
      const hunted = await runLocalHunts(db, plan.hunts, {
        since,
        until,
      });
      printWarnings(hunted.warnings);
      // the outputs say what was not read too: a pipeline must not take a partial hunt for a whole one
      const result = { ...hunted, warnings: [...readWarnings, ...hunted.warnings] };
      const summary = summarizeFindings(result.findings);

      if (values.json) {
        const doc = findingsJson(result.findings, summary, result.summary, result.warnings);
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      } else if (values.csv) {
        process.stdout.write(findingsCsv(result.findings));
      } else {
        const ran = result.summary.hunts.filter((h) => h.status === 'ran').length;
        process.stdout.write(
          `${plan.families.join(', ') || 'Unattributed'}: ${plan.indicators.length} indicators, ${ran} of ${plan.hunts.length} hunts ran (the others have no logs here)\n\n`,
        );
        process.stdout.write(renderFindingsTerminal(summary, { color: Boolean(process.stdout.isTTY) }));
      }

      if (output && generated && out) {
        await output.writeHuntOutput(out, generated, result, summary);
        if (!values.json && !values.csv) process.stdout.write(`\nReport: ${join(out, 'report.html')}\n`);
      }
      return values['fail-on-findings'] && result.findings.length > 0 ? 1 : 0;
    } finally {
      db.close();
    }
  },
};
