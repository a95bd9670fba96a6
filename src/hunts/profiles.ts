/**
 * Family behaviour profiles: data files (data/profiles/<family>.yaml), one per malware family, that
 * describe host behaviours to hunt (process creation, registry writes), each with its false-positive
 * scenarios as structured exclusions. A new family is a new file; no code changes.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import type { Node } from 'yaml';
import { type ExclusionTemplate, parseCondition, parseExclusion } from '../config/condition.js';
import { join, YamlSource } from '../config/yaml.js';
import { dataPath } from '../paths.js';
import { columnFor, type LogicalField } from '../schemas/fields.js';
import { type BundledData, loadBundled } from './bundled-data.js';
import { type ConditionTemplate, describeCondition, resolveTemplate, type ValueLists } from './conditions.js';
import { stableGuid } from './ids.js';
import type {
  Condition,
  DataConnector,
  EntityMapping,
  Exclusion,
  FalsePositiveScenario,
  Hunt,
  Severity,
} from './types.js';

/** How each table a profile may hunt is used: an extra selection, its connectors and columns. */
export const HUNT_TABLES: Record<
  string,
  { selection?: Condition; connectors: DataConnector[]; projectColumns: string[] }
> = {
  DeviceProcessEvents: {
    connectors: [{ connectorId: 'MicrosoftThreatProtection', dataTypes: ['DeviceProcessEvents'] }],
    projectColumns: ['InitiatingProcessCommandLine', 'InitiatingProcessFolderPath', 'SHA1'],
  },
  SecurityEvent: {
    // 4688: a new process has been created (needs process-creation auditing with command lines)
    selection: { field: 'SecurityEvent.EventID', operator: 'equals', values: ['4688'] },
    connectors: [
      { connectorId: 'SecurityEvents', dataTypes: ['SecurityEvent'] },
      { connectorId: 'WindowsSecurityEvents', dataTypes: ['SecurityEvent'] },
    ],
    projectColumns: ['EventID'],
  },
  DeviceRegistryEvents: {
    // value writes only: key creation and deletion do not carry the data a persistence hunt reads
    selection: { field: 'DeviceRegistryEvents.ActionType', operator: 'equals', values: ['RegistryValueSet'] },
    connectors: [{ connectorId: 'MicrosoftThreatProtection', dataTypes: ['DeviceRegistryEvents'] }],
    projectColumns: ['ActionType', 'RegistryKey', 'RegistryValueName', 'RegistryValueData'],
  },
};

/** Tables a hunt runs on when its profile does not name any: process creation in Defender and 4688. */
export const DEFAULT_HUNT_TABLES = ['DeviceProcessEvents', 'SecurityEvent'];

export const SEVERITIES: readonly Severity[] = ['Informational', 'Low', 'Medium', 'High'];

/** ATT&CK enterprise tactics as Sentinel writes them (no spaces). */
export const TACTICS = [
  'Reconnaissance',
  'ResourceDevelopment',
  'InitialAccess',
  'Execution',
  'Persistence',
  'PrivilegeEscalation',
  'DefenseEvasion',
  'CredentialAccess',
  'Discovery',
  'LateralMovement',
  'Collection',
  'CommandAndControl',
  'Exfiltration',
  'Impact',
] as const;

const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;
const SOFTWARE = /^S\d{4}$/;
const ID = /^[a-z0-9][a-z0-9-]*$/;

export interface ProfileScenario {
  id: string;
  title: string;
  description: string;
  /** Prose of the handling; the exact filters are appended when hunts are built. */
  handling: string;
  exclusions: ExclusionTemplate[];
}

export interface BehaviourHuntSpec {
  /** Suffix unique within the profile, e.g. `scheduled-task-dhcp-monitor`. */
  id: string;
  title: string;
  description: string;
  tables: string[];
  selection: ConditionTemplate;
  severity: Severity;
  tactics: string[];
  techniques: string[];
  falsePositives: ProfileScenario[];
}

export interface FamilyProfile {
  /** File-name id, e.g. `nanocore`. */
  id: string;
  /** Printable name, e.g. `Nanocore RAT`. */
  name: string;
  /** Other names: ThreatFox printable names and aliases, Malpedia ids (`win.nanocore`). */
  aliases: string[];
  /** ATT&CK software id, e.g. S0336. */
  attackId: string;
  references: string[];
  /** Where the facts come from, and when they were collected. */
  source: string;
  hunts: BehaviourHuntSpec[];
  /** The file it was loaded from, for messages. */
  file: string;
}

const PROFILE_KEYS = ['id', 'name', 'aliases', 'attackId', 'references', 'source', 'hunts'] as const;
const HUNT_KEYS = [
  'id',
  'title',
  'description',
  'tables',
  'selection',
  'severity',
  'tactics',
  'techniques',
  'falsePositives',
] as const;
const SCENARIO_KEYS = ['id', 'title', 'description', 'handling', 'exclusions'] as const;

/** Parses one profile file's text; throws YamlFileError listing every problem with file:line. */
export function parseProfile(text: string, label: string): FamilyProfile {
  const src = new YamlSource(label, text);
  const entries = src.mapping(src.root, '', PROFILE_KEYS, 'a profile mapping');
  src.assertValid();
  const get = (key: string) => entries?.get(key)?.value;
  const required = (key: string) => src.required(entries, key, src.root, '');
  const profile: FamilyProfile = {
    id: src.string(required('id'), 'id') ?? '',
    name: src.string(required('name'), 'name') ?? '',
    aliases: src.stringList(required('aliases'), 'aliases') ?? [],
    attackId: src.string(required('attackId'), 'attackId') ?? '',
    references: src.stringList(get('references'), 'references') ?? [],
    source: src.string(required('source'), 'source') ?? '',
    hunts: [],
    file: label,
  };
  if (profile.id && !ID.test(profile.id))
    src.report(get('id'), 'id', 'expected lowercase letters, digits and -');
  if (profile.attackId && !SOFTWARE.test(profile.attackId)) {
    src.report(
      get('attackId'),
      'attackId',
      `'${profile.attackId}' is not an ATT&CK software id (S and 4 digits)`,
    );
  }
  const huntIds = new Set<string>();
  const exclusionIds = new Set<string>();
  const hunts = src.sequence(required('hunts'), 'hunts', 'a list of hunts') ?? [];
  hunts.forEach((node, i) => {
    const hunt = parseHunt(src, node, join('hunts', i));
    if (!hunt) return;
    if (huntIds.has(hunt.id))
      src.report(node, join(join('hunts', i), 'id'), `duplicate hunt id '${hunt.id}'`);
    huntIds.add(hunt.id);
    for (const exclusion of hunt.falsePositives.flatMap((s) => s.exclusions)) {
      if (exclusionIds.has(exclusion.id)) {
        src.problems.push({
          file: label,
          line: exclusion.line,
          path: 'exclusions',
          message: `duplicate exclusion id '${exclusion.id}'`,
        });
      }
      exclusionIds.add(exclusion.id);
    }
    profile.hunts.push(hunt);
  });
  src.assertValid();
  return profile;
}

function parseHunt(src: YamlSource, node: Node, path: string): BehaviourHuntSpec | undefined {
  const entries = src.mapping(node, path, HUNT_KEYS, 'a hunt mapping');
  if (!entries) return undefined;
  const get = (key: string) => src.required(entries, key, node, path);
  const idNode = get('id');
  const id = src.string(idNode, join(path, 'id'));
  if (id !== undefined && !ID.test(id))
    src.report(idNode, join(path, 'id'), 'expected lowercase letters, digits and -');
  const title = src.string(get('title'), join(path, 'title'));
  const description = src.string(get('description'), join(path, 'description'));
  const tables = entries.has('tables')
    ? checkedList(src, entries.get('tables')!.value, join(path, 'tables'), Object.keys(HUNT_TABLES))
    : DEFAULT_HUNT_TABLES;
  const severity = checkedList(
    src,
    get('severity'),
    join(path, 'severity'),
    SEVERITIES,
    true,
  )?.[0] as Severity;
  const tactics = checkedList(src, get('tactics'), join(path, 'tactics'), TACTICS);
  const techniquesNode = get('techniques');
  const techniques = src.stringList(techniquesNode, join(path, 'techniques'));
  for (const t of techniques ?? []) {
    if (!TECHNIQUE.test(t)) {
      src.report(
        techniquesNode,
        join(path, 'techniques'),
        `'${t}' is not a technique id (T1234 or T1234.001)`,
      );
    }
  }
  const selectionNode = get('selection');
  const selection =
    selectionNode &&
    parseCondition(src, selectionNode, join(path, 'selection'), { lists: { allowed: true } });
  const falsePositives: ProfileScenario[] = [];
  if (entries.has('falsePositives')) {
    const items = src.sequence(entries.get('falsePositives')!.value, join(path, 'falsePositives')) ?? [];
    items.forEach((item, i) => {
      const scenario = parseScenario(src, item, join(join(path, 'falsePositives'), i));
      if (!scenario) return;
      const { extra: _extra, ...rest } = scenario;
      falsePositives.push(rest);
    });
  }
  if (!id || !title || !description || !tables || !severity || !tactics || !techniques || !selection)
    return undefined;
  return { id, title, description, tables, selection, severity, tactics, techniques, falsePositives };
}

/** A false-positive scenario; shared with the IOC scenario file. */
export function parseScenario(
  src: YamlSource,
  node: Node,
  path: string,
  extraKeys: readonly string[] = [],
): (ProfileScenario & { extra: Map<string, Node | null> }) | undefined {
  const entries = src.mapping(node, path, [...SCENARIO_KEYS, ...extraKeys], 'a scenario mapping');
  if (!entries) return undefined;
  const get = (key: string) => src.required(entries, key, node, path);
  const id = src.string(get('id'), join(path, 'id'));
  const title = src.string(get('title'), join(path, 'title'));
  const description = src.string(get('description'), join(path, 'description'));
  const handling = src.string(get('handling'), join(path, 'handling'));
  const exclusions: ExclusionTemplate[] = [];
  if (entries.has('exclusions')) {
    const items = src.sequence(entries.get('exclusions')!.value, join(path, 'exclusions')) ?? [];
    items.forEach((item, i) => {
      const exclusion = parseExclusion(src, item, join(join(path, 'exclusions'), i), {
        lists: { allowed: true },
      });
      if (exclusion) exclusions.push(exclusion);
    });
  }
  if (!id || !title || !description || !handling) return undefined;
  const extra = new Map([...entries].filter(([k]) => extraKeys.includes(k)).map(([k, v]) => [k, v.value]));
  return { id, title, description, handling, exclusions, extra };
}

/** A list whose items must come from `allowed` (or one such scalar when `single`). */
function checkedList(
  src: YamlSource,
  node: Node | undefined,
  path: string,
  allowed: readonly string[],
  single = false,
): string[] | undefined {
  const hint = ` (allowed: ${allowed.join(', ')})`;
  if (node === undefined) return undefined;
  const values = single ? [src.string(node, path)] : src.stringList(node, path, hint);
  if (!values || values.some((v) => v === undefined)) return undefined;
  const bad = (values as string[]).filter((v) => !allowed.includes(v));
  if (bad.length > 0) {
    src.report(
      node,
      path,
      `unknown value${bad.length > 1 ? 's' : ''} ${bad.map((b) => `'${b}'`).join(', ')}${hint}`,
    );
    return undefined;
  }
  return values as string[];
}

/** The profiles in a folder: its .yaml files, sorted by name, each parsed with its folder/file label. */
function profilesIn(dir: string): BundledData<FamilyProfile[]> {
  return {
    name: 'profiles',
    files: () =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
        .sort()
        .map((f) => `${dir}/${f}`),
    parse: (files) => files.map((f) => parseProfile(f.text, `${basename(dir)}/${basename(f.path)}`)),
  };
}

/** The shipped profiles (data/profiles). */
export const BUNDLED_PROFILES = profilesIn(dataPath('profiles'));

let cached: FamilyProfile[] | undefined;

/** Every profile under data/profiles (or `dir`), sorted by id; throws on the first invalid file. */
export function loadProfiles(dir: string = dataPath('profiles')): FamilyProfile[] {
  if (dir !== dataPath('profiles')) return loadBundled(profilesIn(dir));
  cached ??= loadBundled(BUNDLED_PROFILES);
  return cached;
}

/** Comparable form of a family name: `Agent Tesla`, `agent_tesla`, `AgentTesla` compare equal. */
export function familyKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/^[a-z]+\./, (platform) =>
      ['win.', 'elf.', 'osx.', 'apk.', 'jar.', 'js.', 'ps1.'].includes(platform) ? '' : platform,
    )
    .replace(/[^a-z0-9]/g, '');
}

/**
 * The profiles naming any of `families` (printable name, alias, profile id or Malpedia id such as
 * win.nanocore; case, spaces and punctuation ignored), in profile order, each once.
 */
export function profilesFor(families: string[], profiles: FamilyProfile[] = loadProfiles()): FamilyProfile[] {
  const wanted = new Set(families.map(familyKey).filter((k) => k !== ''));
  return profiles.filter((p) => [p.id, p.name, ...p.aliases].some((n) => wanted.has(familyKey(n))));
}

export interface BehaviourHuntOptions {
  /**
   * Lookback window, e.g. `14d`. Accepted for the planner's call shape; the Hunt model carries no
   * window, the renderers take it from their own options.
   */
  lookback?: string;
  /** Named lists from huntforge.yaml for exclusions that draw on them. */
  lists?: ValueLists;
}

const PROJECT: LogicalField[] = [
  'time',
  'host',
  'user',
  'process',
  'processPath',
  'commandLine',
  'parentProcess',
];

/** Complete hunts for every behaviour of `profile` on each of its tables. */
export function behaviourHunts(profile: FamilyProfile, options: BehaviourHuntOptions = {}): Hunt[] {
  const hunts: Hunt[] = [];
  for (const spec of profile.hunts) {
    const resolved = resolveTemplate(spec.selection, options.lists);
    if (!resolved) continue; // a selection made only of empty lists hunts nothing
    const { exclusions, scenarios } = profileExclusions(profile, spec, options.lists);
    for (const table of spec.tables) {
      const tableSpec = HUNT_TABLES[table];
      const selection: Condition = tableSpec.selection ? { all: [tableSpec.selection, resolved] } : resolved;
      hunts.push({
        id: stableGuid('behaviour', profile.id, spec.id, table),
        kind: 'behaviour',
        title: `${profile.name}: ${spec.title}`,
        description: spec.description,
        purpose: `${profile.name} (${profile.attackId}) behaviour on ${table}: ${spec.title}.`,
        table,
        project: projectFields(table),
        projectColumns: tableSpec.projectColumns,
        connectors: tableSpec.connectors,
        indicators: [],
        indicatorTypes: [],
        selection,
        severity: spec.severity,
        tactics: spec.tactics,
        techniques: spec.techniques,
        entityMappings: entityMappings(table),
        exclusions,
        falsePositives: scenarios,
        family: profile.name,
      });
    }
  }
  return hunts;
}

/** Logical fields with a column in `table`, each column once (4688 has one column for both). */
function projectFields(table: string): LogicalField[] {
  const seen = new Set<string>();
  return PROJECT.filter((field) => {
    const column = columnFor(table, field);
    if (!column || seen.has(column)) return false;
    seen.add(column);
    return true;
  });
}

function entityMappings(table: string): EntityMapping[] {
  const out: EntityMapping[] = [];
  const host = columnFor(table, 'host');
  const user = columnFor(table, 'user');
  const commandLine = columnFor(table, 'commandLine');
  if (host) out.push({ entityType: 'Host', fieldMappings: [{ identifier: 'HostName', columnName: host }] });
  if (user) out.push({ entityType: 'Account', fieldMappings: [{ identifier: 'Name', columnName: user }] });
  if (commandLine) {
    out.push({
      entityType: 'Process',
      fieldMappings: [{ identifier: 'CommandLine', columnName: commandLine }],
    });
  }
  return out;
}

/** The hunt's scenarios with their exclusions resolved; ids are namespaced by profile. */
function profileExclusions(
  profile: FamilyProfile,
  spec: BehaviourHuntSpec,
  lists: ValueLists | undefined,
): { exclusions: Exclusion[]; scenarios: FalsePositiveScenario[] } {
  const exclusions: Exclusion[] = [];
  const scenarios = spec.falsePositives.map((scenario) => {
    const applied: Exclusion[] = [];
    for (const template of scenario.exclusions) {
      const condition = resolveTemplate(template.condition, lists);
      if (!condition) continue;
      applied.push({
        id: `${profile.id}.${template.id}`,
        reason: template.reason,
        scope: template.scope,
        condition,
        origin: `profile:${profile.id} (${profile.file}:${template.line})`,
      });
    }
    exclusions.push(...applied);
    return {
      id: `${profile.id}.${scenario.id}`,
      title: scenario.title,
      description: scenario.description,
      handling: withFilters(scenario.handling, applied),
      exclusionIds: applied.map((e) => e.id),
    };
  });
  return { exclusions, scenarios };
}

/** Handling prose followed by the exact filters applied, for the report. */
export function withFilters(handling: string, exclusions: Exclusion[]): string {
  if (exclusions.length === 0) return handling;
  const filters = exclusions.map((e) => `${e.id}: not (${describeCondition(e.condition)})`).join('; ');
  return `${handling} Filter applied — ${filters}.`;
}
