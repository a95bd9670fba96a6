/**
 * The planner: indicators in, hunts out. Decides which tables can see which indicators and what
 * each hunt means; renderers only translate. (pySigma's "rule" step.)
 */
import type { Indicator, IndicatorType } from '../intel/types.js';
import type { ValueLists } from './conditions.js';
import {
  DATA_SOURCES,
  type DataSource,
  dataSource,
  IOC_KINDS,
  type IocKind,
  localTableFor,
  type Platform,
} from './datasources.js';
import { exclusionsFor, mergeExclusions } from './exclusions.js';
import { stableGuid } from './ids.js';
import { behaviourHunts, profilesFor } from './profiles.js';
import { iocScenarios } from './scenarios.js';
import type { Exclusion, Hunt, Severity } from './types.js';

export interface PlanOptions {
  /** Match ip:port indicators on the address alone (the port-less variant). Default false. */
  ignorePort?: boolean;
  /** Leave out flagged indicators (shared infrastructure, reserved, …). Default false: they hunt, flagged. */
  dropFlagged?: boolean;
  /** Only plan hunts for these tables. */
  tables?: string[];
  /** Only plan hunts for tables available on this platform. */
  platform?: Platform;
  /** Apply exclusions (scenarios, family profiles, huntforge.yaml). Default true. */
  exclusions?: boolean;
  /** The user's exclusions (huntforge.yaml), applied to every hunt in their scope. */
  userExclusions?: Exclusion[];
  /** Named value lists (huntforge.yaml `lists:`) that shipped exclusions draw on. */
  lists?: ValueLists;
  /** Behaviour profiles to add besides those of the families the indicators name (`--family`). */
  families?: string[];
  /** Add family behaviour hunts at all. Default true. */
  behaviour?: boolean;
}

export interface HuntPlan {
  hunts: Hunt[];
  indicators: Indicator[];
  /** Printable family names named by the indicators, most frequent first. */
  families: string[];
  /** Things the plan could not cover, e.g. indicator types no bundled table can see. */
  notes: string[];
}

const KIND_OF_TYPE: Record<IndicatorType, IocKind | null> = {
  ipv4: 'ip',
  ipv6: 'ip',
  domain: 'domain',
  url: 'url',
  md5: 'hash',
  sha1: 'hash',
  sha256: 'hash',
  email: null,
};

// Ports that are normal for the protocols C2 usually hides in; anything else earns T1571.
const STANDARD_PORTS = new Set([53, 80, 443, 8080, 8443]);

export function iocKindOf(type: IndicatorType): IocKind | null {
  return KIND_OF_TYPE[type];
}

export function planHunts(allIndicators: Indicator[], options: PlanOptions = {}): HuntPlan {
  const notes: string[] = [];
  const indicators = options.dropFlagged ? allIndicators.filter((i) => i.flags.length === 0) : allIndicators;
  if (options.dropFlagged && indicators.length < allIndicators.length)
    notes.push(`${allIndicators.length - indicators.length} flagged indicators left out (--drop-flagged).`);
  const families = rankFamilies(indicators);
  const familyLabel =
    families.length === 1 ? families[0] : families.length > 1 ? `${families.length} families` : null;

  const byKind = new Map<IocKind, Indicator[]>();
  for (const indicator of indicators) {
    const kind = KIND_OF_TYPE[indicator.type];
    if (!kind) continue;
    const list = byKind.get(kind);
    if (list) list.push(indicator);
    else byKind.set(kind, [indicator]);
  }
  const emails = indicators.filter((i) => i.type === 'email').length;
  if (emails > 0)
    notes.push(`${emails} e-mail indicators have no bundled table to hunt in; they are listed only.`);

  const hunts: Hunt[] = [];
  const applyExclusions = options.exclusions !== false;
  const userExclusions = applyExclusions ? (options.userExclusions ?? []) : [];
  for (const kind of IOC_KINDS) {
    const kindIndicators = byKind.get(kind);
    if (!kindIndicators) continue;
    const sources = DATA_SOURCES.filter(
      (s) =>
        s.coverage[kind] &&
        (!options.tables || options.tables.includes(s.table)) &&
        (!options.platform || s.platforms.includes(options.platform)),
    );
    if (sources.length === 0) notes.push(`No selected table can see ${kind} indicators.`);
    const scenarios = iocScenarios([kind], { lists: options.lists });
    for (const source of sources) {
      const hunt = iocHunt(kind, source, kindIndicators, familyLabel, options);
      hunt.falsePositives = scenarios.scenarios;
      if (applyExclusions) {
        const table = localTableFor(source.table);
        hunt.exclusions = exclusionsFor(mergeExclusions(scenarios.exclusions, userExclusions), kind, table);
      }
      hunts.push(hunt);
    }
  }

  const correlated = correlatedHunt(byKind.get('ip'), byKind.get('domain'), familyLabel, options);
  if (correlated) {
    const scenarios = iocScenarios(['dns-then-connect'], { lists: options.lists });
    correlated.falsePositives = scenarios.scenarios;
    if (applyExclusions) {
      correlated.exclusions = exclusionsFor(
        mergeExclusions(scenarios.exclusions, userExclusions),
        'dns-then-connect',
        correlated.table,
      );
    }
    hunts.push(correlated);
  }

  if (options.behaviour !== false) {
    // distinct names first: a feed of millions repeats a handful of family names
    const named = new Set<string>();
    for (const i of indicators) {
      named.add(i.malware ?? '');
      for (const id of i.malwareIds) named.add(id);
      for (const alias of i.malwareAliases) named.add(alias);
    }
    for (const profile of profilesFor([...named, ...(options.families ?? [])])) {
      for (const hunt of behaviourHunts(profile, { lists: options.lists })) {
        if (options.tables && !options.tables.includes(hunt.table)) continue;
        if (options.platform === 'defender' && !hunt.table.startsWith('Device')) continue;
        hunt.exclusions = applyExclusions
          ? mergeExclusions(hunt.exclusions, exclusionsFor(userExclusions, 'behaviour', hunt.table))
          : [];
        hunts.push(hunt);
      }
      if (!families.includes(profile.name)) families.push(profile.name);
    }
  }
  return { hunts, indicators, families, notes };
}

function iocHunt(
  kind: IocKind,
  source: DataSource,
  indicators: Indicator[],
  family: string | null,
  options: PlanOptions,
): Hunt {
  const coverage = source.coverage[kind]!;
  const { tactics, techniques } = attackFor(kind, indicators);
  const subject = family ?? 'threat-intel';
  return {
    id: stableGuid(family ?? '', kind, source.table),
    kind,
    title: `${subject} ${KIND_TITLE[kind]} in ${source.table}`,
    description: describe(kind, source, indicators, family),
    purpose: purposeFor(kind, source, indicators, options),
    table: source.table,
    project: [],
    projectColumns: coverage.project,
    connectors: source.connectors,
    indicators,
    indicatorTypes: [...new Set(indicators.map((i) => i.type))],
    match: { indicatorType: kind, ...coverage.match, ignorePort: options.ignorePort ?? false },
    severity: severityFor(indicators),
    tactics,
    techniques,
    entityMappings: coverage.entityMappings,
    exclusions: [],
    falsePositives: [],
    family,
  };
}

/** Minutes within which a connection must follow the lookup of an indicator domain. */
export const LOOKUP_WINDOW_MINUTES = 10;

/**
 * Addresses on shared infrastructure (a CDN front) say little alone; a connection to one right
 * after the same client resolved an indicator domain says much more. Planned when a feed has both.
 */
function correlatedHunt(
  ips: Indicator[] | undefined,
  domains: Indicator[] | undefined,
  family: string | null,
  options: PlanOptions,
): Hunt | null {
  if (!ips?.length || !domains?.length) return null;
  const connections = dataSource('DeviceNetworkEvents')!;
  const lookups = dataSource('DnsEvents')!;
  if (options.tables && !options.tables.includes(connections.table)) return null;
  if (options.platform === 'defender') return null;
  const base = iocHunt('ip', connections, ips, family, options);
  const subject = family ?? 'threat-intel';
  return {
    ...base,
    id: stableGuid(family ?? '', 'dns-then-connect', connections.table),
    kind: 'dns-then-connect',
    title: `${subject} IOC domain looked up, then IOC address contacted (DnsEvents → DeviceNetworkEvents)`,
    description: `Finds connections to ${ips.length} indicator addresses made within ${LOOKUP_WINDOW_MINUTES} minutes after the same client resolved one of ${domains.length} indicator domains: the address alone may be a shared CDN front, the lookup-then-connect sequence is not.`,
    purpose: `Matches a DeviceNetworkEvents connection to an indicator address (with its port for ip:port indicators) whose LocalIP looked up an indicator domain or subdomain in DnsEvents (ClientIP) up to ${LOOKUP_WINDOW_MINUTES} minutes before.`,
    connectors: [...connections.connectors, ...lookups.connectors],
    indicatorTypes: [...new Set([...ips, ...domains].map((i) => i.type))],
    projectColumns: [
      'TimeGenerated',
      'DeviceName',
      'LocalIP',
      'RemoteIP',
      'RemotePort',
      'InitiatingProcessFileName',
      'LookupTime',
      'LookedUpName',
      'MatchedDomain',
    ],
    severity: 'High',
    correlation: {
      lookupTable: lookups.table,
      lookupMatch: { indicatorType: 'domain', ...lookups.coverage.domain!.match, ignorePort: false },
      domains,
      lookupClientColumn: 'ClientIP',
      clientColumn: 'LocalIP',
      windowMinutes: LOOKUP_WINDOW_MINUTES,
    },
  };
}

const KIND_TITLE: Record<IocKind, string> = {
  ip: 'IOC addresses contacted',
  domain: 'IOC domains looked up or contacted',
  url: 'IOC URLs requested',
  hash: 'IOC file hashes seen',
};

function describe(kind: IocKind, source: DataSource, indicators: Indicator[], family: string | null): string {
  const who = family ? `${family} ` : '';
  const what = {
    ip: 'network connections to or from',
    domain: 'DNS lookups of or connections to',
    url: 'requests for',
    hash: 'files or processes matching',
  }[kind];
  const flagged = indicators.filter((i) => i.flags.length > 0).length;
  const flagNote =
    flagged > 0
      ? ` ${flagged} of the ${indicators.length} indicators are flagged (shared infrastructure or reserved), so hits need review before they are called compromise.`
      : '';
  return `Finds ${what} ${indicators.length} known ${who}indicators in ${source.title} (${source.table}).${flagNote}`;
}

function purposeFor(
  kind: IocKind,
  source: DataSource,
  indicators: Indicator[],
  options: PlanOptions,
): string {
  const m = source.coverage[kind]!.match;
  switch (kind) {
    case 'ip': {
      const withPort = indicators.filter((i) => i.port !== null).length;
      const cols = m.endpoints!.map((e) => (e.port ? `${e.ip}:${e.port}` : e.ip)).join(' or ');
      const portRule =
        withPort === 0
          ? 'the indicators carry no port, so any port matches'
          : options.ignorePort
            ? 'ports ignored on request (--ignore-port): any port matches'
            : `${withPort} ip:port indicators also require their port, so other services on the same (often shared) address do not match`;
      return `Matches ${cols} equal to an indicator address; ${portRule}.`;
    }
    case 'domain': {
      const cols = m.domainColumns!.map((c) =>
        c.holds === 'url-host' ? `the host of ${c.column}` : c.column,
      );
      return `Matches ${cols.join(' or ')} equal to an indicator domain or any subdomain of it (x.theponzu.com), case-insensitive, trailing dot ignored; has_any is only the indexed pre-filter, because on its own it also matches look-alikes such as theponzu.com.evil.net.`;
    }
    case 'url':
      return `Matches ${m.urlColumns!.join(' or ')} equal to an indicator URL, scheme and host case-insensitive, path case-sensitive.`;
    case 'hash':
      return `Matches ${m.hashColumns!.map((c) => c.column).join(', ')} equal to an indicator hash of the same type, case-insensitive.`;
  }
}

function attackFor(kind: IocKind, indicators: Indicator[]): { tactics: string[]; techniques: string[] } {
  const threatTypes = new Set(indicators.map((i) => i.threatType ?? ''));
  const tactics = new Set<string>();
  const techniques = new Set<string>();
  if (kind === 'hash') {
    tactics.add('Execution');
    techniques.add('T1204');
  } else {
    tactics.add('CommandAndControl');
    techniques.add('T1071');
  }
  if (threatTypes.has('payload_delivery') && kind !== 'hash') techniques.add('T1105');
  if (kind === 'ip' && indicators.some((i) => i.port !== null && !STANDARD_PORTS.has(i.port)))
    techniques.add('T1571');
  if (kind === 'domain' && indicators.some((i) => i.flags.some((f) => f.category === 'dynamic-dns'))) {
    techniques.add('T1568');
  }
  return { tactics: [...tactics], techniques: [...techniques].sort() };
}

function severityFor(indicators: Indicator[]): Severity {
  const unflagged = indicators.filter((i) => i.flags.length === 0);
  if (unflagged.length === 0) return 'Low';
  return unflagged.some((i) => (i.confidence ?? 0) >= 75) ? 'High' : 'Medium';
}

function rankFamilies(indicators: Indicator[]): string[] {
  const counts = new Map<string, number>();
  for (const i of indicators) if (i.malware) counts.set(i.malware, (counts.get(i.malware) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
}
