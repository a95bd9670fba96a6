/**
 * False-positive scenarios of IOC hunts (data/scenarios/ioc.yaml): shared CDN infrastructure,
 * sinkholes, security tooling, browser prefetch, internal resolvers and proxies — each with its
 * structured exclusion or the prose of its handling.
 */
import { readFileSync } from 'node:fs';
import type { ExclusionTemplate } from '../config/condition.js';
import { join, YamlSource } from '../config/yaml.js';
import { dataPath } from '../paths.js';
import { type BundledData, loadBundled } from './bundled-data.js';
import { resolveTemplate, type ValueLists } from './conditions.js';
import { HUNT_KINDS, isHuntKind } from './exclusions.js';
import { type ProfileScenario, parseScenario, withFilters } from './profiles.js';
import type { Exclusion, FalsePositiveScenario, HuntKind } from './types.js';

export interface IocScenario extends ProfileScenario {
  /** Hunt kinds the scenario concerns. */
  kinds: HuntKind[];
}

export interface IocScenarioFile {
  source: string;
  /** Default values of named lists (e.g. known sinkhole addresses); huntforge.yaml adds to them. */
  lists: ValueLists;
  scenarios: IocScenario[];
}

/** Parses a scenario file; throws YamlFileError listing every problem with file:line. */
export function parseScenarioFile(text: string, label: string): IocScenarioFile {
  const src = new YamlSource(label, text);
  const entries = src.mapping(src.root, '', ['source', 'lists', 'scenarios'], 'a scenario file mapping');
  src.assertValid();
  const file: IocScenarioFile = {
    source: src.string(src.required(entries, 'source', src.root, ''), 'source') ?? '',
    lists: {},
    scenarios: [],
  };
  for (const [name, { value }] of src.peek(entries?.get('lists')?.value)) {
    const values = src.stringList(value, join('lists', name));
    if (values) file.lists[name] = values;
  }
  const scenariosNode = src.required(entries, 'scenarios', src.root, '');
  const items = src.sequence(scenariosNode, 'scenarios', 'a list of scenarios') ?? [];
  items.forEach((node, i) => {
    const path = join('scenarios', i);
    const scenario = parseScenario(src, node, path, ['kinds']);
    if (!scenario) return;
    const kindsNode = scenario.extra.get('kinds') ?? src.required(new Map(), 'kinds', node, path);
    const hint = ` (allowed: ${HUNT_KINDS.join(', ')})`;
    const kinds = src.stringList(kindsNode, join(path, 'kinds'), hint);
    if (!kinds) return;
    const unknown = kinds.filter((k) => !isHuntKind(k));
    if (kinds.length === 0 || unknown.length > 0) {
      const what =
        unknown.length > 0 ? `unknown hunt kind '${unknown[0]}'` : 'expected at least one hunt kind';
      src.report(kindsNode, join(path, 'kinds'), `${what}${hint}`);
      return;
    }
    const { extra: _extra, ...rest } = scenario;
    file.scenarios.push({ ...rest, kinds: kinds as HuntKind[] });
  });
  src.assertValid();
  return file;
}

/** The shipped scenarios of IOC hunts (data/scenarios/ioc.yaml). */
export const BUNDLED_IOC_SCENARIOS: BundledData<IocScenarioFile> = {
  name: 'ioc-scenarios',
  files: () => [dataPath('scenarios', 'ioc.yaml')],
  parse: ([file]) => parseScenarioFile(file.text, 'scenarios/ioc.yaml'),
};

let cached: IocScenarioFile | undefined;

export function loadIocScenarioFile(path: string = dataPath('scenarios', 'ioc.yaml')): IocScenarioFile {
  if (path !== dataPath('scenarios', 'ioc.yaml'))
    return parseScenarioFile(readFileSync(path, 'utf8'), 'scenarios/ioc.yaml');
  cached ??= loadBundled(BUNDLED_IOC_SCENARIOS);
  return cached;
}

/** Shipped list values joined with the user's (huntforge.yaml `lists:`); user values add, never replace. */
export function mergeLists(...sets: (ValueLists | undefined)[]): ValueLists {
  const out: ValueLists = {};
  for (const set of sets) {
    for (const [name, values] of Object.entries(set ?? {}))
      out[name] = [...new Set([...(out[name] ?? []), ...values])];
  }
  return out;
}

/**
 * The scenarios concerning hunts of `kinds`, and the exclusions they bring. Exclusions whose lists
 * are all empty (not configured) are left out; their scenario's handling says how to enable them.
 */
export function iocScenarios(
  kinds: HuntKind[],
  options: { lists?: ValueLists } = {},
): { scenarios: FalsePositiveScenario[]; exclusions: Exclusion[] } {
  const file = loadIocScenarioFile();
  const lists = mergeLists(file.lists, options.lists);
  const scenarios: FalsePositiveScenario[] = [];
  const exclusions: Exclusion[] = [];
  for (const scenario of file.scenarios) {
    if (!scenario.kinds.some((k) => kinds.includes(k))) continue;
    const applied = scenario.exclusions
      .map((template) => toExclusion(scenario, template, lists))
      .filter((e): e is Exclusion => e !== null);
    exclusions.push(...applied);
    scenarios.push({
      id: `ioc.${scenario.id}`,
      title: scenario.title,
      description: scenario.description,
      handling: withFilters(scenario.handling, applied),
      exclusionIds: applied.map((e) => e.id),
    });
  }
  return { scenarios, exclusions };
}

function toExclusion(
  scenario: IocScenario,
  template: ExclusionTemplate,
  lists: ValueLists,
): Exclusion | null {
  const condition = resolveTemplate(template.condition, lists);
  if (!condition) return null;
  return {
    id: `ioc.${template.id}`,
    reason: template.reason,
    scope: template.scope,
    condition,
    origin: `scenario:${scenario.id}`,
  };
}
