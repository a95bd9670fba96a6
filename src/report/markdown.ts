/** report.md: the seed's sections, generated. Table cells are escaped so no value breaks the layout. */
import type { HuntReport } from './model.js';
import { terminalSafe } from './terminal-safe.js';

/**
 * A Markdown table cell: newlines folded, other control and bidi characters shown as \x.. (log
 * values are attacker-controlled), pipes, backticks and `*` escaped, `](` broken and
 * HTML-significant characters neutralised: a value stays text in its own cell, never code,
 * emphasis or a link. (Brackets alone stay, so defanged `104[.]21` reads as it is.)
 */
export function mdCell(text: string): string {
  return terminalSafe(text.replace(/[\r\n\u2028\u2029]+/g, ' '))
    .replace(/([\\|`*])/g, '\\$1')
    .replace(/\]\(/g, ']\\(')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Inline text outside tables: one line, control characters shown, Markdown and HTML specials escaped. */
export function mdText(text: string): string {
  return terminalSafe(text.replace(/[\r\n\u2028\u2029]+/g, ' '))
    .replace(/([\\`*_[\]#|])/g, '\\$1')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A fenced block whose fence is longer than any backtick run inside, so content cannot close it. */
export function mdFence(lang: string, body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body.replace(/\n$/, '')}\n${fence}`;
}

/** A Markdown table; every cell goes through mdCell. */
export function mdTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ].join('\n');
}

export function renderMarkdown(report: HuntReport): string {
  const out: string[] = [];
  const s = report.iocSummary;
  out.push(`# ${mdText(report.title)}`, '');
  out.push(`_Generated ${report.generated} by huntforge from ${report.sources.map(mdText).join(', ')}._`, '');
  out.push(mdText(report.description), '');

  out.push('## IOC Summary', '');
  out.push(`**Malware Family:** ${s.families.length ? s.families.map(mdText).join(', ') : 'unattributed'}  `);
  out.push(`**Total IOCs:** ${s.total}  `);
  out.push(`**IOC Types:** ${s.types.map(mdText).join(', ') || 'none'}  `);
  out.push(
    `**Flagged:** ${s.flagged} (shared infrastructure, reserved ranges, dynamic DNS or benign lists)`,
    '',
  );
  out.push(
    mdTable(
      ['Type', 'Value', 'Threat Type', 'First Seen', 'Confidence', 'Flags'],
      s.rows.map((r) => [
        r.type,
        r.value,
        r.threatType,
        r.firstSeen,
        r.confidence,
        r.flags.join('; ') || '—',
      ]),
    ),
    '',
  );
  if (s.allRowsFile)
    out.push(
      `_First ${s.rows.length} of ${s.total} indicators shown; all ${s.total} are in ${mdText(s.allRowsFile)}._`,
      '',
    );

  out.push('## Hunting Queries', '');
  for (const h of report.hunts) {
    out.push(`### ${mdText(h.title)}${h.kind === 'behaviour' ? ` — ${mdText(h.table)}` : ''}`, '');
    out.push(
      `- **Table:** ${mdText(h.table)} · **Severity:** ${h.severity} · **ATT&CK:** ${[...h.tactics, ...h.techniques].join(', ')}`,
    );
    out.push(
      `- **Indicators:** ${h.indicatorCount}${h.flaggedIndicatorCount ? ` (${h.flaggedIndicatorCount} flagged)` : ''} · **Analytics rule delivery:** ${h.delivery}`,
    );
    out.push(`- **What it matches:** ${mdText(h.purpose)}`);
    for (const e of h.exclusions)
      out.push(
        `- **Exclusion \`${mdText(e.id)}\`:** ${mdText(e.reason)} — \`${e.filter.replace(/`/g, "'")}\``,
      );
    for (const n of h.notes) out.push(`- **Note:** ${mdText(n)}`);
    out.push('');
    for (const q of h.queries) {
      out.push(
        `${q.platform === 'defender' ? 'Defender XDR advanced hunting' : 'Microsoft Sentinel'} (\`${q.file}\`):`,
        '',
      );
      out.push(mdFence('kql', q.kql), '');
    }
  }

  out.push('## Required Tables and Data Connectors', '');
  out.push(
    mdTable(
      ['Sentinel Table', 'Source', 'Data Connectors', 'Hunts'],
      report.tables.map((t) => [
        t.table,
        t.title,
        t.connectors.map((c) => `${c.connectorId} (${c.dataTypes.join(', ')})`).join('; '),
        String(t.hunts),
      ]),
    ),
    '',
    'Check that each connector is enabled and sending data before trusting an empty result: `huntforge run --check` does it for a workspace.',
    '',
  );

  out.push('## False Positive Scenarios', '');
  if (report.falsePositives.length === 0) out.push('None recorded for these hunts.', '');
  for (const f of report.falsePositives) {
    out.push(`### ${mdText(f.title)}`, '');
    out.push(`**Description:** ${mdText(f.description)}  `);
    out.push(`**Handling:** ${mdText(f.handling)}`);
    for (const filter of f.filters) out.push(`- Filter applied: \`${filter.replace(/`/g, "'")}\``);
    out.push('');
  }

  if (report.exclusions.length > 0) {
    out.push('## Exclusions Applied', '');
    out.push(
      mdTable(
        ['Id', 'Reason', 'Origin', 'Hunts changed'],
        report.exclusions.map((e) => [e.id, e.reason, e.origin, String(e.hunts.length)]),
      ),
      '',
    );
  }

  out.push('## What Changed Versus a Naive IOC Hunt', '');
  for (const i of report.improvements) out.push(`- ${mdText(i)}`);
  out.push('');

  if (report.targets.length > 0) {
    out.push('## Other Targets Written', '');
    for (const t of report.targets) {
      out.push(
        `- **${mdText(t.name)}**: ${t.files.length} files${t.notes.length ? `; ${t.notes.map(mdText).join('; ')}` : ''}`,
      );
    }
    out.push('');
  }

  if (report.rejected.count > 0 || report.notes.length > 0) {
    out.push('## Notes', '');
    if (report.rejected.count > 0) {
      out.push(`- ${report.rejected.count} input records were rejected; first ones:`);
      for (const r of report.rejected.first) out.push(`  - ${mdText(r.location)}: ${mdText(r.reason)}`);
    }
    for (const n of report.notes) out.push(`- ${mdText(n)}`);
    out.push('');
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
