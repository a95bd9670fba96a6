/** Puts a GenerateResult on disk in the documented output layout. */
import { join } from 'node:path';
import { indicatorsToCsv } from '../intel/present.js';
import type { Indicator } from '../intel/types.js';
import { writeFileAtomic } from '../io/atomic.js';
import { analyticsRuleYaml, huntingQueryYaml } from '../render/sentinel/yaml.js';
import { csvLine } from '../report/csv.js';
import { renderMarkdown } from '../report/markdown.js';
import type { GenerateResult, Watchlist } from './generate.js';
import { writeStreamAtomic } from './stream-file.js';

const WATCHLIST_HEADER = ['SearchKey', 'ListName', 'IndicatorType', 'Family'];

export async function writeGenerated(dir: string, result: GenerateResult): Promise<string[]> {
  const files = new Map<string, string>();
  // per-indicator files: written piece by piece, never one string of millions of rows
  const streamed = new Map<string, () => Iterable<string>>();
  for (const q of result.queries) files.set(q.file, q.kql);
  for (const h of result.huntingQueries) files.set(h.file, huntingQueryYaml(h.query));
  for (const r of result.rules) files.set(r.file, analyticsRuleYaml(r.rule));
  if (result.rules.length > 0)
    files.set(result.arm.file, `${JSON.stringify(result.arm.template, null, 2)}\n`);
  for (const w of result.watchlists) streamed.set(w.file, () => watchlistCsv(w));
  for (const extra of result.extraFiles ?? []) files.set(extra.path, extra.content);
  const allRows = result.report.iocSummary.allRowsFile;
  if (allRows) streamed.set(allRows, () => indicatorCsv(result.plan.indicators));
  files.set('report.md', renderMarkdown(result.report));
  files.set('report.json', `${JSON.stringify(result.report, null, 2)}\n`);
  for (const [file, content] of files) await writeFileAtomic(join(dir, file), content);
  for (const [file, pieces] of streamed) await writeStreamAtomic(join(dir, file), pieces());
  return [...files.keys(), ...streamed.keys()].sort();
}

/** The watchlist as csvDocument would write it: CRLF after every row, the header included. */
function* watchlistCsv(w: Watchlist): Generator<string> {
  yield `${csvLine(WATCHLIST_HEADER)}\r\n`;
  for (const r of w.eachRow()) yield `${csvLine([r.SearchKey, r.ListName, r.IndicatorType, r.Family])}\r\n`;
}

/** Every indicator, in the columns of `huntforge iocs --csv`, a few thousand rows at a time. */
function* indicatorCsv(indicators: Indicator[]): Generator<string> {
  const BATCH = 4096;
  for (let start = 0; start === 0 || start < indicators.length; start += BATCH) {
    const text = indicatorsToCsv(indicators.slice(start, start + BATCH));
    yield start === 0 ? text : text.slice(text.indexOf('\r\n') + 2);
  }
}
