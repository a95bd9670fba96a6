/** Builds the report model from what generate produced. */
import type { GenerateResult } from '../generate/generate.js';
import { describeCondition } from '../hunts/conditions.js';
import { DATA_SOURCES } from '../hunts/datasources.js';
import type { Exclusion, Hunt } from '../hunts/types.js';
import { defang } from '../intel/refang.js';
import type { Indicator, ReadResult } from '../intel/types.js';
import { ownValue } from '../own.js';
import { exclusionEffectsKql } from '../render/kql/condition.js';
import type { HuntReport, IocRow, ReportHunt, ReportScenario, ReportTable } from './model.js';

const THREAT_WORDS: Record<string, string> = {
  botnet_cc: 'command-and-control (C2) servers',
  payload_delivery: 'malware payload delivery',
  payload: 'malware samples',
  cc_skimming: 'card-skimming infrastructure',
};

const TYPE_WORDS: Record<string, string> = {
  ipv4: 'IP addresses',
  ipv6: 'IPv6 addresses',
  domain: 'domains',
  url: 'URLs',
  md5: 'MD5 hashes',
  sha1: 'SHA-1 hashes',
  sha256: 'SHA-256 hashes',
  email: 'e-mail addresses',
};

/**
 * The report's IOC table shows at most this many rows: a table of millions would make report.md
 * and report.json too large to open (or to build as one string); every indicator is in iocs.csv.
 */
export const IOC_TABLE_LIMIT = 1_000;
export const ALL_IOCS_FILE = 'iocs.csv';

/** Human names of tables that only behaviour hunts use (IOC tables are named in DATA_SOURCES). */
const TABLE_TITLES: Record<string, string> = {
  DeviceProcessEvents: 'Microsoft Defender for Endpoint process events',
  DeviceRegistryEvents: 'Microsoft Defender for Endpoint registry events',
  SecurityEvent: 'Windows Security events (4688 process creation)',
};

/** The seed's type words: `ip:port` for an address with a port. */
export function displayType(i: Indicator): string {
  if (i.type === 'ipv4' || i.type === 'ipv6') return i.port !== null ? 'ip:port' : 'ip';
  return i.type;
}

export function displayValue(i: Indicator): string {
  const value = i.type === 'ipv6' && i.port !== null ? `[${i.value}]` : i.value;
  return defang(i.port !== null && i.type !== 'url' ? `${value}:${i.port}` : value);
}

function iocRow(i: Indicator): IocRow {
  return {
    type: displayType(i),
    value: displayValue(i),
    threatType: i.threatType ?? '—',
    firstSeen: i.firstSeen?.slice(0, 10) ?? '—',
    confidence: i.confidence === null ? '—' : `${i.confidence}%`,
    flags: i.flags.map((f) => f.reason),
  };
}

/** Distinct source files in first-seen order (a loop: millions of indicators, no flat copy). */
function sourceFiles(indicators: Indicator[]): string[] {
  const files = new Set<string>();
  for (const i of indicators) for (const s of i.sources) files.add(s.file);
  return [...files];
}

function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function describe(indicators: Indicator[], families: string[], source: string): string {
  const family =
    families.length === 1
      ? families[0]
      : families.length > 1
        ? `${families.length} malware families`
        : 'unattributed malware';
  const threats = [...new Set(indicators.map((i) => i.threatType).filter((t): t is string => !!t))].map(
    (t) => ownValue(THREAT_WORDS, t) ?? t.replace(/_/g, ' '),
  );
  const types = [...new Set(indicators.map((i) => TYPE_WORDS[i.type]))];
  const flagged = indicators.filter((i) => i.flags.length > 0).length;
  const parts = [
    `These hunts look for ${family} activity through ${indicators.length} known indicators from ${source}: ${joinWords(types) || 'none'}${threats.length ? `, reported as ${joinWords(threats)}` : ''}.`,
    threats.some((t) => t.startsWith('command'))
      ? "A hit means a host may be talking to the attacker's command-and-control, a sign of an established foothold and persistence that SOC teams should investigate and contain."
      : "A hit means a host may have received or run the attacker's tooling; SOC teams should investigate and contain it.",
  ];
  if (flagged > 0) {
    parts.push(
      `${flagged} of the indicators sit on shared or special infrastructure (see Flags), so their hits need context before they are called compromise.`,
    );
  }
  return parts.join(' ');
}

export function buildReport(
  read: ReadResult,
  result: Omit<GenerateResult, 'report'>,
  options: { source: string; now: Date; lookback: string },
): HuntReport {
  const { plan } = result;
  const indicators = plan.indicators;
  const countsByType: Record<string, number> = {};
  for (const i of indicators) countsByType[displayType(i)] = (countsByType[displayType(i)] ?? 0) + 1;

  const effects = exclusionEffectsKql(plan.hunts);
  const hunts: ReportHunt[] = plan.hunts.map((hunt) => ({
    id: hunt.id,
    title: hunt.title,
    kind: hunt.kind,
    table: hunt.table,
    purpose: hunt.purpose,
    severity: hunt.severity,
    tactics: hunt.tactics,
    techniques: hunt.techniques,
    indicatorCount: hunt.indicators.length,
    flaggedIndicatorCount: hunt.indicators.filter((i) => i.flags.length > 0).length,
    delivery: result.deliveries.get(hunt.id) ?? 'inline',
    queries: result.queries
      .filter((q) => q.hunt.id === hunt.id)
      .map((q) => ({ platform: q.platform, file: q.file, kql: q.kql })),
    exclusions: hunt.exclusions.map((e) => ({
      id: e.id,
      reason: e.reason,
      filter: JSON.stringify(e.condition),
    })),
    notes: [],
  }));

  const tables: ReportTable[] = [];
  for (const source of DATA_SOURCES) {
    const count = plan.hunts.filter((h) => h.table === source.table).length;
    if (count > 0)
      tables.push({ table: source.table, title: source.title, connectors: source.connectors, hunts: count });
  }
  for (const hunt of plan.hunts) {
    const known = tables.find((t) => t.table === hunt.table);
    if (known) continue;
    const count = plan.hunts.filter((h) => h.table === hunt.table).length;
    tables.push({
      table: hunt.table,
      title: ownValue(TABLE_TITLES, hunt.table) ?? hunt.table,
      connectors: hunt.connectors,
      hunts: count,
    });
  }

  return {
    title: `${plan.families.length === 1 ? plan.families[0] : 'Threat intelligence'} — Sentinel and Defender XDR hunt`,
    generated: options.now.toISOString(),
    sources: sourceFiles(read.indicators),
    description: describe(indicators, plan.families, options.source),
    iocSummary: {
      families: plan.families,
      total: indicators.length,
      types: Object.keys(countsByType),
      countsByType,
      flagged: indicators.filter((i) => i.flags.length > 0).length,
      rows: indicators.slice(0, IOC_TABLE_LIMIT).map(iocRow),
      ...(indicators.length > IOC_TABLE_LIMIT ? { allRowsFile: ALL_IOCS_FILE } : {}),
    },
    hunts,
    tables,
    falsePositives: falsePositives(plan.hunts),
    improvements: improvements(indicators, result, options.lookback),
    exclusions: effects.map((e) => ({
      id: e.exclusion.id,
      reason: e.exclusion.reason,
      origin: e.exclusion.origin,
      hunts: e.applied.map((a) => a.title),
    })),
    targets: [],
    rejected: {
      count: read.rejected.length,
      first: read.rejected.slice(0, 5).map(({ location, reason }) => ({ location, reason })),
    },
    notes: plan.notes,
  };
}

/** Each scenario once, with the exact filters its exclusions apply. */
function falsePositives(hunts: Hunt[]): ReportScenario[] {
  const byId = new Map<string, ReportScenario>();
  for (const hunt of hunts) {
    for (const scenario of hunt.falsePositives) {
      if (byId.has(scenario.id)) continue;
      const filters = scenario.exclusionIds
        .map((id) => hunt.exclusions.find((e) => e.id === id))
        .filter((e): e is Exclusion => !!e)
        .map((e) => `${e.id}: not (${describeCondition(e.condition)})`);
      byId.set(scenario.id, {
        title: scenario.title,
        description: scenario.description,
        handling: scenario.handling.replace(/ Filter applied — .*$/, ''),
        filters,
      });
    }
  }
  return [...byId.values()];
}

function improvements(
  indicators: Indicator[],
  result: Omit<GenerateResult, 'report'>,
  lookback: string,
): string[] {
  const out: string[] = [];
  const shared = indicators.filter((i) => i.flags.some((f) => f.category === 'shared-infrastructure'));
  if (shared.length > 0) {
    const lists = [...new Set(shared.flatMap((i) => i.flags.map((f) => f.reason)))];
    out.push(
      `${shared.length} of ${indicators.length} indicators are shared infrastructure (${lists.join('; ')}): they still hunt, but every query, finding and report line carries the flag — a plain address match hits every site behind the same CDN.`,
    );
  }
  const ported = indicators.filter((i) => i.port !== null && (i.type === 'ipv4' || i.type === 'ipv6'));
  if (ported.length > 0) {
    out.push(
      `${ported.length} ip:port indicators keep their port: connection hunts require it where the table has a port column, instead of matching any service on the address.`,
    );
  }
  if (indicators.some((i) => i.type === 'domain')) {
    out.push(
      'Domain hunts match the domain or a subdomain exactly (x.theponzu.com yes; nottheponzu.com and theponzu.com.evil.net no); `has_any` stays only as the term-indexed pre-filter, because alone it also matches theponzu.com.evil.net.',
    );
  }
  out.push(
    `Every query has a time window (\`let lookback = ${lookback};\`) and a header naming its source, family, date and indicator count, and returns the matched indicator in \`MatchedIndicator\`, newest first.`,
  );
  const tables = [...new Set(result.plan.hunts.map((h) => h.table))];
  out.push(
    `Hunts cover ${tables.length} tables (${tables.join(', ')}), including ASIM parsers that read every normalised source.`,
  );
  const excluded = exclusionEffectsKql(result.plan.hunts).filter((e) => e.applied.length > 0);
  if (excluded.length > 0) {
    out.push(
      `False-positive scenarios are code: ${excluded.length} exclusions are compiled into the queries as \`| where not(...)\` (listed per hunt), instead of prose that no query applies.`,
    );
  }
  const behaviour = result.plan.hunts.filter((h) => h.kind === 'behaviour').length;
  if (behaviour > 0) {
    out.push(
      `${behaviour} family behaviour hunts (process, registry and Windows 4688 events) look for the malware on hosts even after its infrastructure changes.`,
    );
  }
  const nonInline = [...result.deliveries.entries()].filter(([, d]) => d !== 'inline');
  if (nonInline.length > 0) {
    out.push(
      `${nonInline.length} analytics rules exceed 10,000 characters inline and were split or moved to a watchlist.`,
    );
  }
  return out;
}
