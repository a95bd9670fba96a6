/** Puts a GenerateResult on disk in the documented output layout. */
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { analyticsRuleYaml, huntingQueryYaml } from '../render/sentinel/yaml.js';
import { csvDocument } from '../report/csv.js';
import { renderMarkdown } from '../report/markdown.js';
import type { GenerateResult } from './generate.js';

export async function writeGenerated(dir: string, result: GenerateResult): Promise<string[]> {
  const files = new Map<string, string>();
  for (const q of result.queries) files.set(q.file, q.kql);
  for (const h of result.huntingQueries) files.set(h.file, huntingQueryYaml(h.query));
  for (const r of result.rules) files.set(r.file, analyticsRuleYaml(r.rule));
  if (result.rules.length > 0)
    files.set(result.arm.file, `${JSON.stringify(result.arm.template, null, 2)}\n`);
  for (const w of result.watchlists) {
    files.set(
      w.file,
      csvDocument(
        ['SearchKey', 'ListName', 'IndicatorType', 'Family'],
        w.rows.map((r) => [r.SearchKey, r.ListName, r.IndicatorType, r.Family]),
      ),
    );
  }
  for (const extra of result.extraFiles ?? []) files.set(extra.path, extra.content);
  files.set('report.md', renderMarkdown(result.report));
  files.set('report.json', `${JSON.stringify(result.report, null, 2)}\n`);
  for (const [file, content] of files) await writeFileAtomic(join(dir, file), content);
  return [...files.keys()].sort();
}
