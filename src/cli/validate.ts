/** `huntforge validate <file|dir...>`: Microsoft-parser diagnostics for KQL, Sentinel YAML and ARM files. */

import type { KqlPlatform } from '../kql/kusto.js';
import type { FileDiagnostic, ValidationReport } from '../kql/validate.js';
import { parseCommandArgs } from './args.js';
import { type Command, UsageError } from './command.js';

const HELP = `Usage: huntforge validate <file|dir...> [--warnings] [--json] [--platform sentinel|defender]

Checks KQL with Microsoft's parser and semantic analyser (Kusto.Language) against the bundled
Sentinel / Defender XDR table schemas, the ASIM parsers _Im_Dns and _Im_NetworkSession, and
_GetWatchlist.

Inputs:
  *.kql, *.csl, *.kusto   the whole file is one query (let statements, ';'-separated statements)
  *.txt                   as .kql, when named on the command line (skipped inside directories)
  *.yaml, *.yml           Sentinel hunting / analytics rule: the 'query:' field
  *.json                  ARM template: every resource's 'properties.query'
  directories             searched recursively; other files are skipped
Files under a 'defender' directory or named *.defender.kql are checked as Defender XDR advanced
hunting (Timestamp, Defender tables only); everything else as Microsoft Sentinel.

Options:
  --warnings          also print analyzer warnings and suggestions (KS5xx)
  --json              print {"files":[...],"unreadable":[...],"summary":{...}}
  --platform <name>   check every file as 'sentinel' or 'defender'

Output: one 'path:line:col: severity code message' line per diagnostic, then
'<n> files, <n> queries, <n> errors, <n> warnings'.
Exit codes: 0 no errors; 1 errors found; 2 a path could not be read or bad arguments.

Example:
  huntforge validate out/kql out/sentinel/hunting/nanocore-dns.yaml
  out/kql/sentinel/dns.kql:4:9: error KS142 The name 'Nmae' does not refer to any known column, table, variable or function.
  5 files, 5 queries, 1 error, 0 warnings
`;

export const validateCommand: Command = {
  name: 'validate',
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      warnings: { type: 'boolean' },
      json: { type: 'boolean' },
      platform: { type: 'string' },
    });
    if (positionals.length === 0) throw new UsageError('give at least one file or directory to validate');
    const platform = values.platform as string | undefined;
    if (platform !== undefined && platform !== 'sentinel' && platform !== 'defender')
      throw new UsageError(`--platform: expected sentinel or defender, got '${platform}'`);
    // Loaded here, not at the top: only this command needs the parser modules.
    const { validatePaths } = await import('../kql/validate.js');
    // Analyzer warnings are cheap (~1 ms a query), so the summary always counts them.
    const report = validatePaths(positionals, {
      warnings: true,
      platform: platform as KqlPlatform | undefined,
    });
    const showWarnings = values.warnings === true;
    if (values.json) process.stdout.write(`${JSON.stringify(jsonReport(report, showWarnings), null, 2)}\n`);
    else process.stdout.write(textReport(report, showWarnings));
    for (const u of report.unreadable)
      process.stderr.write(`huntforge validate: cannot read ${u.path}: ${u.reason}\n`);
    if (report.unreadable.length > 0) return 2;
    return report.summary.errors > 0 ? 1 : 0;
  },
};

export function formatDiagnostic(d: FileDiagnostic): string {
  return `${d.path}:${d.line}:${d.column}: ${d.severity} ${d.code} ${d.message}`;
}

function textReport(report: ValidationReport, showWarnings: boolean): string {
  const lines: string[] = [];
  for (const file of report.files)
    for (const d of file.diagnostics)
      if (showWarnings || d.severity === 'error') lines.push(formatDiagnostic(d));
  const s = report.summary;
  lines.push(
    `${plural(s.files, 'file')}, ${plural(s.queries, 'query', 'queries')}, ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}`,
  );
  return `${lines.join('\n')}\n`;
}

function jsonReport(report: ValidationReport, showWarnings: boolean): ValidationReport {
  if (showWarnings) return report;
  return {
    ...report,
    files: report.files.map((f) => ({
      ...f,
      diagnostics: f.diagnostics.filter((d) => d.severity === 'error'),
    })),
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
