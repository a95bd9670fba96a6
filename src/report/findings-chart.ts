/** The timeline as inline SVG, drawn server-side so the chart needs no script to show. */
import { html, type SafeHtml } from './findings-html-escape.js';
import type { Timeline } from './findings-timeline.js';

/** Colour-blind-friendly categorical palette (Tableau 10); grey for "others". */
export const SERIES_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
];
export const OTHER_COLOR = '#bab0ac';

export function seriesColor(timeline: Timeline, i: number): string {
  return timeline.series[i].other ? OTHER_COLOR : SERIES_COLORS[i % SERIES_COLORS.length];
}

const W = 960;
const H = 280;
const M = { left: 52, right: 40, top: 14, bottom: 52 };

function niceStep(max: number, ticks: number): number {
  const raw = Math.max(1, max / ticks);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  return Math.max(1, Math.ceil(step));
}

/** Bucket start as the x-axis writes it: dates for day buckets, dates and times below that. */
export function bucketLabel(ms: number, bucketMs: number): string {
  const iso = new Date(ms).toISOString();
  return bucketMs >= 86_400_000 ? iso.slice(0, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

export function renderTimelineSvg(t: Timeline): SafeHtml {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const step = niceStep(t.max, 4);
  // Headroom above the tallest bar, so it never touches the frame.
  const top = Math.max(step, Math.ceil((t.max * 1.1) / step) * step);
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const slot = plotW / t.bucketStarts.length;
  const gap = Math.min(6, slot * 0.2);

  const grid: SafeHtml[] = [];
  for (let v = 0; v <= top; v += step) {
    grid.push(
      html`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}"/><text class="tick" x="${M.left - 8}" y="${y(v) + 4}" text-anchor="end">${v}</text>`,
    );
  }

  const labelEvery = Math.max(1, Math.ceil(t.bucketStarts.length / 8));
  const columns: SafeHtml[] = [];
  t.bucketStarts.forEach((start, b) => {
    const x = M.left + b * slot;
    let base = 0;
    const bars: SafeHtml[] = [];
    t.counts[b].forEach((n, s) => {
      if (n === 0) return;
      const y0 = y(base);
      const y1 = y(base + n);
      bars.push(
        html`<rect class="bar" x="${(x + gap / 2).toFixed(1)}" y="${y1.toFixed(1)}" width="${Math.max(1, slot - gap).toFixed(1)}" height="${Math.max(1, y0 - y1).toFixed(1)}" fill="${seriesColor(t, s)}" data-s="${s}"/>`,
      );
      base += n;
    });
    const tick =
      b % labelEvery === 0
        ? html`<line class="axis" x1="${(x + slot / 2).toFixed(1)}" x2="${(x + slot / 2).toFixed(1)}" y1="${M.top + plotH}" y2="${M.top + plotH + 4}"/><text class="tick" x="${(x + slot / 2).toFixed(1)}" y="${M.top + plotH + 18}" text-anchor="middle">${bucketLabel(start, t.bucketMs)}</text>`
        : '';
    // A transparent full-height column per bucket is the hover target for the tooltip.
    columns.push(
      html`<g>${bars}${tick}<rect class="col" data-b="${b}" x="${x.toFixed(1)}" y="${M.top}" width="${slot.toFixed(1)}" height="${plotH}"/></g>`,
    );
  });

  const title = `Hits per ${t.bucketName} bucket by ${t.by}`;
  return html`<svg class="timeline" data-view="${t.by}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${title}">
<title>${title}</title>
${grid}
<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${M.top + plotH}" y2="${M.top + plotH}"/>
${columns}
<text class="axis-title" x="${M.left + plotW / 2}" y="${H - 8}" text-anchor="middle">Time (UTC, ${t.bucketName} buckets)</text>
<text class="axis-title" transform="translate(14 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">Hits</text>
</svg>`;
}
