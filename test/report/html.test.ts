import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeFindings } from '../../src/report/findings.js';
import { escapeHtml, html, jsonForScript } from '../../src/report/findings-html-escape.js';
import { buildTimeline } from '../../src/report/findings-timeline.js';
import { REPORT_CSP, renderHtmlReport } from '../../src/report/html.js';
import {
  finding,
  HOSTILE_HOST,
  HOSTILE_INDICATOR,
  sampleFindings,
  sampleReport,
} from './findings-fixtures.js';

function render(findings = sampleFindings(), options = {}) {
  return renderHtmlReport(sampleReport(), findings, summarizeFindings(findings), options);
}

/** The JSON data island's text, exactly as the browser hands it to JSON.parse. */
function island(page: string): string {
  const m = /<script type="application\/json" id="hf-data">([\s\S]*?)<\/script>/.exec(page);
  assert.ok(m, 'data island present');
  return m[1];
}

describe('escapeHtml and html templates', () => {
  it('escapes the five HTML-significant characters', () => {
    assert.equal(
      escapeHtml(`<a href="x" onclick='y'>&amp;</a>`),
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
    assert.equal(escapeHtml(null), '');
    assert.equal(escapeHtml(42), '42');
  });

  it('escapes every interpolated value, nested templates and lists included', () => {
    const evil = '<script>x</script>';
    const out = html`<p title="${evil}">${[evil, html`<b>${evil}</b>`]}</p>`.value;
    assert.equal(
      out,
      '<p title="&lt;script&gt;x&lt;/script&gt;">&lt;script&gt;x&lt;/script&gt;<b>&lt;script&gt;x&lt;/script&gt;</b></p>',
    );
  });

  it('keeps </script> and <!-- out of a JSON data island, and the data intact', () => {
    const data = { a: '</script><script>alert(1)</script>', b: '<!-- x -->', c: '\u2028&' };
    const text = jsonForScript(data).value;
    assert.ok(!/[<>&\u2028]/.test(text), text);
    assert.deepEqual(JSON.parse(text), data);
  });
});

describe('renderHtmlReport', () => {
  it('is one self-contained page with a strict CSP and no external references', () => {
    const page = render();
    assert.ok(page.startsWith('<!DOCTYPE html>'));
    assert.ok(
      page.includes(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">`),
      'CSP meta tag',
    );
    assert.equal(
      REPORT_CSP,
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:",
    );
    assert.ok(!/https?:\/\//.test(page), 'no URL at all');
    assert.ok(!/<link|@import|url\(/i.test(page), 'no stylesheet or import to load');
    const attributes = [...page.matchAll(/<[a-z][a-z0-9-]*((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*\/?>/gi)].flatMap(
      (tag) =>
        [...tag[1].matchAll(/([a-z-]+)(?:="([^"]*)")?/gi)].map((a) => [a[1].toLowerCase(), a[2] ?? '']),
    );
    assert.ok(attributes.length > 500, 'attributes parsed');
    for (const [name, value] of attributes) {
      assert.ok(
        !['src', 'srcset', 'action', 'formaction', 'poster', 'background', 'ping'].includes(name),
        name,
      );
      assert.ok(!name.startsWith('on'), `no inline event handler: ${name}`);
      if (name === 'href') assert.match(value, /^#[A-Za-z0-9_-]+$/);
    }
    // Every in-page link has its target: sections, and the hunt each hit came from.
    const ids = new Set(attributes.filter(([n]) => n === 'id').map(([, v]) => v));
    const targets = attributes.filter(([n]) => n === 'href').map(([, v]) => v.slice(1));
    assert.ok(targets.includes('hunt-nanocore-network-mde'));
    for (const target of targets) assert.ok(ids.has(target), target);
  });

  it('escapes hostile values everywhere they appear', () => {
    const page = render();
    assert.ok(!page.includes(HOSTILE_INDICATOR), 'never raw in markup');
    assert.ok(page.includes(escapeHtml(HOSTILE_INDICATOR)));
    assert.ok(!page.includes('<img'));
    assert.equal(page.match(/<script/g)?.length, 2, 'only the data island and the page script');
    assert.equal(page.match(/<\/script>/g)?.length, 2);
    assert.ok(!island(page).includes('<'));
    assert.ok(JSON.stringify(JSON.parse(island(page))).includes(HOSTILE_HOST));
    assert.ok(page.includes('&lt;b&gt;not bold&lt;/b&gt;'), 'queries are escaped too');
    assert.ok(!page.includes('<!-- '), 'the row value <!-- stays escaped');
  });

  it('shows bidi controls instead of obeying them, in markup and in the chart data', () => {
    const spoof = 'abc\u202egnp.exe';
    const findings = sampleFindings().map((f) => ({ ...f, host: spoof, indicator: `x${spoof}` }));
    const page = render(findings);
    assert.doesNotMatch(page, /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    assert.ok(page.includes(String.raw`abc\u202egnp.exe`));
  });

  it('draws one bar per bucket and series with hits, summing to every timed finding', () => {
    const page = render();
    const svg = /<svg class="timeline" data-view="indicator"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    assert.equal(svg.match(/<rect class="bar"/g)?.length, 8);
    const timeline = buildTimeline(sampleFindings(), 'indicator');
    assert.ok(timeline);
    assert.equal(timeline.bucketName, '1-hour');
    assert.equal(timeline.untimed, 1);
    assert.equal(
      timeline.counts.flat().reduce((a, b) => a + b, 0),
      8,
    );
    assert.deepEqual(
      timeline.series.map((s) => [s.label, s.total, s.flagged]),
      [
        ['theponzu.com', 4, false],
        ['104.21.9.66:443', 2, true],
        [HOSTILE_INDICATOR, 1, false],
        ['sc88884.com', 1, false],
      ],
    );
    assert.match(page, /Time \(UTC, 1-hour buckets\)/);
  });

  it('shows the IOC table with flag badges per category and hits per IOC', () => {
    const page = render();
    const iocs = /<section id="iocs">[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    assert.match(
      iocs,
      /<td class="val">104\[\.\]21\[\.\]9\[\.\]66:443<\/td>.*<span class="badge shared-infrastructure"[^>]*>⚑ Cloudflare<\/span>.*<td class="num">2<\/td><\/tr>/,
    );
    assert.match(
      iocs,
      /<span class="badge dynamic-dns"[^>]*>⚑ dynamic-DNS provider zone duckdns\.org<\/span>/,
    );
    assert.match(iocs, /<td class="val">theponzu\[\.\]com<\/td>.*<td class="num">4<\/td><\/tr>/);
  });

  it('lists the hunts with their status, hits and queries, and the tables they need', () => {
    // Report order reversed: the page still puts the hunts that hit first.
    const report = sampleReport();
    report.hunts.reverse();
    const findings = sampleFindings();
    const page = renderHtmlReport(report, findings, summarizeFindings(findings), {
      run: {
        findings: 9,
        hunts: [
          {
            huntId: 'nanocore-cef',
            table: 'CommonSecurityLog',
            status: 'skipped',
            rows: 0,
            message: 'no logs',
          },
        ],
      },
    });
    const hunts = /<section id="hunts">[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    assert.equal(hunts.match(/<div class="hunt"/g)?.length, 3);
    assert.match(
      hunts,
      /<span class="chip st-skipped" title="no logs">skipped: no logs<\/span><span class="chip">0 hits<\/span>/,
    );
    assert.match(hunts, /<span class="chip">7 hits<\/span>/);
    assert.deepEqual(
      [...hunts.matchAll(/<div class="hunt" id="hunt-([^"]+)"/g)].map((m) => m[1]),
      ['nanocore-dns', 'nanocore-network-mde', 'nanocore-cef'],
      'hunts with hits first, most hits first, skipped last',
    );
    assert.equal(hunts.match(/<pre class="kql"><code>/g)?.length, 3);
    assert.match(
      hunts,
      /Required tables and data connectors.*<td class="mono">DnsEvents<\/td>.*MicrosoftThreatProtection/s,
    );
  });

  it('says No findings when nothing matched', () => {
    const page = render([]);
    assert.match(page, /<section id="timeline">.*<div class="empty">No findings<\/div>/s);
    assert.match(page, /<section id="by-indicator">.*<div class="empty">No findings<\/div>/s);
    assert.match(page, /<section id="by-host">.*<div class="empty">No findings<\/div>/s);
    assert.ok(!page.includes('<svg'));
    assert.deepEqual(JSON.parse(island(page)), { timeline: null });
  });

  it('caps thousands of findings per group and per section, with +N more notes', () => {
    const findings = Array.from({ length: 6000 }, (_, i) =>
      finding({
        indicator: `d${i % 150}.example`,
        host: `host-${i % 400}`,
        timestamp: new Date(Date.UTC(2026, 3, 1) + i * 60_000).toISOString(),
        row: { i },
      }),
    );
    const started = performance.now();
    const page = render(findings);
    assert.ok(performance.now() - started < 3000, 'renders in well under a few seconds');
    const byIndicator = /<section id="by-indicator">[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    assert.equal(byIndicator.match(/<details class="group"/g)?.length, 100);
    assert.match(byIndicator, /\+50 more indicators/);
    assert.match(byIndicator, /\+15 more hits in this group/);
    const byHost = /<section id="by-host">[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    assert.match(byHost, /\+300 more hosts/);
    const bars = /<svg class="timeline" data-view="host"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    assert.ok((bars.match(/<rect class="col"/g)?.length ?? 0) <= 48, 'at most 48 buckets');
    assert.match(page, /399 others|393 others/);
    assert.ok(page.length < 3_000_000, `page size ${page.length}`);
  });
});
