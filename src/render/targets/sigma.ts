/**
 * Sigma (specification v2) rules: one rule per detection, with the Sigma taxonomy's field names per
 * log source, `|endswith` for subdomains, `|cidr` for ranges, and exclusions as `filter_*`
 * selections combined with `and not`. Values go through `sigmaValue`; YAML quoting is left to the
 * YAML serializer, which re-parses to the same strings.
 */

import { uuidV5 } from '../../hunts/ids.js';
import type { Condition, ConditionOperator, Hunt } from '../../hunts/types.js';
import type { Indicator } from '../../intel/types.js';
import { yamlPackage } from '../../packages/yaml.js';
import type { LogicalField } from '../../schemas/fields.js';
import {
  type Detection,
  detectionNotes,
  groupDetections,
  readsProcessCreation,
  uniqueNotes,
  webDomainTables,
} from './detections.js';
import {
  domainNames,
  flagSummary,
  indicatorLabel,
  isHashIndicator,
  isIpIndicator,
  isoDate,
  slugify,
  tacticSlug,
  techniqueSlug,
} from './indicator-facts.js';
import type { TargetContext, TargetNote, TargetOutput } from './types.js';

/**
 * A Sigma string value: `*` and `?` are wildcards in Sigma, so literal ones are escaped, and a
 * backslash that would otherwise escape the next character (or end the value) is doubled.
 */
export function sigmaValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const next = value[i + 1];
    if (ch === '*' || ch === '?') out += `\\${ch}`;
    else if (ch === '\\' && (next === undefined || next === '*' || next === '?' || next === '\\'))
      out += '\\\\';
    else out += ch;
  }
  return out;
}

/** Text for a `#` comment line: one line, no control characters. */
function sigmaComment(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ').trim();
}

type SigmaCategory = 'network_connection' | 'dns_query' | 'proxy' | 'process_creation';

/** How a logical field is found in a Sigma log source. */
interface SigmaField {
  name: string;
  /** The field holds a full path while the logical field is a file name: match `\name` at the end. */
  basename?: boolean;
  /** Sysmon `Hashes` (`MD5=…,SHA256=…`): match `<ALGO>=<hash>` inside it. */
  hashPrefix?: string;
}

/** Field names from the Sigma taxonomy (SigmaHQ tests/logsource.json and the taxonomy appendix). */
const CATEGORY_FIELDS: Record<SigmaCategory, Partial<Record<LogicalField, SigmaField>>> = {
  network_connection: {
    user: { name: 'User' },
    process: { name: 'Image', basename: true },
    processPath: { name: 'Image' },
    commandLine: { name: 'CommandLine' },
    parentProcess: { name: 'ParentImage', basename: true },
    srcIp: { name: 'SourceIp' },
    srcPort: { name: 'SourcePort' },
    dstIp: { name: 'DestinationIp' },
    dstPort: { name: 'DestinationPort' },
    domain: { name: 'DestinationHostname' },
  },
  dns_query: {
    user: { name: 'User' },
    process: { name: 'Image', basename: true },
    processPath: { name: 'Image' },
    domain: { name: 'QueryName' },
  },
  proxy: {
    url: { name: 'c-uri' },
    domain: { name: 'cs-host' },
    dstIp: { name: 'dst_ip' },
  },
  process_creation: {
    user: { name: 'User' },
    process: { name: 'Image', basename: true },
    processPath: { name: 'Image' },
    commandLine: { name: 'CommandLine' },
    parentProcess: { name: 'ParentImage', basename: true },
    md5: { name: 'Hashes', hashPrefix: 'MD5=' },
    sha1: { name: 'Hashes', hashPrefix: 'SHA1=' },
    sha256: { name: 'Hashes', hashPrefix: 'SHA256=' },
  },
};

const MODIFIERS: Record<ConditionOperator, string> = {
  equals: '',
  startswith: '|startswith',
  endswith: '|endswith',
  contains: '|contains',
  cidr: '|cidr',
  regex: '|re',
};

class NotExpressible extends Error {}

type SigmaScalar = string | number;
type SigmaMap = Record<string, SigmaScalar | SigmaScalar[]>;
type SigmaSearch = SigmaMap | SigmaMap[];

function oneOrMany<T>(values: T[]): T | T[] {
  return values.length === 1 ? values[0] : values;
}

function leafMap(leaf: Extract<Condition, { field: string }>, category: SigmaCategory): SigmaMap {
  const field = leaf.field.includes('.') ? undefined : CATEGORY_FIELDS[category][leaf.field as LogicalField];
  if (!field)
    throw new NotExpressible(`field ${leaf.field} has no Sigma field in logsource category ${category}`);
  if (leaf.values.length === 0) throw new NotExpressible(`condition on ${leaf.field} has no values`);
  let modifier = MODIFIERS[leaf.operator];
  let values: SigmaScalar[];
  if (field.hashPrefix) {
    if (leaf.operator !== 'equals' || leaf.values.some((v) => !/^[0-9a-fA-F]{32,64}$/.test(v))) {
      throw new NotExpressible(`only whole hashes can be matched in Sigma's Hashes field (${leaf.field})`);
    }
    modifier = '|contains';
    values = leaf.values.map((v) => `${field.hashPrefix}${v}`);
  } else if (field.basename) {
    // The taxonomy has only the full image path; a file name is the path's last segment.
    if (leaf.operator === 'equals') {
      modifier = '|endswith';
      values = leaf.values.map((v) => sigmaValue(`\\${v}`));
    } else if (leaf.operator === 'endswith') {
      values = leaf.values.map(sigmaValue);
    } else {
      throw new NotExpressible(
        `${leaf.operator} on a file name cannot be expressed on Sigma's ${field.name} path`,
      );
    }
  } else if (leaf.operator === 'cidr' || leaf.operator === 'regex') {
    values = leaf.values;
  } else if (/Port$/.test(field.name) && leaf.values.every((v) => /^\d{1,5}$/.test(v))) {
    values = leaf.values.map(Number);
  } else {
    values = leaf.values.map(sigmaValue);
  }
  return { [`${field.name}${modifier}`]: oneOrMany(values) };
}

/** A condition that fits in one search identifier (a map, or a list of maps), or null. */
function directSearch(condition: Condition, category: SigmaCategory): SigmaSearch | null {
  if ('field' in condition) return leafMap(condition, category);
  if ('all' in condition) {
    const merged: SigmaMap = {};
    for (const child of condition.all) {
      const search = directSearch(child, category);
      if (!search || Array.isArray(search)) return null;
      for (const [key, value] of Object.entries(search)) {
        if (key in merged) return null;
        merged[key] = value;
      }
    }
    return Object.keys(merged).length > 0 ? merged : null;
  }
  if ('any' in condition) {
    const maps: SigmaMap[] = [];
    for (const child of condition.any) {
      const search = directSearch(child, category);
      if (!search) return null;
      maps.push(...(Array.isArray(search) ? search : [search]));
    }
    return maps.length > 0 ? oneOrMany(maps) : null;
  }
  return null;
}

/** Named search identifiers of one rule, unique by name. */
class SearchSet {
  readonly searches: Record<string, SigmaSearch> = {};
  add(stem: string, search: SigmaSearch): string {
    let name = stem;
    for (let n = 2; name in this.searches || name === 'condition'; n++) name = `${stem}_${n}`;
    this.searches[name] = search;
    return name;
  }
}

/** A condition as a Sigma condition expression over identifiers added to `set`. */
function conditionExpression(
  condition: Condition,
  category: SigmaCategory,
  set: SearchSet,
  stem: string,
): string {
  const direct = directSearch(condition, category);
  if (direct) return set.add(stem, direct);
  if ('not' in condition) return `not ${conditionExpression(condition.not, category, set, stem)}`;
  if ('all' in condition || 'any' in condition) {
    const children = 'all' in condition ? condition.all : condition.any;
    if (children.length === 0) throw new NotExpressible('empty all/any condition');
    const parts = children.map((child) => conditionExpression(child, category, set, stem));
    return parts.length === 1 ? parts[0] : `(${parts.join('all' in condition ? ' and ' : ' or ')})`;
  }
  throw new NotExpressible('unknown condition');
}

interface LogSource {
  category: SigmaCategory;
  product?: string;
}

const LOGSOURCES: Record<'ip' | 'domain' | 'url' | 'hash' | 'behaviour', LogSource> = {
  ip: { category: 'network_connection', product: 'windows' },
  domain: { category: 'dns_query', product: 'windows' },
  url: { category: 'proxy' },
  hash: { category: 'process_creation', product: 'windows' },
  behaviour: { category: 'process_creation', product: 'windows' },
};

function ipSelection(indicators: Indicator[], requirePort: boolean): SigmaSearch | null {
  const byPort = new Map<string, { plain: string[]; ranges: string[]; port: number | null }>();
  for (const ind of indicators.filter(isIpIndicator)) {
    const port = requirePort ? ind.port : null;
    const key = String(port);
    const group = byPort.get(key) ?? { plain: [], ranges: [], port };
    (ind.value.includes('/') ? group.ranges : group.plain).push(ind.value);
    byPort.set(key, group);
  }
  const maps: SigmaMap[] = [];
  for (const { plain, ranges, port } of byPort.values()) {
    const portPart: SigmaMap = port === null ? {} : { DestinationPort: port };
    if (plain.length > 0) maps.push({ DestinationIp: oneOrMany(plain.map(sigmaValue)), ...portPart });
    if (ranges.length > 0) maps.push({ 'DestinationIp|cidr': oneOrMany(ranges), ...portPart });
  }
  return maps.length === 0 ? null : oneOrMany(maps);
}

function domainSelection(indicators: Indicator[], field: string): SigmaSearch | null {
  const names = domainNames(indicators);
  if (names.length === 0) return null;
  // Equal or subdomain: the exact name, or anything ending in `.name`.
  return [
    { [field]: oneOrMany(names.map(sigmaValue)) },
    { [`${field}|endswith`]: oneOrMany(names.map((n) => sigmaValue(`.${n}`))) },
  ];
}

function urlSelection(indicators: Indicator[]): SigmaSearch | null {
  const maps: SigmaMap[] = [];
  for (const ind of indicators.filter((i) => i.type === 'url')) {
    let parsed: URL;
    try {
      parsed = new URL(ind.value);
    } catch {
      continue;
    }
    const pathAndQuery = `${parsed.pathname}${parsed.search}`;
    // Proxies log either the full URL or host and path apart; the path is case-sensitive.
    maps.push({ 'c-uri|cased': sigmaValue(ind.value) });
    maps.push({ 'cs-host': sigmaValue(parsed.hostname), 'c-uri|cased': sigmaValue(pathAndQuery) });
  }
  return maps.length === 0 ? null : maps;
}

function hashSelection(indicators: Indicator[]): SigmaSearch | null {
  const values = indicators.filter(isHashIndicator).map((i) => `${i.type.toUpperCase()}=${i.value}`);
  return values.length === 0 ? null : { 'Hashes|contains': oneOrMany(values) };
}

function filterStem(exclusionId: string): string {
  return `filter_${slugify(exclusionId).replace(/-/g, '_')}`;
}

function attackTags(detection: Detection, notes: TargetNote[]): string[] {
  const tags = new Set<string>();
  for (const tactic of detection.tactics) tags.add(`attack.${tacticSlug(tactic)}`);
  for (const technique of detection.techniques) {
    const slug = techniqueSlug(technique);
    if (slug) tags.add(`attack.${slug}`);
    else
      notes.push({
        huntId: detection.hunts[0].id,
        message: `technique '${technique}' is not an ATT&CK id; left out of tags`,
      });
  }
  return [...tags].filter((t) => /^[a-z0-9_-]+\.[a-z0-9._-]+$/.test(t));
}

const LEVELS = { Informational: 'informational', Low: 'low', Medium: 'medium', High: 'high' } as const;

function references(detection: Detection): string[] {
  const refs = new Set<string>();
  for (const ind of detection.indicators) {
    for (const source of ind.sources)
      if (source.reference && /^https?:\/\//.test(source.reference)) refs.add(source.reference);
  }
  return [...refs].sort().slice(0, 50);
}

/** A domain detection's web-request form: the same names in proxy logs' `cs-host`. */
interface WebVariant {
  tables: string[];
}

function renderRule(
  detection: Detection,
  context: TargetContext,
  notes: TargetNote[],
  web?: WebVariant,
): string | null {
  const huntId = detection.hunts[0].id;
  const note = (message: string) => notes.push({ huntId, message });
  if (detection.kind === 'dns-then-connect') {
    note(
      'a lookup followed by a connection is a correlation of two events; a single Sigma rule cannot express it (the domain and ip rules cover its parts)',
    );
    return null;
  }
  const logsource: LogSource = web ? { category: 'proxy' } : LOGSOURCES[detection.kind];
  const set = new SearchSet();
  let condition: string;
  if (detection.kind === 'behaviour') {
    if (!detection.selection) {
      note('behaviour hunt without a selection: nothing to render');
      return null;
    }
    if (!readsProcessCreation(detection)) {
      note(
        `behaviour on ${detection.tables.join(', ')} is not process creation: no Sigma mapping for it yet`,
      );
      return null;
    }
    try {
      condition = conditionExpression(detection.selection, logsource.category, set, 'selection');
    } catch (error) {
      if (!(error instanceof NotExpressible)) throw error;
      note(`not rendered in Sigma: ${error.message}`);
      return null;
    }
  } else {
    const selection =
      detection.kind === 'ip'
        ? ipSelection(detection.indicators, detection.requirePort)
        : detection.kind === 'domain'
          ? domainSelection(detection.indicators, web ? 'cs-host' : 'QueryName')
          : detection.kind === 'url'
            ? urlSelection(detection.indicators)
            : hashSelection(detection.indicators);
    if (!selection) {
      note(`no ${detection.kind} indicators to match: no Sigma rule`);
      return null;
    }
    condition = set.add('selection', selection);
  }
  for (const exclusion of detection.exclusions) {
    try {
      const trial = new SearchSet();
      Object.assign(trial.searches, set.searches);
      const expression = conditionExpression(
        exclusion.condition,
        logsource.category,
        trial,
        filterStem(exclusion.id),
      );
      Object.assign(set.searches, trial.searches);
      condition += ` and not ${expression}`;
    } catch (error) {
      if (!(error instanceof NotExpressible)) throw error;
      note(
        `exclusion ${exclusion.id} (${exclusion.reason}) not applied in Sigma: ${error.message}; expect its false positives`,
      );
    }
  }
  const flagged = detection.indicators.filter((i) => i.flags.length > 0);
  const falsepositives = [
    ...detection.falsePositives.map((s) => s.title),
    ...flagged.map((i) => `${indicatorLabel(i)} is flagged (${flagSummary(i)})`),
  ].filter((t, i, all) => t.trim().length >= 2 && all.indexOf(t) === i);
  const descriptionParts = [
    detection.description || detection.title,
    ...(web ? [`This form matches the names as web request hosts (seen by ${web.tables.join(', ')}).`] : []),
    ...flagged.map((i) => `Flagged: ${indicatorLabel(i)}: ${flagSummary(i)}.`),
  ];
  const rule: Record<string, unknown> = {
    title: `${detection.title}${web ? ' (web requests)' : ''}`.slice(0, 256),
    id: web ? uuidV5(`${detection.id}:web`) : detection.id,
    status: 'experimental',
    description: descriptionParts.join(' ').slice(0, 65535),
  };
  const refs = references(detection);
  if (refs.length > 0) rule.references = refs;
  rule.author = context.author ?? 'huntforge';
  rule.date = isoDate(context.generated);
  const tags = attackTags(detection, notes);
  if (tags.length > 0) rule.tags = tags;
  rule.logsource = logsource.product
    ? { category: logsource.category, product: logsource.product }
    : { category: logsource.category };
  rule.detection = { ...set.searches, condition };
  rule.falsepositives = falsepositives.length > 0 ? falsepositives : ['Unknown'];
  rule.level = LEVELS[detection.severity];
  const header = [
    `# Generated by huntforge from ${context.source}; hunts: ${detection.hunts.map((h) => h.id).join(', ')}`,
    ...flagged.map((i) => `# flagged: ${indicatorLabel(i)}: ${flagSummary(i)}`),
  ].map((line) => `# ${sigmaComment(line.slice(2))}`);
  return `${header.join('\n')}\n${yamlPackage().stringify(rule, { indent: 4, lineWidth: 0, defaultStringType: 'QUOTE_SINGLE', defaultKeyType: 'PLAIN' })}`;
}

export function renderSigma(hunts: Hunt[], context: TargetContext): TargetOutput {
  const output: TargetOutput = { target: 'sigma', files: [], notes: [] };
  for (const detection of groupDetections(hunts)) {
    output.notes.push(...detectionNotes(detection, 'Sigma rule'));
    const content = renderRule(detection, context, output.notes);
    if (content !== null) output.files.push({ path: `sigma/${detection.slug}.yml`, content });
    const webTables = webDomainTables(detection);
    if (content !== null && webTables.length > 0) {
      const web = renderRule(detection, context, output.notes, { tables: webTables });
      if (web !== null) output.files.push({ path: `sigma/${detection.slug}-web.yml`, content: web });
    }
  }
  output.notes = uniqueNotes(output.notes);
  return output;
}
