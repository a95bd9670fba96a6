/**
 * A Microsoft Sentinel watchlist CSV of the indicators: SearchKey first (the indicator value, so
 * `_GetWatchlist('...')` joins on it), then type, value, port, family, threat type, confidence,
 * flags. Every cell goes through `csvCell`, which also neutralises spreadsheet formulas.
 */
import type { Hunt } from '../../hunts/types.js';
import { allIndicators, huntsByIndicator } from './detections.js';
import { flagSummary, indicatorKey, slugify } from './indicator-facts.js';
import type { TargetContext, TargetOutput } from './types.js';

export const WATCHLIST_COLUMNS = [
  'SearchKey',
  'Type',
  'Value',
  'Port',
  'Family',
  'ThreatType',
  'Confidence',
  'Flags',
  'FirstSeen',
  'LastSeen',
  'Source',
] as const;

/**
 * One RFC 4180 cell. A cell a spreadsheet would run as a formula (starting with = + - @, tab or CR)
 * gets a leading `'`; cells with a comma, quote or line break are quoted with `"` doubled.
 */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderWatchlist(hunts: Hunt[], context: TargetContext): TargetOutput {
  const output: TargetOutput = { target: 'watchlist', files: [], notes: [] };
  for (const hunt of hunts) {
    if (hunt.kind === 'behaviour') {
      output.notes.push({
        huntId: hunt.id,
        message: 'host behaviour is not an indicator: not in the watchlist',
      });
    }
  }
  const indicators = allIndicators(hunts);
  if (indicators.length === 0) return output;
  const huntsOf = huntsByIndicator(hunts);
  const rows = indicators.map((ind) =>
    [
      ind.value,
      ind.type,
      ind.value,
      ind.port,
      ind.malware ?? huntsOf.get(indicatorKey(ind))?.find((h) => h.family)?.family ?? null,
      ind.threatType,
      ind.confidence,
      flagSummary(ind),
      ind.firstSeen,
      ind.lastSeen,
      context.source,
    ]
      .map(csvCell)
      .join(','),
  );
  const content = `${[WATCHLIST_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
  output.files.push({ path: `watchlist/${slugify(context.source)}-iocs.csv`, content });
  return output;
}
