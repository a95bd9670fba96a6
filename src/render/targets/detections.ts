/**
 * Groups planned hunts into target-neutral detections. The planner makes one hunt per Sentinel
 * table; other languages have their own log sources, so hunts of the same kind and family become
 * one detection there (one Sigma rule, one SPL search, …). Nothing is dropped: merged hunts are
 * named in notes, and their indicators, exclusions and scenarios are united.
 */

import { exclusionApplies } from '../../hunts/exclusions.js';
import { uuidV5 } from '../../hunts/ids.js';
import { HUNT_TABLES } from '../../hunts/profiles.js';
import type {
  Condition,
  Exclusion,
  FalsePositiveScenario,
  Hunt,
  HuntKind,
  Severity,
} from '../../hunts/types.js';
import type { Indicator } from '../../intel/types.js';
import { indicatorKey, slugify, sortIndicators } from './indicator-facts.js';
import type { TargetNote } from './types.js';

export interface Detection {
  /** `kind|family` (plus the selection for behaviour hunts): the de-duplication key. */
  key: string;
  /** File-name stem, unique within one render: `nanocore-rat-domain`. */
  slug: string;
  /** Stable UUID for the detection (Sigma id, rule ids). */
  id: string;
  kind: HuntKind;
  family: string | null;
  /** The merged hunts, in planner order; notes about the detection go to the first. */
  hunts: Hunt[];
  title: string;
  description: string;
  indicators: Indicator[];
  /** Exclusions whose scope covers this detection, de-duplicated by id. */
  exclusions: Exclusion[];
  falsePositives: FalsePositiveScenario[];
  tactics: string[];
  techniques: string[];
  severity: Severity;
  /** ip:port indicators must match their port (false only when every merged hunt says ignorePort). */
  requirePort: boolean;
  selection?: Condition;
  tables: string[];
  /** Target-neutral remarks every renderer passes on as notes. */
  remarks: string[];
}

const KIND_TITLES: Record<HuntKind, string> = {
  ip: 'connections to IOC IP addresses',
  domain: 'lookups of IOC domains',
  url: 'requests to IOC URLs',
  hash: 'IOC file hashes',
  'dns-then-connect': 'IOC domain lookup followed by a connection',
  behaviour: 'host behaviour',
};

const SEVERITY_ORDER: Severity[] = ['Informational', 'Low', 'Medium', 'High'];

/**
 * Tables whose rows are process creations only after the planner's table filter (SecurityEvent
 * 4688). Other targets read process creation from their own log source, so the filter is dropped
 * there and the hunt becomes the same detection as its DeviceProcessEvents twin.
 */
const PROCESS_CREATION_TABLES = ['SecurityEvent', 'DeviceProcessEvents'];

/** A behaviour selection as other targets need it: without a process-creation table filter. */
function portableSelection(hunt: Hunt): Condition | undefined {
  const selection = hunt.selection;
  const tableFilter = HUNT_TABLES[hunt.table]?.selection;
  if (!selection || !tableFilter || !PROCESS_CREATION_TABLES.includes(hunt.table) || !('all' in selection)) {
    return selection;
  }
  const filter = JSON.stringify(tableFilter);
  const rest = selection.all.filter((c) => JSON.stringify(c) !== filter);
  if (rest.length === 0) return selection;
  return rest.length === 1 ? rest[0] : { all: rest };
}

/**
 * Behaviour detections whose hunts all read process creation; the others (registry writes …) have
 * no mapping in the other targets yet, and are reported as such.
 */
export function readsProcessCreation(detection: Detection): boolean {
  return detection.kind === 'behaviour' && detection.tables.every((t) => PROCESS_CREATION_TABLES.includes(t));
}

function detectionKey(hunt: Hunt): string {
  const base = `${hunt.kind}|${(hunt.family ?? '').toLowerCase()}`;
  return hunt.kind === 'behaviour' ? `${base}|${JSON.stringify(portableSelection(hunt) ?? null)}` : base;
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

function describe(kind: HuntKind, family: string | null, indicators: Indicator[], tables: string[]): string {
  const flagged = indicators.filter((i) => i.flags.length > 0).length;
  const flagNote =
    flagged > 0
      ? ` ${flagged} of them are flagged (shared infrastructure, reserved or benign lists): review hits before calling them compromise.`
      : '';
  const plural = indicators.length === 1 ? '' : 's';
  return (
    `${family ? `${family}: ` : ''}${KIND_TITLES[kind]}, ${indicators.length} known indicator${plural}.${flagNote}` +
    ` The same detection as huntforge's Sentinel hunts over ${tables.join(', ')}.`
  );
}

function buildDetection(hunts: Hunt[], key: string): Omit<Detection, 'slug'> {
  const first = hunts[0];
  const tables = [...new Set(hunts.map((h) => h.table))];
  const remarks: string[] = [];
  // Each hunt's exclusions as the planner scoped them (kind and table).
  const perHunt = hunts.map((h) => h.exclusions.filter((e) => exclusionApplies(e, h.kind, h.table)));
  const candidates = uniqueBy(perHunt.flat(), (e) => e.id);
  const exclusions: Exclusion[] = [];
  for (const exclusion of candidates) {
    const concerned = hunts.filter((_, i) => perHunt[i].some((e) => e.id === exclusion.id));
    if (concerned.length === hunts.length) {
      exclusions.push(exclusion);
      continue;
    }
    // Applying it to the merged rule would hide rows of the other tables' hunts too.
    remarks.push(
      `exclusion ${exclusion.id} (${exclusion.reason}) concerns only ${concerned.map((h) => h.table).join(', ')}; ` +
        'not applied to the merged rule, which also covers other tables: expect its false positives',
    );
  }
  const family = first.family;
  const indicators = sortIndicators(
    uniqueBy(
      hunts.flatMap((h) => h.indicators),
      indicatorKey,
    ),
  );
  const title =
    first.kind === 'behaviour' ? first.title : `${family ?? 'Unattributed'}: ${KIND_TITLES[first.kind]}`;
  const severity = hunts
    .map((h) => h.severity)
    .reduce((a, b) => (SEVERITY_ORDER.indexOf(b) > SEVERITY_ORDER.indexOf(a) ? b : a));
  return {
    key,
    id: uuidV5(`detection:${key}`),
    kind: first.kind,
    family,
    hunts,
    title,
    description:
      first.kind === 'behaviour' ? first.description : describe(first.kind, family, indicators, tables),
    indicators,
    exclusions,
    falsePositives: uniqueBy(
      hunts.flatMap((h) => h.falsePositives),
      (s) => s.id,
    ),
    tactics: [...new Set(hunts.flatMap((h) => h.tactics))],
    techniques: [...new Set(hunts.flatMap((h) => h.techniques))],
    severity,
    requirePort: !hunts.every((h) => h.match?.ignorePort === true),
    selection: portableSelection(first),
    tables,
    remarks,
  };
}

/**
 * Tables of a domain detection that see the names in connections or web requests rather than in
 * DNS lookups (proxy/firewall logs, URL clicks): they call for a web-request form of the hunt.
 */
export function webDomainTables(detection: Detection): string[] {
  if (detection.kind !== 'domain') return [];
  return detection.tables.filter((table) => !/dns/i.test(table));
}

/** Hunts → detections, in the order their first hunt was planned. */
export function groupDetections(hunts: Hunt[]): Detection[] {
  const groups = new Map<string, Hunt[]>();
  for (const hunt of hunts) {
    const key = detectionKey(hunt);
    const group = groups.get(key);
    if (group) group.push(hunt);
    else groups.set(key, [hunt]);
  }
  const usedSlugs = new Set<string>();
  return [...groups.entries()].map(([key, group]) => {
    const detection = buildDetection(group, key);
    const stem = slugify(`${detection.family ?? 'unattributed'} ${detection.kind}`);
    let slug = stem;
    for (let n = 2; usedSlugs.has(slug); n++) slug = `${stem}-${n}`;
    usedSlugs.add(slug);
    return { ...detection, slug };
  });
}

/**
 * The notes every target reports for a detection: merged hunts (so none disappears silently) and
 * the target-neutral remarks. `unit` names what the target makes, e.g. `Sigma rule`.
 */
export function detectionNotes(detection: Detection, unit: string): TargetNote[] {
  const [first, ...merged] = detection.hunts;
  return [
    ...merged.map((hunt) => ({
      huntId: hunt.id,
      message: `rendered together with hunt ${first.id} (${first.table}) as one ${unit}: same kind and family`,
    })),
    ...detection.remarks.map((message) => ({ huntId: first.id, message })),
  ];
}

/** Notes without repeats (a detection rendered in two forms may hit the same limit twice). */
export function uniqueNotes(notes: TargetNote[]): TargetNote[] {
  return uniqueBy(notes, (n) => `${n.huntId}\u0000${n.message}`);
}

/** Every distinct indicator of the hunts (for the indicator exports: STIX, MISP, Zeek, watchlist). */
export function allIndicators(hunts: Hunt[]): Indicator[] {
  return sortIndicators(
    uniqueBy(
      hunts.flatMap((h) => h.indicators),
      indicatorKey,
    ),
  );
}

/**
 * The hunts each indicator appears in, so exports can name its family, tactics and hunts.
 * Keyed by `indicatorKey`.
 */
export function huntsByIndicator(hunts: Hunt[]): Map<string, Hunt[]> {
  const map = new Map<string, Hunt[]>();
  for (const hunt of hunts) {
    for (const ind of hunt.indicators) {
      const key = indicatorKey(ind);
      const list = map.get(key);
      if (!list) map.set(key, [hunt]);
      else if (!list.includes(hunt)) list.push(hunt);
    }
  }
  return map;
}
