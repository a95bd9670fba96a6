/**
 * The HTML report in headless Chromium: it renders without errors, draws the timeline, and shows
 * hostile values as text. Skipped only when Debian's chromium is not installed (CI installs it).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { summarizeFindings } from '../../src/report/findings.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { HOSTILE_HOST, HOSTILE_INDICATOR, sampleFindings, sampleReport } from './findings-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;

interface PageProblems {
  console: string[];
  errors: string[];
  dialogs: string[];
  requests: string[];
}

async function openReport(browser: Browser, dir: string, name: string, content: string) {
  const file = join(dir, name);
  await writeFile(file, content);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: PageProblems = { console: [], errors: [], dialogs: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.console.push(m.text());
  });
  page.on('pageerror', (e) => problems.errors.push(String(e)));
  page.on('dialog', (d) => {
    problems.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.requests.push(r.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, problems };
}

function assertClean(problems: PageProblems): void {
  assert.deepEqual(problems.console, [], 'no console errors or warnings (CSP violations are errors)');
  assert.deepEqual(problems.errors, [], 'no page errors');
  assert.deepEqual(problems.dialogs, [], 'no dialog fired');
  assert.deepEqual(problems.requests, [], 'no request leaves the file');
}

describe('HTML report in Chromium', { skip }, () => {
  let browser: Browser;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'huntforge-html-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('renders the report with findings: chart drawn, hostile values shown as text', async () => {
    const findings = sampleFindings();
    const summary = summarizeFindings(findings);
    const htmlText = renderHtmlReport(sampleReport(), findings, summary, {
      run: {
        findings: findings.length,
        hunts: [
          { huntId: 'nanocore-dns', table: 'DnsEvents', status: 'ran', rows: 7 },
          { huntId: 'nanocore-network-mde', table: 'DeviceNetworkEvents', status: 'ran', rows: 2 },
          {
            huntId: 'nanocore-cef',
            table: 'CommonSecurityLog',
            status: 'skipped',
            rows: 0,
            message: 'no logs',
          },
        ],
      },
      warnings: ['hunt nanocore-cef skipped: no CommonSecurityLog logs'],
    });
    const { page, problems } = await openReport(browser, dir, 'report.html', htmlText);
    try {
      assertClean(problems);
      assert.equal(await page.title(), 'Nanocore RAT threat hunt — huntforge');

      // The chart: one bar per (bucket, series) with hits, summing to every timed finding.
      const bars = await page.$$eval('svg.timeline[data-view="indicator"] rect.bar', (rects) =>
        rects.map((r) => ({ h: Number(r.getAttribute('height')), w: Number(r.getAttribute('width')) })),
      );
      assert.ok(bars.length >= 6, `bars drawn: ${bars.length}`);
      for (const b of bars) assert.ok(b.h > 0 && b.w > 0);
      const box = await page.locator('svg.timeline[data-view="indicator"]').boundingBox();
      assert.ok(box && box.width > 600 && box.height > 150, 'the chart is visible');
      const ticks = await page.$$eval('svg.timeline[data-view="indicator"] text.tick', (t) => t.length);
      assert.ok(ticks >= 4, 'axis labels');
      const legend = await page.$$eval('[data-chart="indicator"] .legend li', (li) =>
        li.map((l) => l.textContent ?? ''),
      );
      assert.equal(legend.length, 4);
      assert.ok(legend.some((l) => l.includes(HOSTILE_INDICATOR)));

      // Switching the chart to hosts shows the host view, its legend holding the hostile host as text.
      await page.click('button[data-show="host"]');
      assert.ok(await page.locator('svg.timeline[data-view="host"]').isVisible());
      assert.ok(!(await page.locator('svg.timeline[data-view="indicator"]').isVisible()));
      const hostLegend = await page.locator('[data-chart="host"] .legend').textContent();
      assert.ok(hostLegend?.includes(HOSTILE_HOST));

      // Hovering a bucket shows the tooltip built from the data island.
      const column = page.locator('svg.timeline[data-view="host"] rect.col').first();
      await column.hover();
      const tip = page.locator('#hf-tip');
      assert.ok(await tip.isVisible());
      assert.match((await tip.textContent()) ?? '', /UTC/);

      // Hostile values are text: present in textContent, and no element was injected.
      const text = (await page.textContent('body')) ?? '';
      assert.ok(text.includes(HOSTILE_INDICATOR));
      assert.ok(text.includes(HOSTILE_HOST));
      assert.equal(await page.locator('img').count(), 0, 'no injected <img>');
      assert.equal(await page.locator('script').count(), 2, 'only the data island and the page script');
      assert.equal(await page.locator('b').filter({ hasText: 'not bold' }).count(), 0);
      const data = JSON.parse((await page.locator('#hf-data').textContent()) ?? 'null');
      assert.ok(JSON.stringify(data).includes(HOSTILE_HOST), 'the data island keeps the value intact');

      // Findings grouped by indicator and host, the flag shown as a badge, queries as code.
      assert.equal(await page.locator('#by-indicator details.group').count(), 4);
      assert.equal(await page.locator('#by-host details.group').count(), 5);
      assert.ok(
        (await page.locator('#by-indicator .badge.shared-infrastructure').first().textContent())?.includes(
          'Cloudflare',
        ),
      );
      assert.equal(await page.locator('#iocs tbody tr').count(), 4);
      assert.equal(await page.locator('#iocs tbody .badge.dynamic-dns').count(), 1);
      assert.equal(await page.locator('#hunts pre.kql').count(), 3);
      assert.ok((await page.locator('#hunts pre.kql').first().textContent())?.includes('<b>not bold</b>'));
      assert.equal(
        await page.locator('#hunts details.query[open]').count(),
        2,
        'queries of hunts with hits open',
      );

      // The filter narrows the groups.
      await page.fill('#by-indicator input[data-filter]', 'ponzu');
      assert.equal(await page.locator('#by-indicator details.group:visible').count(), 1);
      await page.fill('#by-indicator input[data-filter]', '');
      await page.click('button[data-show="indicator"]');

      assertClean(problems);
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('renders a report without findings', async () => {
    const { page, problems } = await openReport(
      browser,
      dir,
      'empty.html',
      renderHtmlReport(sampleReport(), [], summarizeFindings([])),
    );
    try {
      assertClean(problems);
      assert.equal(await page.locator('#timeline .empty').textContent(), 'No findings');
      assert.equal(await page.locator('#by-indicator .empty').textContent(), 'No findings');
      assert.equal(await page.locator('svg.timeline').count(), 0);
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'report-empty.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
