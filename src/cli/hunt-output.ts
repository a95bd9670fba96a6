/**
 * What `huntforge hunt -o DIR` writes besides the findings on standard output: the generated hunts,
 * packages and report (as `generate -o` writes them), findings.json, findings.csv, report.md and
 * report.html. Loaded only when -o is given: rendering every target is not needed otherwise.
 */
import { join } from 'node:path';
import type { LocalHuntResult } from '../engine/run-hunts.js';
import { type GenerateResult, generateFromIndicators } from '../generate/generate.js';
import { writeGenerated } from '../generate/write.js';

import { writeFileAtomic } from '../io/atomic.js';
import {
  type FindingsSummary,
  findingsCsv,
  findingsJson,
  renderFindingsMarkdown,
} from '../report/findings.js';
import { renderHtmlReport } from '../report/html.js';
import { renderMarkdown } from '../report/markdown.js';

export { generateFromIndicators };

export async function writeHuntOutput(
  out: string,
  generated: GenerateResult,
  result: LocalHuntResult,
  summary: FindingsSummary,
): Promise<void> {
  await writeGenerated(out, generated);
  const doc = findingsJson(result.findings, summary, result.summary, result.warnings);
  await writeFileAtomic(join(out, 'findings.json'), `${JSON.stringify(doc, null, 2)}\n`);
  await writeFileAtomic(join(out, 'findings.csv'), findingsCsv(result.findings));
  await writeFileAtomic(
    join(out, 'report.md'),
    `${renderMarkdown(generated.report)}\n${renderFindingsMarkdown(summary, result.findings, result.warnings)}`,
  );
  await writeFileAtomic(
    join(out, 'report.html'),
    renderHtmlReport(generated.report, result.findings, summary, {
      run: result.summary,
      warnings: result.warnings,
    }),
  );
}
