/**
 * Findings outputs of `huntforge hunt`: the summary, the `--json` document, the CSV, and (re-exported)
 * the terminal and Markdown renderings. The HTML report is in html.ts.
 */
import type { Finding, HuntRunSummary } from '../engine/types.js';
import { csvDocument } from './csv.js';
import type { FindingsSummary } from './findings-summary.js';

export { renderFindingsMarkdown } from './findings-markdown.js';
export type { FindingsSummary, HostFindings, IndicatorFindings } from './findings-summary.js';
export { summarizeFindings } from './findings-summary.js';
export { renderFindingsTerminal, type TerminalOptions } from './findings-terminal.js';
export { terminalSafe } from './terminal-safe.js';

/** One finding of the `--json` document: the Finding itself, its keys in a fixed order. */
export type FindingRecord = Finding;

/** The `hunt --json` document (DESIGN.md): findings, summary (with each hunt's run status), warnings. */
export interface FindingsDocument {
  findings: FindingRecord[];
  summary: FindingsSummary & { hunts: HuntRunSummary['hunts'] };
  warnings: string[];
}

export function findingsJson(
  findings: Finding[],
  summary: FindingsSummary,
  runSummary: HuntRunSummary,
  warnings: string[],
): FindingsDocument {
  return {
    // A fixed key order, so the document reads the same whatever engine produced the findings.
    findings: findings.map((f) => ({
      huntId: f.huntId,
      table: f.table,
      indicator: f.indicator,
      indicatorType: f.indicatorType,
      indicatorPort: f.indicatorPort,
      flags: f.flags,
      timestamp: f.timestamp,
      host: f.host,
      user: f.user,
      process: f.process,
      row: f.row,
    })),
    summary: { ...summary, hunts: runSummary.hunts },
    warnings: [...warnings],
  };
}

export const FINDINGS_CSV_HEADER = [
  'timestamp',
  'huntId',
  'table',
  'indicator',
  'indicatorType',
  'port',
  'flags',
  'host',
  'user',
  'process',
  'row',
];

/** One row per finding; flags as `list: reason` joined by `; `, the event row as JSON. */
export function findingsCsv(findings: Finding[]): string {
  return csvDocument(
    FINDINGS_CSV_HEADER,
    findings.map((f) => [
      f.timestamp,
      f.huntId,
      f.table,
      f.indicator,
      f.indicatorType,
      f.indicatorPort,
      f.flags.map((flag) => `${flag.list}: ${flag.reason}`).join('; '),
      f.host,
      f.user,
      f.process,
      JSON.stringify(f.row),
    ]),
  );
}
