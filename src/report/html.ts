/**
 * report.html: one self-contained page (inline CSS, script and SVG; a CSP that forbids loading
 * anything) with the IOC table, findings by indicator and by host, a timeline of hits and the hunts
 * with their queries. Every value reaches the markup through escapeHtml (via `html` templates).
 */
import type { Finding, HuntRunSummary } from '../engine/types.js';
import { defang } from '../intel/refang.js';
import type { Flag, FlagCategory } from '../intel/types.js';
import { bucketLabel, renderTimelineSvg, seriesColor } from './findings-chart.js';
import {
  categoryOfReason,
  flagLabel,
  indicatorText,
  indicatorTypeText,
  NO_HOST,
  shortTime,
  timeValue,
} from './findings-display.js';
import { REPORT_CSS, REPORT_SCRIPT } from './findings-html-assets.js';
import { html, jsonForScript, type SafeHtml, trusted } from './findings-html-escape.js';
import { type FindingsSummary, indicatorKey } from './findings-summary.js';
import { buildTimeline, type Timeline } from './findings-timeline.js';
import type { HuntReport, ReportHunt } from './model.js';
import { showBidiControls } from './terminal-safe.js';

export { escapeHtml } from './findings-html-escape.js';

export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

export interface HtmlReportOptions {
  /** Each hunt's run status (ran / skipped / failed), shown with the hunt. */
  run?: HuntRunSummary;
  warnings?: string[];
  /** Groups shown per section and hits shown per group; the rest is counted in a "+N more" note. */
  maxGroups?: number;
  maxRowsPerGroup?: number;
}

const CATEGORY_NAMES: Record<FlagCategory, string> = {
  'shared-infrastructure': 'Shared infrastructure',
  reserved: 'Reserved range',
  'dynamic-dns': 'Dynamic DNS',
  benign: 'Benign / well-known',
};

/** What the findings sections need besides the findings: size limits and the hunts' titles. */
interface SectionContext {
  maxGroups: number;
  maxRowsPerGroup: number;
  huntTitles: Map<string, string>;
}

/** Fragment id of a hunt's block; hunt ids are generated, but only [A-Za-z0-9_-] reach the id. */
function huntAnchor(id: string): string {
  return `hunt-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function flagBadge(flag: Flag): SafeHtml {
  return html`<span class="badge ${flag.category}" title="${flag.reason}">⚑ ${flagLabel(flag)}</span>`;
}

function flagBadges(flags: Flag[]): SafeHtml {
  const seen = new Set<string>();
  return html`${flags.filter((f) => !seen.has(f.list) && seen.add(f.list)).map(flagBadge)}`;
}

/** Badge for an IOC-table flag, which the report keeps as reason text only. */
function reasonBadge(reason: string, known: Map<string, Flag>): SafeHtml {
  const flag = known.get(reason);
  if (flag) return flagBadge(flag);
  const category = categoryOfReason(reason);
  return html`<span class="badge ${category}" title="${reason}">⚑ ${reason.split(' — ')[0]}</span>`;
}

function header(report: HuntReport, summary: FindingsSummary, options: HtmlReportOptions): SafeHtml {
  const s = report.iocSummary;
  const t = summary.totals;
  const ran = options.run?.hunts.filter((h) => h.status === 'ran').length;
  const family = s.families.length ? s.families.join(', ') : 'Unattributed';
  return html`<header class="top"><div class="wrap">
<div class="brand">huntforge · threat hunt report</div>
<h1>${report.title}</h1>
<p class="meta">Malware family: <b>${family}</b> · Generated ${report.generated} · Sources: ${report.sources.join(', ')}</p>
<div class="cards">
<div class="card"><div class="l">Indicators</div><div class="n">${s.total}</div><div class="s">${s.types.join(', ') || 'none'}</div></div>
<div class="card${s.flagged ? ' alert' : ''}"><div class="l">Flagged IOCs</div><div class="n">${s.flagged}</div><div class="s">shared or special infrastructure</div></div>
<div class="card"><div class="l">Hunts</div><div class="n">${ran ?? report.hunts.length}</div><div class="s">${ran === undefined ? 'generated' : `ran of ${report.hunts.length}`}</div></div>
<div class="card${t.findings ? ' hit' : ''}"><div class="l">Findings</div><div class="n">${t.findings}</div><div class="s">${t.flaggedFindings} on flagged IOCs</div></div>
<div class="card"><div class="l">Indicators hit</div><div class="n">${t.indicators}</div><div class="s">${t.flaggedIndicators} flagged</div></div>
<div class="card"><div class="l">Hosts</div><div class="n">${t.hosts}</div><div class="s">${t.firstSeen ? `${shortTime(t.firstSeen).slice(0, 16)} → ${shortTime(t.lastSeen).slice(0, 16)}` : 'no hits'}</div></div>
</div></div></header>`;
}

function overview(report: HuntReport, summary: FindingsSummary, options: HtmlReportOptions): SafeHtml {
  const t = summary.totals;
  const warnings = options.warnings ?? [];
  return html`<section id="overview"><h2>Overview</h2>
<p class="lead">${report.description}</p>
${
  t.flaggedFindings
    ? html`<div class="callout">⚑ ${plural(t.flaggedFindings, 'finding')} hit flagged indicators (shared or special infrastructure): they need context — the domain, the port, the process — before they are called compromise.</div>`
    : ''
}
${
  warnings.length
    ? html`<div class="callout warn"><b>${plural(warnings.length, 'warning')}</b><ul>${warnings.map((w) => html`<li>${w}</li>`)}</ul></div>`
    : ''
}
</section>`;
}

function chartData(t: Timeline) {
  return {
    buckets: t.bucketStarts.map((ms) => bucketLabel(ms, t.bucketMs)),
    series: t.series.map((s, i) => ({
      // shown through textContent by the page's script: bidi controls made visible here
      label: showBidiControls(s.label),
      total: s.total,
      flagged: s.flagged,
      color: seriesColor(t, i),
    })),
    counts: t.counts,
  };
}

function legend(t: Timeline): SafeHtml {
  return html`<ul class="legend">${t.series.map(
    (s, i) =>
      html`<li><span class="sw" style="background:${seriesColor(t, i)}"></span><span class="lbl">${s.label}</span>${s.flagged ? html`<span class="badge shared-infrastructure">⚑ flagged</span>` : ''}<span class="cnt">${s.total}</span></li>`,
  )}</ul>`;
}

function timelineSection(byIndicator: Timeline | null, byHost: Timeline | null, total: number): SafeHtml {
  if (!byIndicator || !byHost) {
    return html`<section id="timeline"><h2>Timeline of hits</h2><div class="empty">${total === 0 ? 'No findings' : 'No finding has a timestamp to chart'}</div></section>`;
  }
  const view = (t: Timeline, hidden: boolean) =>
    html`<div class="chart" data-chart="${t.by}"${trusted(hidden ? ' hidden' : '')}>${renderTimelineSvg(t)}${legend(t)}</div>`;
  return html`<section id="timeline"><div class="chart-head"><h2>Timeline of hits</h2>
<div class="seg" role="group" aria-label="Stack hits by"><button type="button" data-show="indicator" aria-pressed="true">By indicator</button><button type="button" data-show="host" aria-pressed="false">By host</button></div></div>
<div class="chart-wrap" style="position:relative">${view(byIndicator, false)}${view(byHost, true)}<div class="tip" id="hf-tip"></div></div>
${byIndicator.untimed ? html`<p class="more">${plural(byIndicator.untimed, 'finding')} without a timestamp ${byIndicator.untimed === 1 ? 'is' : 'are'} not charted.</p>` : ''}
</section>`;
}

/** Latest first; findings without a time last. */
function byTimeDesc(a: Finding, b: Finding): number {
  return (
    (timeValue(b.timestamp) ?? Number.NEGATIVE_INFINITY) -
    (timeValue(a.timestamp) ?? Number.NEGATIVE_INFINITY)
  );
}

function groupFindings(findings: Finding[], key: (f: Finding) => string): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = key(f);
    const list = groups.get(k);
    if (list) list.push(f);
    else groups.set(k, [f]);
  }
  return groups;
}

function more(total: number, shown: number, what: string): SafeHtml | string {
  return total > shown
    ? html`<p class="more">+${total - shown} more ${what} — every finding is in findings.json and findings.csv.</p>`
    : '';
}

function hitsTable(hits: Finding[], first: 'host' | 'indicator', context: SectionContext): SafeHtml {
  const rows = [...hits].sort(byTimeDesc).slice(0, context.maxRowsPerGroup);
  return html`<table><thead><tr><th>Time (UTC)</th><th>${first === 'host' ? 'Host' : 'Indicator'}</th><th>User</th><th>Process</th><th>Hunt</th><th>Table</th>${first === 'host' ? html`<th>Event</th>` : ''}</tr></thead><tbody>${rows.map(
    (f) =>
      html`<tr><td class="nowrap mono">${shortTime(f.timestamp)}</td><td class="val">${first === 'host' ? (f.host ?? NO_HOST) : indicatorText(f)}</td><td>${f.user ?? '—'}</td><td class="val">${f.process ?? '—'}</td><td class="hunt-cell"><a class="hunt-link" href="#${huntAnchor(f.huntId)}" title="${f.huntId}">${context.huntTitles.get(f.huntId) ?? f.huntId}</a></td><td>${f.table}</td>${
        first === 'host'
          ? html`<td><details class="row"><summary>row</summary><pre>${JSON.stringify(f.row, null, 2)}</pre></details></td>`
          : ''
      }</tr>`,
  )}</tbody></table>${more(hits.length, rows.length, 'hits in this group')}`;
}

function byIndicatorSection(
  findings: Finding[],
  summary: FindingsSummary,
  options: SectionContext,
): SafeHtml {
  const groups = groupFindings(findings, indicatorKey);
  const shown = summary.indicators.slice(0, options.maxGroups);
  return html`<section id="by-indicator"><h2>Findings by indicator</h2>
${
  summary.indicators.length === 0
    ? html`<div class="empty">No findings</div>`
    : html`<div class="toolbar"><input type="search" placeholder="Filter indicators or hosts…" data-filter="by-indicator" aria-label="Filter indicators"><button type="button" data-expand="by-indicator" data-open="true">Expand all</button><button type="button" data-expand="by-indicator" data-open="false">Collapse all</button><span class="filter-count muted"></span></div>
${shown.map((i, n) => {
  const text = indicatorText(i);
  const hits =
    groups.get(
      indicatorKey({
        indicator: i.indicator,
        indicatorType: i.indicatorType,
        indicatorPort: i.indicatorPort,
      }),
    ) ?? [];
  return html`<details class="group"${trusted(n === 0 ? ' open' : '')} data-text="${[text, ...i.hosts].join(' ').toLowerCase()}"><summary><span class="val">${text}</span><span class="chip">${indicatorTypeText(i)}</span>${flagBadges(i.flags)}<span class="hits">${plural(i.count, 'hit')}</span><span class="sub">${plural(i.hosts.length, 'host')}</span><span class="when">${shortTime(i.firstSeen)} → ${shortTime(i.lastSeen)}</span></summary><div class="body">${hitsTable(hits, 'host', options)}</div></details>`;
})}
${more(summary.indicators.length, shown.length, 'indicators')}`
}
</section>`;
}

function byHostSection(findings: Finding[], summary: FindingsSummary, options: SectionContext): SafeHtml {
  const groups = groupFindings(findings, (f) => f.host || NO_HOST);
  const shown = summary.hosts.slice(0, options.maxGroups);
  return html`<section id="by-host"><h2>Findings by host</h2>
${
  summary.hosts.length === 0
    ? html`<div class="empty">No findings</div>`
    : html`<div class="toolbar"><input type="search" placeholder="Filter hosts or indicators…" data-filter="by-host" aria-label="Filter hosts"><button type="button" data-expand="by-host" data-open="true">Expand all</button><button type="button" data-expand="by-host" data-open="false">Collapse all</button><span class="filter-count muted"></span></div>
${shown.map((h) => {
  const name = h.host ?? NO_HOST;
  const hits = groups.get(name) ?? [];
  return html`<details class="group" data-text="${[name, ...h.indicators].join(' ').toLowerCase()}"><summary><span class="val">${name}</span>${h.flaggedCount ? html`<span class="badge shared-infrastructure">⚑ ${h.flaggedCount} flagged</span>` : ''}<span class="hits">${plural(h.count, 'hit')}</span><span class="sub">${plural(h.indicators.length, 'indicator')}</span><span class="when">${shortTime(h.firstSeen)} → ${shortTime(h.lastSeen)}</span></summary><div class="body">${hitsTable(hits, 'indicator', options)}</div></details>`;
})}
${more(summary.hosts.length, shown.length, 'hosts')}`
}
</section>`;
}

function iocSection(report: HuntReport, findings: Finding[], summary: FindingsSummary): SafeHtml {
  const known = new Map<string, Flag>();
  for (const f of findings) for (const flag of f.flags) known.set(flag.reason, flag);
  // IOC rows carry the defanged display value; findings are matched to them the same way.
  const hits = new Map(summary.indicators.map((i) => [defang(indicatorText(i)), i.count]));
  const rows = report.iocSummary.rows;
  return html`<section id="iocs"><h2>Indicators of compromise</h2>
<p class="muted">${plural(report.iocSummary.total, 'indicator')}, ${report.iocSummary.flagged} flagged. Values are defanged; flags mark indicators whose hits need context.</p>
${
  rows.length === 0
    ? html`<div class="empty">No indicators</div>`
    : html`<table><thead><tr><th>Type</th><th>Value</th><th>Threat type</th><th>First seen</th><th class="num">Confidence</th><th>Flags</th><th class="num">Hits</th></tr></thead><tbody>${rows.map(
        (r) =>
          html`<tr><td class="nowrap">${r.type}</td><td class="val">${r.value}</td><td>${r.threatType}</td><td class="nowrap">${r.firstSeen}</td><td class="num">${r.confidence}</td><td>${r.flags.length ? r.flags.map((f) => reasonBadge(f, known)) : html`<span class="muted">—</span>`}</td><td class="num">${hits.get(r.value) ?? 0}</td></tr>`,
      )}</tbody></table>${
        report.iocSummary.allRowsFile
          ? html`<p class="more">First ${rows.length} of ${report.iocSummary.total} indicators shown; all of them are in ${report.iocSummary.allRowsFile}.</p>`
          : ''
      }
<p class="more">Flag categories: ${(Object.keys(CATEGORY_NAMES) as FlagCategory[]).map((c) => html`<span class="badge ${c}">${CATEGORY_NAMES[c]}</span>`)}</p>`
}
</section>`;
}

function huntBlock(
  hunt: ReportHunt,
  hits: number,
  run: HuntRunSummary['hunts'][number] | undefined,
): SafeHtml {
  const attack = [...hunt.tactics, ...hunt.techniques];
  return html`<div class="hunt" id="${huntAnchor(hunt.id)}"><div class="hunt-head"><h3>${hunt.title}</h3><div>${
    run
      ? html`<span class="chip st-${run.status}" title="${run.message ?? ''}">${run.status}${run.message ? `: ${run.message}` : ''}</span>`
      : ''
  }<span class="chip">${plural(hits, 'hit')}</span></div></div>
<div><span class="chip mono">${hunt.id}</span><span class="chip">${hunt.table}</span><span class="chip sev-${hunt.severity.toLowerCase()}">${hunt.severity}</span>${attack.map((a) => html`<span class="chip">${a}</span>`)}</div>
<p>${hunt.purpose}</p>
<ul><li>${plural(hunt.indicatorCount, 'indicator')}${hunt.flaggedIndicatorCount ? ` (${hunt.flaggedIndicatorCount} flagged)` : ''} · analytics rule delivery: ${hunt.delivery}</li>${hunt.exclusions.map(
    (e) => html`<li>Exclusion <code>${e.id}</code>: ${e.reason}</li>`,
  )}${hunt.notes.map((n) => html`<li>${n}</li>`)}</ul>
${hunt.queries.map(
  (q, i) =>
    // The query of a hunt that hit is open; the others stay one click away, so many hunts stay readable.
    html`<details class="query"${trusted(i === 0 && hits > 0 ? ' open' : '')}><summary>${q.platform === 'defender' ? 'Defender XDR advanced hunting' : 'Microsoft Sentinel'} — <span class="mono">${q.file}</span></summary><pre class="kql"><code>${q.kql}</code></pre></details>`,
)}
</div>`;
}

function tablesBlock(report: HuntReport): SafeHtml | string {
  if (report.tables.length === 0) return '';
  return html`<h3 class="sub-head">Required tables and data connectors</h3><table><thead><tr><th>Table</th><th>Source</th><th>Data connectors</th><th class="num">Hunts</th></tr></thead><tbody>${report.tables.map(
    (t) =>
      html`<tr><td class="mono">${t.table}</td><td>${t.title}</td><td>${t.connectors.map((c) => html`<span class="chip">${c.connectorId}</span>`)}</td><td class="num">${t.hunts}</td></tr>`,
  )}</tbody></table>`;
}

function huntsSection(report: HuntReport, findings: Finding[], run: HuntRunSummary | undefined): SafeHtml {
  const hits = new Map<string, number>();
  for (const f of findings) hits.set(f.huntId, (hits.get(f.huntId) ?? 0) + 1);
  const status = (id: string) => run?.hunts.find((r) => r.huntId === id)?.status;
  const rank = (id: string) => (hits.get(id) ? 0 : status(id) === 'skipped' ? 2 : 1);
  // Hunts that hit first, then those that ran clean, then the skipped ones; report order within each.
  const ordered = report.hunts
    .map((h, i) => ({ h, i }))
    .sort(
      (a, b) => rank(a.h.id) - rank(b.h.id) || (hits.get(b.h.id) ?? 0) - (hits.get(a.h.id) ?? 0) || a.i - b.i,
    )
    .map(({ h }) => h);
  return html`<section id="hunts"><h2>Hunts</h2>
<p class="muted">${plural(report.hunts.length, 'hunt')}${run ? `, ${run.hunts.filter((h) => h.status === 'ran').length} ran on these logs` : ''}; ${plural(hits.size, 'hunt')} found something. Hunts with hits come first.</p>
${
  report.hunts.length === 0
    ? html`<div class="empty">No hunts</div>`
    : ordered.map((h) =>
        huntBlock(
          h,
          hits.get(h.id) ?? 0,
          run?.hunts.find((r) => r.huntId === h.id),
        ),
      )
}
${tablesBlock(report)}
</section>`;
}

function falsePositivesSection(report: HuntReport): SafeHtml | string {
  if (report.falsePositives.length === 0) return '';
  return html`<section id="false-positives"><h2>False positive scenarios</h2>${report.falsePositives.map(
    (f) =>
      html`<div class="scenario"><h3>${f.title}</h3><p class="muted">${f.description}</p><p><b>Handling:</b> ${f.handling}</p>${
        f.filters.length ? html`<ul>${f.filters.map((x) => html`<li><code>${x}</code></li>`)}</ul>` : ''
      }</div>`,
  )}</section>`;
}

export function renderHtmlReport(
  report: HuntReport,
  findings: Finding[],
  summary: FindingsSummary,
  options: HtmlReportOptions = {},
): string {
  const context: SectionContext = {
    maxGroups: options.maxGroups ?? 100,
    maxRowsPerGroup: options.maxRowsPerGroup ?? 25,
    huntTitles: new Map(report.hunts.map((h) => [h.id, h.title])),
  };
  const byIndicator = buildTimeline(findings, 'indicator');
  const byHost = buildTimeline(findings, 'host');
  const data = {
    timeline: byIndicator && byHost ? { indicator: chartData(byIndicator), host: chartData(byHost) } : null,
  };
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${report.title} — huntforge</title>
<style>${trusted(REPORT_CSS)}</style>
</head>
<body>
${header(report, summary, options)}
<nav class="toc"><div class="wrap"><a href="#overview">Overview</a><a href="#timeline">Timeline</a><a href="#by-indicator">By indicator</a><a href="#by-host">By host</a><a href="#iocs">IOCs</a><a href="#hunts">Hunts</a>${report.falsePositives.length ? html`<a href="#false-positives">False positives</a>` : ''}</div></nav>
<main class="wrap">
${overview(report, summary, options)}
${timelineSection(byIndicator, byHost, findings.length)}
${byIndicatorSection(findings, summary, context)}
${byHostSection(findings, summary, context)}
${iocSection(report, findings, summary)}
${huntsSection(report, findings, options.run)}
${falsePositivesSection(report)}
</main>
<footer>Generated by huntforge. Self-contained: this page loads nothing from the network. Full data: findings.json, findings.csv.</footer>
<script type="application/json" id="hf-data">${jsonForScript(data)}</script>
<script>${trusted(REPORT_SCRIPT)}</script>
</body>
</html>
`;
  return page.value;
}
