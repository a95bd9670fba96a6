/** The "## Findings" section appended to report.md after a local or remote hunt. */
import type { Finding } from '../engine/types.js';
import { flagLabels, indicatorText, indicatorTypeText, NO_HOST, shortTime } from './findings-display.js';
import type { FindingsSummary } from './findings-summary.js';
import { mdText, mdTable as table } from './markdown.js';

/** Rows per table before a "+N more" note; the full data is in findings.json and findings.csv. */
const MAX_ROWS = 100;

function listed(values: string[], shown = 5): string {
  const head = values.slice(0, shown).join(', ');
  return values.length > shown ? `${head} +${values.length - shown} more` : head || '—';
}

function capped(out: string[], total: number, shown: number, what: string): void {
  if (total > shown) out.push('', `+${total - shown} more ${what} in findings.json and findings.csv.`);
  out.push('');
}

/**
 * The section; `warnings` (what the logs could not give: malformed records, unreadable files,
 * skipped hunts) come first, so a partial hunt does not read as a whole one.
 */
export function renderFindingsMarkdown(
  summary: FindingsSummary,
  findings: Finding[],
  warnings: string[] = [],
): string {
  const t = summary.totals;
  const out: string[] = ['## Findings', ''];
  if (warnings.length > 0) {
    out.push(`**${warnings.length} warning${warnings.length === 1 ? '' : 's'}:**`, '');
    for (const w of warnings.slice(0, MAX_ROWS)) out.push(`- ${mdText(w)}`);
    capped(out, warnings.length, Math.min(warnings.length, MAX_ROWS), 'warnings');
  }
  if (t.findings === 0) {
    out.push('No findings: none of the hunts matched an event in the logs searched.', '');
    return `${out.join('\n').trimEnd()}\n`;
  }
  const span = t.firstSeen ? `, from ${shortTime(t.firstSeen)} to ${shortTime(t.lastSeen)} UTC` : '';
  out.push(
    `**${t.findings}** findings of **${t.indicators}** indicators (${t.flaggedIndicators} flagged) on **${t.hosts}** hosts by ${t.hunts} hunts${span}.`,
    '',
  );
  if (t.flaggedFindings > 0) {
    out.push(
      `> ⚑ ${t.flaggedFindings} findings hit flagged indicators (shared or special infrastructure): they need context before they are called compromise.`,
      '',
    );
  }

  out.push('### By Indicator', '');
  const indicators = summary.indicators.slice(0, MAX_ROWS);
  out.push(
    table(
      ['Indicator', 'Type', 'Flags', 'Hits', 'First Seen', 'Last Seen', 'Hosts'],
      indicators.map((i) => [
        indicatorText(i),
        indicatorTypeText(i),
        flagLabels(i.flags)
          .map((l) => `⚑ ${l}`)
          .join(', ') || '—',
        String(i.count),
        shortTime(i.firstSeen),
        shortTime(i.lastSeen),
        `${i.hosts.length}: ${listed(i.hosts)}`,
      ]),
    ),
  );
  capped(out, summary.indicators.length, indicators.length, 'indicators');

  out.push('### By Host', '');
  const hosts = summary.hosts.slice(0, MAX_ROWS);
  out.push(
    table(
      ['Host', 'Hits', 'Flagged Hits', 'First Seen', 'Last Seen', 'Indicators'],
      hosts.map((h) => [
        h.host ?? NO_HOST,
        String(h.count),
        String(h.flaggedCount),
        shortTime(h.firstSeen),
        shortTime(h.lastSeen),
        `${h.indicators.length}: ${listed(h.indicators)}`,
      ]),
    ),
  );
  capped(out, summary.hosts.length, hosts.length, 'hosts');

  out.push('### By Hunt', '');
  const perHunt = new Map<string, { table: string; count: number }>();
  for (const f of findings) {
    const entry = perHunt.get(f.huntId) ?? { table: f.table, count: 0 };
    entry.count++;
    perHunt.set(f.huntId, entry);
  }
  out.push(
    table(
      ['Hunt', 'Table', 'Hits'],
      [...perHunt.entries()]
        .sort((a, b) => b[1].count - a[1].count)
        .map(([id, h]) => [id, h.table, String(h.count)]),
    ),
    '',
  );
  return `${out.join('\n').trimEnd()}\n`;
}
