import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { HuntRunSummary } from '../../src/engine/types.js';
import {
  FINDINGS_CSV_HEADER,
  findingsCsv,
  findingsJson,
  renderFindingsMarkdown,
  renderFindingsTerminal,
  summarizeFindings,
} from '../../src/report/findings.js';
import { CLOUDFLARE, finding, HOSTILE_HOST, HOSTILE_INDICATOR, sampleFindings } from './findings-fixtures.js';

const RUN: HuntRunSummary = {
  findings: 9,
  hunts: [
    { huntId: 'nanocore-dns', table: 'DnsEvents', status: 'ran', rows: 7 },
    { huntId: 'nanocore-cef', table: 'CommonSecurityLog', status: 'skipped', rows: 0, message: 'no logs' },
  ],
};

describe('findingsJson', () => {
  it('is the hunt --json contract: findings, summary with the hunts run, warnings', () => {
    const findings = sampleFindings();
    const summary = summarizeFindings(findings);
    const doc = JSON.parse(
      JSON.stringify(findingsJson(findings, summary, RUN, ['no CommonSecurityLog logs'])),
    );
    assert.deepEqual(Object.keys(doc), ['findings', 'summary', 'warnings']);
    assert.equal(doc.findings.length, 9);
    for (const key of ['huntId', 'table', 'indicator', 'indicatorType', 'timestamp', 'row'])
      assert.ok(key in doc.findings[0], key);
    assert.deepEqual(doc.findings[3], {
      huntId: 'nanocore-network-mde',
      table: 'DeviceNetworkEvents',
      indicator: '104.21.9.66',
      indicatorType: 'ipv4',
      indicatorPort: 443,
      flags: [CLOUDFLARE],
      timestamp: '2026-04-25T11:00:00Z',
      host: 'ws-02.corp.local',
      user: 'corp\\alice',
      process: 'powershell.exe',
      row: { RemoteIP: '104.21.9.66', RemotePort: 443, InitiatingProcessFileName: 'powershell.exe' },
    });
    assert.deepEqual(doc.summary.totals, summary.totals);
    assert.deepEqual(doc.summary.indicators, JSON.parse(JSON.stringify(summary.indicators)));
    assert.deepEqual(doc.summary.hunts, RUN.hunts);
    assert.deepEqual(doc.warnings, ['no CommonSecurityLog logs']);
  });
});

describe('findingsCsv', () => {
  it('writes one row per finding with the event row as JSON', () => {
    const csv = findingsCsv(sampleFindings());
    const rows: string[][] = parse(csv);
    assert.deepEqual(rows[0], FINDINGS_CSV_HEADER);
    assert.equal(rows.length, 10);
    const ip = rows[4];
    assert.deepEqual(ip.slice(0, 10), [
      '2026-04-25T11:00:00Z',
      'nanocore-network-mde',
      'DeviceNetworkEvents',
      '104.21.9.66',
      'ipv4',
      '443',
      `cloudflare: ${CLOUDFLARE.reason}`,
      'ws-02.corp.local',
      'corp\\alice',
      'powershell.exe',
    ]);
    assert.deepEqual(JSON.parse(ip[10]), {
      RemoteIP: '104.21.9.66',
      RemotePort: 443,
      InitiatingProcessFileName: 'powershell.exe',
    });
    assert.ok(csv.endsWith('\r\n'));
  });

  it('neutralises spreadsheet formulas in every field', () => {
    const csv = findingsCsv([
      finding({
        indicator: '=HYPERLINK("http://evil/","x")',
        host: '+cmd',
        user: '-2+3',
        process: '@SUM(A1)',
        huntId: '\tdde',
        row: { a: '=1+1' },
      }),
    ]);
    const [, row] = parse(csv, { relax_quotes: true }) as string[][];
    assert.equal(row[3], `'=HYPERLINK("http://evil/","x")`);
    assert.equal(row[7], `'+cmd`);
    assert.equal(row[8], `'-2+3`);
    assert.equal(row[9], `'@SUM(A1)`);
    assert.equal(row[1], `'\tdde`);
    for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
    // The embedded quotes and newlines of a hostile value stay inside one cell.
    const multi = parse(findingsCsv([finding({ host: 'a,"b"\r\nc' })])) as string[][];
    assert.equal(multi.length, 2);
    assert.equal(multi[1][7], 'a,"b"\r\nc');
  });
});

describe('renderFindingsMarkdown', () => {
  const hostile = 'ws|01\nnext line `tick` <script>alert(1)</script>';
  const findings = [
    finding({ host: hostile, indicator: 'a|b.evil.com' }),
    finding({ indicator: '104.21.9.66', indicatorType: 'ipv4', indicatorPort: 443, flags: [CLOUDFLARE] }),
  ];
  const md = renderFindingsMarkdown(summarizeFindings(findings), findings);

  it('renders per-indicator, per-host and per-hunt tables', () => {
    assert.match(md, /^## Findings\n/);
    assert.match(md, /### By Indicator/);
    assert.match(md, /### By Host/);
    assert.match(md, /### By Hunt/);
    assert.match(md, /\| 104\.21\.9\.66:443 \| ip:port \| ⚑ Cloudflare \| 1 \| 2026-04-25 10:00:00 \|/);
  });

  it('escapes pipes, newlines, backticks and HTML in values', () => {
    assert.ok(!md.includes('<script>'), 'no raw HTML');
    assert.ok(md.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(md.includes('ws\\|01 next line \\`tick\\`'));
    assert.ok(md.includes('a\\|b.evil.com'));
    // Every table row still has exactly as many cell separators as its header.
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    const lines = md.split('\n');
    let columns = 0;
    let rows = 0;
    for (const [i, line] of lines.entries()) {
      if (lines[i + 1]?.startsWith('|---')) columns = cells(line);
      else if (line.startsWith('|') && !line.startsWith('|---')) {
        assert.equal(cells(line), columns, line);
        rows++;
      }
    }
    assert.equal(rows, 5);
    assert.ok(
      !md.split('\n').some((l) => l.startsWith('next line')),
      'a newline in a value cannot start a line',
    );
  });

  it('shows control and bidi characters, and makes no link or emphasis of a value', () => {
    const spoof = 'ws\u001b[31mRED\u0007\u0000 abc\u202egnp.exe **bold**[link](javascript:alert(1))';
    const f = [finding({ host: spoof })];
    const out = renderFindingsMarkdown(summarizeFindings(f), f);
    assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    assert.ok(
      out.includes(
        String.raw`| ws\\x1b[31mRED\\x07\\x00 abc\\u202egnp.exe \*\*bold\*\*[link]\(javascript:alert(1)) |`,
      ),
      out,
    );
  });

  it('says so when nothing matched', () => {
    assert.equal(
      renderFindingsMarkdown(summarizeFindings([]), []),
      '## Findings\n\nNo findings: none of the hunts matched an event in the logs searched.\n',
    );
  });
});

describe('renderFindingsTerminal', () => {
  it('prints totals and a table per indicator and per host, flagged indicators marked', () => {
    const out = renderFindingsTerminal(summarizeFindings(sampleFindings()), { color: false });
    assert.ok(!out.includes('\u001b'), 'plain text when not a TTY');
    const lines = out.split('\n');
    assert.match(
      lines[0],
      /^9 findings: 4 indicators \(1 flagged\), 4 hosts, 2 hunts, 2026-04-25 10:00:00 → 2026-04-26 21:00:00 UTC$/,
    );
    const ipLine = lines.find((l) => l.startsWith('104.21.9.66:443'));
    assert.ok(ipLine);
    assert.match(
      ipLine,
      /⚑ Cloudflare\s+ip:port\s+2\s+2026-04-25 11:00:00\s+2026-04-26 09:45:00\s+2: ws-02\.corp\.local, ws-03\.corp\.local/,
    );
    assert.ok(lines.includes('By indicator') && lines.includes('By host'));
    assert.ok(lines.some((l) => /^ws-01\.corp\.local\s+4\s+0\s+/.test(l)));
    assert.ok(lines.some((l) => l.startsWith('(no host)')));
    // Columns line up: every data row's count sits under the Hits header, right-aligned.
    const header = lines[lines.indexOf('By indicator') + 1];
    const hitsAt = header.indexOf('Hits');
    for (const l of lines.slice(lines.indexOf('By indicator') + 3, lines.indexOf('By indicator') + 7))
      assert.match([...l].slice(hitsAt, hitsAt + 5).join(''), /^ *\d+ $/, l);
  });

  it('colours when asked', () => {
    const out = renderFindingsTerminal(summarizeFindings(sampleFindings()), { color: true });
    assert.ok(out.includes('\u001b[1m'));
    assert.ok(out.includes('\u001b[33m⚑ Cloudflare'));
  });

  it('shows control characters of log values instead of sending them to the terminal', () => {
    const out = renderFindingsTerminal(
      summarizeFindings([
        finding({ host: 'ws\u001b[2J\u001b]0;owned\u0007\rX', indicator: 'evil\u202e.com' }),
      ]),
      { color: false },
    );
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u202e]/.test(out), JSON.stringify(out));
    assert.ok(out.includes('ws\\x1b[2J\\x1b]0;owned\\x07\\x0dX'));
    assert.ok(out.includes('evil\\u202e.com'));
  });

  it('caps long tables and says how many more', () => {
    const many = Array.from({ length: 30 }, (_, i) => finding({ indicator: `d${i}.example`, host: `h${i}` }));
    const out = renderFindingsTerminal(summarizeFindings(many), { color: false, maxRows: 10 });
    assert.ok(out.includes('… 20 more indicators'));
    assert.ok(out.includes('… 20 more hosts'));
  });

  it('says No findings when nothing matched', () => {
    assert.match(renderFindingsTerminal(summarizeFindings([]), { color: false }), /^No findings\./);
  });

  it('keeps hostile values in one line', () => {
    const out = renderFindingsTerminal(
      summarizeFindings([finding({ host: HOSTILE_HOST, indicator: HOSTILE_INDICATOR })]),
      {
        color: false,
      },
    );
    assert.ok(out.includes(HOSTILE_INDICATOR));
  });
});
