/** The terminal summary of `huntforge hunt`: totals, then a table per indicator and per host. */
import { flagLabels, indicatorText, indicatorTypeText, NO_HOST, shortTime } from './findings-display.js';
import type { FindingsSummary } from './findings-summary.js';
import { terminalSafe } from './terminal-safe.js';

export interface TerminalOptions {
  /** ANSI colours and bold; false when stdout is not a TTY. */
  color: boolean;
  /** Rows per table before a `… N more` line (default 25). */
  maxRows?: number;
}

const MAX_CELL = 48;

function clip(text: string, width = MAX_CELL): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

function width(text: string): number {
  return [...text].length;
}

interface Style {
  bold(s: string): string;
  dim(s: string): string;
  flag(s: string): string;
}

function style(color: boolean): Style {
  const wrap = (code: string) => (s: string) => (color && s ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { bold: wrap('1'), dim: wrap('2'), flag: wrap('33') };
}

/** Columns padded to their widest cell; `paint` colours a cell after padding so widths stay right. */
function table(
  header: string[],
  rows: string[][],
  st: Style,
  paint: (row: number, col: number, cell: string) => string = (_r, _c, cell) => cell,
): string[] {
  const cells = rows.map((r) => r.map((c) => clip(terminalSafe(c))));
  const widths = header.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i]))));
  // Counts right-aligned so their digits line up.
  const numeric = header.map((_h, i) => cells.length > 0 && cells.every((r) => /^\d+$/.test(r[i])));
  const pad = (c: string, i: number) => {
    const fill = ' '.repeat(widths[i] - width(c));
    return numeric[i] ? fill + c : i === header.length - 1 ? c : c + fill;
  };
  const line = (r: string[], fmt: (col: number, s: string) => string) =>
    r
      .map((c, i) => fmt(i, pad(c, i)))
      .join('  ')
      .trimEnd();
  return [
    line(header, (_i, s) => st.bold(s)),
    st.dim(widths.map((w) => '─'.repeat(w)).join('  ')),
    ...cells.map((r, ri) => line(r, (ci, s) => paint(ri, ci, s))),
  ];
}

function listed(values: string[], shown = 3): string {
  const head = values.slice(0, shown).join(', ');
  return values.length > shown ? `${head} +${values.length - shown}` : head || '—';
}

function more(count: number, shown: number, what: string, st: Style): string[] {
  return count > shown
    ? [st.dim(`… ${count - shown} more ${what} (all of them in --json / findings.json)`)]
    : [];
}

export function renderFindingsTerminal(summary: FindingsSummary, options: TerminalOptions): string {
  const st = style(options.color);
  const maxRows = options.maxRows ?? 25;
  const t = summary.totals;
  if (t.findings === 0) return `${st.bold('No findings.')} None of the hunts matched an event.\n`;

  const out: string[] = [];
  const span = t.firstSeen ? `, ${shortTime(t.firstSeen)} → ${shortTime(t.lastSeen)} UTC` : '';
  out.push(
    `${st.bold(`${t.findings} finding${t.findings === 1 ? '' : 's'}`)}: ${t.indicators} indicator${t.indicators === 1 ? '' : 's'}` +
      `${t.flaggedIndicators ? ` (${t.flaggedIndicators} flagged)` : ''}, ${t.hosts} host${t.hosts === 1 ? '' : 's'}, ` +
      `${t.hunts} hunt${t.hunts === 1 ? '' : 's'}${span}`,
  );
  if (t.flaggedFindings > 0) {
    out.push(
      st.flag(
        `⚑ ${t.flaggedFindings} of them hit flagged indicators (shared or special infrastructure): check context before calling them compromise.`,
      ),
    );
  }

  out.push('', st.bold('By indicator'));
  const indicators = summary.indicators.slice(0, maxRows);
  const flagColumn = 1;
  out.push(
    ...table(
      ['Indicator', 'Flags', 'Type', 'Hits', 'First seen', 'Last seen', 'Hosts'],
      indicators.map((i) => [
        indicatorText(i),
        flagLabels(i.flags)
          .map((l) => `⚑ ${l}`)
          .join(' ') || '',
        indicatorTypeText(i),
        String(i.count),
        shortTime(i.firstSeen),
        shortTime(i.lastSeen),
        `${i.hosts.length}: ${listed(i.hosts)}`,
      ]),
      st,
      (_r, c, cell) => (c === flagColumn ? st.flag(cell) : cell),
    ),
    ...more(summary.indicators.length, indicators.length, 'indicators', st),
  );

  out.push('', st.bold('By host'));
  const hosts = summary.hosts.slice(0, maxRows);
  out.push(
    ...table(
      ['Host', 'Hits', 'Flagged', 'First seen', 'Last seen', 'Indicators'],
      hosts.map((h) => [
        h.host ?? NO_HOST,
        String(h.count),
        String(h.flaggedCount),
        shortTime(h.firstSeen),
        shortTime(h.lastSeen),
        `${h.indicators.length}: ${listed(h.indicators)}`,
      ]),
      st,
    ),
    ...more(summary.hosts.length, hosts.length, 'hosts', st),
  );
  return `${out.join('\n')}\n`;
}
