/**
 * `huntforge generate` as a library call: indicators → hunts → KQL, Sentinel packages and the
 * report, all in memory. writeOutput.ts puts it on disk.
 */
import { basename } from 'node:path';
import { dataSource, type Platform } from '../hunts/datasources.js';
import { indicatorLists } from '../hunts/lists.js';
import { type HuntPlan, type PlanOptions, planHunts } from '../hunts/plan.js';
import type { Hunt } from '../hunts/types.js';
import type { Indicator, ReadResult } from '../intel/types.js';
import { canRender, type KqlRenderOptions, renderHuntKql } from '../render/kql/hunt.js';
import { armTemplate } from '../render/sentinel/arm.js';
import {
  type AnalyticsRule,
  analyticsRule,
  type HuntingQuery,
  huntingQuery,
} from '../render/sentinel/rule.js';
import { type Delivery, sizeRules, watchlistAlias } from '../render/sentinel/sizing.js';
import { renderTarget, type TargetName } from '../render/targets/index.js';
import type { TargetContext, TargetOutput } from '../render/targets/types.js';
import { buildReport } from '../report/build.js';
import type { HuntReport } from '../report/model.js';
import { formatLimitWarnings } from './format-limits.js';

export interface GenerateOptions extends PlanOptions {
  /** KQL timespan for the hunts' window, e.g. `14d`. */
  lookback?: string;
  /** Label of the intel source for headers and the report, e.g. `ThreatFox - Nanocore RAT`. */
  source?: string;
  /** Fixed clock for reproducible output (tests, golden files). */
  now?: Date;
  platforms?: Platform[];
  /** Other targets to write besides Sentinel/Defender KQL (Sigma, SPL, …). */
  targets?: TargetName[];
}

export interface GeneratedQuery {
  hunt: Hunt;
  platform: Platform;
  kql: string;
  /** Path relative to the output folder. */
  file: string;
}

export interface GeneratedRule {
  rule: AnalyticsRule;
  huntId: string;
  file: string;
}

export interface WatchlistRow {
  SearchKey: string;
  ListName: string;
  IndicatorType: string;
  Family: string;
}

export interface Watchlist {
  alias: string;
  file: string;
  rowCount: number;
  /** Values in the watchlist's largest list (one `ListName`). */
  largestList: number;
  /** The rows built as they are iterated: a watchlist of millions is never held whole. */
  eachRow(): Iterable<WatchlistRow>;
  /** All rows at once (small watchlists, tests). */
  readonly rows: WatchlistRow[];
}

export interface GenerateResult {
  plan: HuntPlan;
  queries: GeneratedQuery[];
  huntingQueries: { query: HuntingQuery; file: string }[];
  rules: GeneratedRule[];
  deliveries: Map<string, Delivery>;
  watchlists: Watchlist[];
  arm: { file: string; template: object };
  /** Files of other targets (Sigma, SPL, …), relative to the output folder. */
  extraFiles?: { path: string; content: string }[];
  report: HuntReport;
  /** Limits of the output formats that these indicators exceed (also in the report's notes). */
  warnings: string[];
}

/**
 * Sentinel hunting queries carry their indicator lists inline up to this many values per list and
 * read a watchlist beyond it (as analytics rules do past 10,000 characters).
 */
export const INLINE_LIST_LIMIT = 5_000;

/**
 * Defender XDR has no watchlists: its queries carry the lists inline (packed) up to this many
 * values per list and fetch the watchlist CSV with `externaldata` beyond it, so a query never holds
 * millions of values.
 */
export const DEFENDER_INLINE_LIST_LIMIT = 100_000;

/** Where a Defender query fetches a watchlist CSV until the user hosts it and puts its URL there. */
export function externalWatchlistUrl(alias: string): string {
  return `https://example.invalid/huntforge/watchlists/${alias}.csv`;
}

export function lookbackDays(lookback: string): number {
  const m = /^(\d+)([dhm])$/.exec(lookback);
  if (!m) return 14;
  return Number(m[1]) / { d: 1, h: 24, m: 1440 }[m[2] as 'd' | 'h' | 'm'];
}

export function fileSlug(hunt: Hunt): string {
  // Several behaviours share a table, so their file names also carry the behaviour's title.
  const behaviour = hunt.kind === 'behaviour' ? `-${hunt.title.split(': ').slice(1).join(' ')}` : '';
  return `${hunt.kind}${behaviour}-${hunt.table.replace(/^_+/, '')}`
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 120);
}

export function generateFromIndicators(read: ReadResult, options: GenerateOptions = {}): GenerateResult {
  const lookback = options.lookback ?? '14d';
  const now = options.now ?? new Date();
  const plan = planHunts(read.indicators, options);
  const source = options.source ?? sourceLabel(read.indicators, plan.families);
  const platforms = options.platforms ?? ['sentinel', 'defender'];
  const base = { lookback, source, generated: now };

  const watchlists = new Map<string, Watchlist>();
  const queries: GeneratedQuery[] = [];
  for (const hunt of plan.hunts) {
    const largest = hunt.match
      ? Math.max(0, ...[...indicatorLists(hunt.match, hunt.indicators).values()].map((v) => v.length))
      : 0;
    for (const platform of platforms) {
      if (!canRender(hunt, platform)) continue;
      const file = `kql/${platform}/${fileSlug(hunt)}`;
      if (largest <= INLINE_LIST_LIMIT) {
        queries.push({
          hunt,
          platform,
          kql: renderHuntKql(hunt, { ...base, platform }),
          file: `${file}.kql`,
        });
      } else if (platform === 'sentinel') {
        const alias = watchlistAlias(hunt);
        addWatchlistRows(watchlists, alias, hunt);
        const kql = renderHuntKql(hunt, { ...base, platform, indicatorSource: { kind: 'watchlist', alias } });
        queries.push({ hunt, platform, kql, file: `${file}.kql` });
      } else if (largest <= DEFENDER_INLINE_LIST_LIMIT) {
        // Defender XDR has no watchlists: the lists stay inline, packed into one literal each.
        queries.push({
          hunt,
          platform,
          kql: renderHuntKql(hunt, { ...base, platform }),
          file: `${file}.kql`,
        });
      } else {
        const alias = watchlistAlias(hunt);
        addWatchlistRows(watchlists, alias, hunt);
        const url = externalWatchlistUrl(alias);
        const kql = renderHuntKql(hunt, {
          ...base,
          platform,
          indicatorSource: { kind: 'externaldata', url },
        });
        const note = `// Indicators: ${largest} values are too many to inline; host watchlists/${alias}.csv where Defender XDR can fetch it (e.g. blob storage with a SAS token) and replace ${url} below.\n`;
        queries.push({ hunt, platform, kql: note + kql, file: `${file}.kql` });
      }
    }
  }

  const sentinelQueries = queries.filter((q) => q.platform === 'sentinel');
  const huntingQueries = sentinelQueries.map((q) => ({
    query: huntingQuery(q.hunt, q.kql),
    file: `sentinel/hunting/${fileSlug(q.hunt)}.yaml`,
  }));

  const rules: GeneratedRule[] = [];
  const deliveries = new Map<string, Delivery>();
  const sentinel: KqlRenderOptions = { ...base, platform: 'sentinel' };
  for (const q of sentinelQueries) {
    const sized = sizeRules(
      q.hunt,
      (h) => renderHuntKql(h, sentinel),
      (h, alias) => renderHuntKql(h, { ...sentinel, indicatorSource: { kind: 'watchlist', alias } }),
    );
    deliveries.set(q.hunt.id, sized.delivery);
    if (sized.watchlistAlias) addWatchlistRows(watchlists, sized.watchlistAlias, q.hunt);
    sized.parts.forEach((part, index) => {
      const rule = analyticsRule(part.hunt, part.query, lookbackDays(lookback), {
        id: part.id,
        name: part.name,
      });
      const suffix = sized.parts.length > 1 ? `-part${index + 1}` : '';
      rules.push({ rule, huntId: q.hunt.id, file: `sentinel/analytics/${fileSlug(q.hunt)}${suffix}.yaml` });
    });
  }

  const arm = { file: 'sentinel/arm/analytics-rules.json', template: armTemplate(rules.map((r) => r.rule)) };
  const targetWarnings: string[] = [];
  const targetOutputs = (options.targets ?? []).map((name) =>
    renderTargetWithin(name, plan.hunts, { source, generated: now, lookback }, targetWarnings),
  );
  const result = {
    plan,
    queries,
    huntingQueries,
    rules,
    deliveries,
    watchlists: [...watchlists.values()],
    arm,
    extraFiles: targetOutputs.flatMap((t) => t.files),
    report: undefined as unknown as HuntReport,
    warnings: [] as string[],
  };
  result.report = buildReport(read, result, { source, now, lookback });
  result.report.targets = targetOutputs.map((t) => ({
    name: t.target,
    files: t.files.map((f) => f.path),
    notes: t.notes.map((n) => n.message),
  }));
  result.warnings = [...targetWarnings, ...formatLimitWarnings(result.watchlists)];
  if (result.warnings.length > 0) result.report.notes = [...result.report.notes, ...result.warnings];
  return result;
}

/**
 * A target whose files are built as single strings cannot hold every indicator of a feed of
 * millions (V8 caps a string at about 512 MB): that target is left out with a warning instead of
 * ending the whole run.
 */
function renderTargetWithin(
  name: TargetName,
  hunts: Hunt[],
  context: TargetContext,
  warnings: string[],
): TargetOutput {
  try {
    return renderTarget(name, hunts, context);
  } catch (err) {
    if (!(err instanceof RangeError) || !/Invalid (string|array) length/.test(err.message)) throw err;
    const distinct = new Set<Indicator>();
    for (const hunt of hunts) for (const indicator of hunt.indicators) distinct.add(indicator);
    const indicators = distinct.size;
    const message = `${name}: ${indicators} indicators are more than its files can hold; not written. Narrow the feed (--family, --type, --max-age) for this target.`;
    warnings.push(message);
    return { target: name, files: [], notes: [{ huntId: '', message }] };
  }
}

function addWatchlistRows(watchlists: Map<string, Watchlist>, alias: string, hunt: Hunt): void {
  if (watchlists.has(alias) || !hunt.match) return;
  const match = hunt.match;
  let rowCount = 0;
  let largestList = 0;
  for (const values of indicatorLists(match, hunt.indicators).values()) {
    rowCount += values.length;
    largestList = Math.max(largestList, values.length);
  }
  function* eachRow(): Generator<WatchlistRow> {
    for (const [listName, values] of indicatorLists(match, hunt.indicators)) {
      for (const value of values) {
        yield { SearchKey: value, ListName: listName, IndicatorType: hunt.kind, Family: hunt.family ?? '' };
      }
    }
  }
  watchlists.set(alias, {
    alias,
    file: `watchlists/${alias}.csv`,
    rowCount,
    largestList,
    eachRow,
    get rows() {
      return [...eachRow()];
    },
  });
}

function sourceLabel(indicators: Indicator[], families: string[]): string {
  const formats = new Set<string>();
  const fileSet = new Set<string>();
  for (const i of indicators) {
    for (const s of i.sources) {
      formats.add(s.format);
      fileSet.add(basename(s.file));
    }
  }
  const files = [...fileSet];
  const feed = [...formats].some((f) => f.startsWith('threatfox'))
    ? 'ThreatFox'
    : files.slice(0, 2).join(', ') || 'threat intelligence';
  return families.length === 1 ? `${feed} - ${families[0]}` : feed;
}

export function isAsim(table: string): boolean {
  return !!dataSource(table)?.asimFunction;
}
