/**
 * Splunk SPL over the Common Information Model: a `tstats` search on the CIM data model (fast
 * with accelerated data models) and a raw-event search with the same CIM field names and tags for
 * sites without acceleration. Values go through `splString`.
 */
import type { Condition, ConditionOperator, Hunt } from '../../hunts/types.js';
import type { Indicator } from '../../intel/types.js';
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
  parseLookback,
} from './indicator-facts.js';
import type { TargetContext, TargetNote, TargetOutput } from './types.js';

/** A value SPL cannot carry literally (search has no escape for the `*` wildcard). */
export class SplLiteralError extends Error {}

/**
 * A double-quoted SPL string: `\` and `"` are backslash-escaped. In search terms (the default)
 * `before`/`after` add a `*` wildcard, and a literal `*` is refused, since search has no escape for
 * it. In eval expressions (`evalExpression: true`, for `| where`) `*` is an ordinary character.
 */
export function splString(
  value: string,
  options: { before?: boolean; after?: boolean; evalExpression?: boolean } = {},
): string {
  if (!options.evalExpression && value.includes('*')) {
    throw new SplLiteralError(`value contains '*', which SPL search always treats as a wildcard`);
  }
  const body = value.replace(/[\\"]/g, (ch) => `\\${ch}`);
  return `"${options.before ? '*' : ''}${body}${options.after ? '*' : ''}"`;
}

/** Text for a ``` comment ```: one line, no backticks. */
function splComment(text: string): string {
  return `\`\`\` ${text.replace(/[`\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ').trim()} \`\`\``;
}

interface SplField {
  name: string;
  /** The field may hold several hashes (`MD5=…,SHA256=…`): match the hash inside it. */
  holdsSeveralHashes?: boolean;
}

interface DataModel {
  /** `Network_Traffic.All_Traffic` */
  datamodel: string;
  /** Field prefix inside tstats: `All_Traffic`. */
  dataset: string;
  /** Tags that select the data model's events in a raw search. */
  tags: string[];
  by: string[];
  fields: Partial<Record<LogicalField, SplField>>;
}

/** CIM data models and fields (Splunk CIM 5.x reference). */
const NETWORK_TRAFFIC: DataModel = {
  datamodel: 'Network_Traffic.All_Traffic',
  dataset: 'All_Traffic',
  tags: ['network', 'communicate'],
  by: ['src_ip', 'dest_ip', 'dest_port', 'action'],
  fields: {
    srcIp: { name: 'src_ip' },
    srcPort: { name: 'src_port' },
    dstIp: { name: 'dest_ip' },
    dstPort: { name: 'dest_port' },
    user: { name: 'user' },
    action: { name: 'action' },
  },
};
const NETWORK_RESOLUTION: DataModel = {
  datamodel: 'Network_Resolution.DNS',
  dataset: 'DNS',
  tags: ['network', 'resolution', 'dns'],
  by: ['src', 'query', 'answer'],
  fields: { domain: { name: 'query' }, srcIp: { name: 'src' } },
};
const WEB: DataModel = {
  datamodel: 'Web.Web',
  dataset: 'Web',
  tags: ['web'],
  by: ['src', 'dest', 'url', 'user'],
  fields: {
    url: { name: 'url' },
    domain: { name: 'url_domain' },
    srcIp: { name: 'src' },
    dstIp: { name: 'dest' },
    dstPort: { name: 'dest_port' },
    user: { name: 'user' },
    action: { name: 'action' },
  },
};
const PROCESSES: DataModel = {
  datamodel: 'Endpoint.Processes',
  dataset: 'Processes',
  tags: ['process', 'report'],
  by: ['dest', 'user', 'parent_process_name', 'process_name', 'process_path', 'process'],
  fields: {
    host: { name: 'dest' },
    user: { name: 'user' },
    process: { name: 'process_name' },
    processPath: { name: 'process_path' },
    commandLine: { name: 'process' },
    parentProcess: { name: 'parent_process_name' },
    md5: { name: 'process_hash', holdsSeveralHashes: true },
    sha1: { name: 'process_hash', holdsSeveralHashes: true },
    sha256: { name: 'process_hash', holdsSeveralHashes: true },
    action: { name: 'action' },
  },
};
const FILESYSTEM: DataModel = {
  datamodel: 'Endpoint.Filesystem',
  dataset: 'Filesystem',
  tags: ['endpoint', 'filesystem'],
  by: ['dest', 'file_path', 'file_name', 'file_hash'],
  fields: {
    host: { name: 'dest' },
    user: { name: 'user' },
    md5: { name: 'file_hash' },
    sha1: { name: 'file_hash' },
    sha256: { name: 'file_hash' },
    action: { name: 'action' },
  },
};

const KIND_MODELS: Record<'ip' | 'domain' | 'url' | 'hash' | 'behaviour', DataModel> = {
  ip: NETWORK_TRAFFIC,
  domain: NETWORK_RESOLUTION,
  url: WEB,
  hash: FILESYSTEM,
  behaviour: PROCESSES,
};

class NotExpressible extends Error {}

/** Field reference inside tstats (`All_Traffic.dest_ip`) or in a raw search (`dest_ip`). */
type FieldRef = (name: string) => string;

function valueList(field: string, quoted: string[]): string {
  return quoted.length === 1 ? `${field}=${quoted[0]}` : `${field} IN (${quoted.join(', ')})`;
}

function quoteAll(values: string[], wildcard: { before?: boolean; after?: boolean } = {}): string[] {
  try {
    return values.map((v) => splString(v, wildcard));
  } catch (error) {
    if (error instanceof SplLiteralError) throw new NotExpressible(error.message);
    throw error;
  }
}

function compileCondition(condition: Condition, model: DataModel, ref: FieldRef): string {
  if ('not' in condition) return `NOT ${compileCondition(condition.not, model, ref)}`;
  if ('all' in condition || 'any' in condition) {
    const children = 'all' in condition ? condition.all : condition.any;
    if (children.length === 0) throw new NotExpressible('empty all/any condition');
    const parts = children.map((c) => compileCondition(c, model, ref));
    return parts.length === 1 ? parts[0] : `(${parts.join('all' in condition ? ' AND ' : ' OR ')})`;
  }
  const field = condition.field.includes('.') ? undefined : model.fields[condition.field as LogicalField];
  if (!field) throw new NotExpressible(`field ${condition.field} has no CIM field in ${model.datamodel}`);
  if (condition.values.length === 0)
    throw new NotExpressible(`condition on ${condition.field} has no values`);
  const name = ref(field.name);
  if (field.holdsSeveralHashes) {
    if (condition.operator !== 'equals' || condition.values.some((v) => !/^[0-9a-fA-F]{32,64}$/.test(v))) {
      throw new NotExpressible(`only whole hashes can be matched in ${field.name}`);
    }
    return valueList(name, quoteAll(condition.values, { before: true, after: true }));
  }
  switch (condition.operator) {
    case 'equals':
      if (/port$/.test(field.name) && condition.values.every((v) => /^\d{1,5}$/.test(v))) {
        return valueList(name, condition.values);
      }
      return valueList(name, quoteAll(condition.values));
    case 'startswith':
      return valueList(name, quoteAll(condition.values, { after: true }));
    case 'endswith':
      return valueList(name, quoteAll(condition.values, { before: true }));
    case 'contains':
      return valueList(name, quoteAll(condition.values, { before: true, after: true }));
    case 'cidr':
      return valueList(name, quoteAll(condition.values));
    case 'regex':
      throw new NotExpressible(
        `regular expressions cannot be used in a tstats where clause (${condition.field})`,
      );
  }
}

/** Text as a PCRE pattern that matches it literally. */
function regexLiteral(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** One value's test in eval form; a missing field counts as an empty string. */
function whereTest(operator: ConditionOperator, value: string, field: SplField): string {
  const quote = (v: string) => splString(v, { evalExpression: true });
  const match = (pattern: string) => `match(coalesce(${field.name}, ""), ${quote(pattern)})`;
  const literal = regexLiteral(value);
  switch (operator) {
    case 'equals':
      return match(field.holdsSeveralHashes ? `(?i)${literal}` : `(?i)^${literal}$`);
    case 'startswith':
      return match(`(?i)^${literal}`);
    case 'endswith':
      return match(`(?i)${literal}$`);
    case 'contains':
      return match(`(?i)${literal}`);
    case 'regex':
      return match(value);
    case 'cidr':
      return `cidrmatch(${quote(value)}, ${field.name})`;
  }
}

/**
 * The eval form of a condition, for a `| where` after the search: it carries what search terms
 * cannot (regular expressions via match(), literal `*`). Fields are bare CIM names, and after a
 * tstats they exist only if they are among its `by` fields.
 */
function compileWhere(condition: Condition, model: DataModel): string {
  if ('not' in condition) return `NOT (${compileWhere(condition.not, model)})`;
  if ('all' in condition || 'any' in condition) {
    const children = 'all' in condition ? condition.all : condition.any;
    if (children.length === 0) throw new NotExpressible('empty all/any condition');
    const parts = children.map((c) => compileWhere(c, model));
    return parts.length === 1 ? parts[0] : `(${parts.join('all' in condition ? ' AND ' : ' OR ')})`;
  }
  const field = condition.field.includes('.') ? undefined : model.fields[condition.field as LogicalField];
  if (!field) throw new NotExpressible(`field ${condition.field} has no CIM field in ${model.datamodel}`);
  if (!model.by.includes(field.name)) {
    throw new NotExpressible(
      `${field.name} is not among the fields the search keeps (${model.by.join(', ')})`,
    );
  }
  if (condition.values.length === 0)
    throw new NotExpressible(`condition on ${condition.field} has no values`);
  const tests = condition.values.map((v) => whereTest(condition.operator, v, field));
  return tests.length === 1 ? tests[0] : `(${tests.join(' OR ')})`;
}

/** The search form if the condition has one, else the eval form for a `| where`. */
function compileEither(
  condition: Condition,
  model: DataModel,
  ref: FieldRef,
): { search?: string; where?: string } {
  try {
    return { search: compileCondition(condition, model, ref) };
  } catch (error) {
    if (!(error instanceof NotExpressible)) throw error;
    return { where: compileWhere(condition, model) };
  }
}

function ipMatch(indicators: Indicator[], requirePort: boolean, ref: FieldRef): string | null {
  const byPort = new Map<number | null, string[]>();
  for (const ind of indicators.filter(isIpIndicator)) {
    const port = requirePort ? ind.port : null;
    byPort.set(port, [...(byPort.get(port) ?? []), ind.value]);
  }
  const parts = [...byPort.entries()].map(([port, ips]) => {
    const ipPart = valueList(ref('dest_ip'), quoteAll(ips));
    return port === null ? ipPart : `(${ipPart} AND ${ref('dest_port')}=${port})`;
  });
  return parts.length === 0 ? null : parts.join(' OR ');
}

function domainMatch(indicators: Indicator[], ref: FieldRef, field: string): string | null {
  const names = domainNames(indicators);
  if (names.length === 0) return null;
  // Equal or subdomain: `query="x" OR query="*.x"`.
  const patterns = names.flatMap((n) => [splString(n), splString(`.${n}`, { before: true })]);
  return valueList(ref(field), patterns);
}

function urlMatch(indicators: Indicator[], ref: FieldRef): string | null {
  const urls = indicators.filter((i) => i.type === 'url').map((i) => i.value);
  return urls.length === 0 ? null : valueList(ref('url'), quoteAll(urls));
}

function hashMatch(indicators: Indicator[], ref: FieldRef, raw: boolean): string | null {
  const hashes = indicators.filter(isHashIndicator).map((i) => i.value);
  if (hashes.length === 0) return null;
  const exact = valueList(ref('file_hash'), quoteAll(hashes));
  // Raw events may carry Sysmon-style `process_hash` (`MD5=…,SHA256=…`) instead of file_hash.
  return raw
    ? `(${exact} OR ${valueList('process_hash', quoteAll(hashes, { before: true, after: true }))})`
    : exact;
}

function indicatorMatch(
  detection: Detection,
  ref: FieldRef,
  raw: boolean,
  notes: TargetNote[],
  web: boolean,
): string | null {
  const inds = detection.indicators.filter((ind) => {
    if (!ind.value.includes('*')) return true;
    notes.push({
      huntId: detection.hunts[0].id,
      message: `${indicatorLabel(ind)} left out of SPL: '*' is always a wildcard in SPL search`,
    });
    return false;
  });
  switch (detection.kind) {
    case 'ip':
      return ipMatch(inds, detection.requirePort, ref);
    case 'domain':
      return domainMatch(inds, ref, web ? 'url_domain' : 'query');
    case 'url':
      return urlMatch(inds, ref);
    case 'hash':
      return hashMatch(inds, ref, raw);
    default:
      return null;
  }
}

interface Searches {
  tstats: string;
  raw: string;
}

/** `web`: a domain detection's web-request form (CIM Web `url_domain` instead of DNS `query`). */
function renderSearches(
  detection: Detection,
  context: TargetContext,
  notes: TargetNote[],
  web = false,
): Searches | null {
  const huntId = detection.hunts[0].id;
  const note = (message: string) => notes.push({ huntId, message });
  if (detection.kind === 'dns-then-connect') {
    note(
      'a lookup followed by a connection correlates two data models; not rendered in SPL (the domain and ip searches cover its parts)',
    );
    return null;
  }
  const model = web ? WEB : KIND_MODELS[detection.kind];
  const tstatsRef: FieldRef = (name) => `${model.dataset}.${name}`;
  const rawRef: FieldRef = (name) => name;
  // Search-form conditions go into the tstats where clause / raw search; eval-form ones into a
  // `| where` after the tstats rename or the raw search.
  const tstatsTerms: string[] = [];
  const rawTerms: string[] = [];
  const whereTerms: string[] = [];
  try {
    if (detection.kind === 'behaviour') {
      if (!detection.selection) {
        note('behaviour hunt without a selection: nothing to render');
        return null;
      }
      if (!readsProcessCreation(detection)) {
        note(
          `behaviour on ${detection.tables.join(', ')} is not process creation: no SPL mapping for it yet`,
        );
        return null;
      }
      const tstatsForm = compileEither(detection.selection, model, tstatsRef);
      const rawForm = compileEither(detection.selection, model, rawRef);
      if (tstatsForm.search && rawForm.search) {
        tstatsTerms.push(`(${tstatsForm.search})`);
        rawTerms.push(`(${rawForm.search})`);
      } else {
        whereTerms.push(compileWhere(detection.selection, model));
      }
    } else {
      const tstatsMatch = indicatorMatch(detection, tstatsRef, false, notes, web);
      const rawMatch = indicatorMatch(detection, rawRef, true, [], web);
      if (!tstatsMatch || !rawMatch) {
        note(`no ${detection.kind} indicators to match: no SPL search`);
        return null;
      }
      tstatsTerms.push(`(${tstatsMatch})`);
      rawTerms.push(`(${rawMatch})`);
    }
  } catch (error) {
    if (!(error instanceof NotExpressible)) throw error;
    note(`not rendered in SPL: ${error.message}`);
    return null;
  }
  if (detection.kind === 'url') {
    note('SPL compares field values case-insensitively: URL paths match regardless of case');
  }
  for (const exclusion of detection.exclusions) {
    try {
      const tstatsForm = compileEither(exclusion.condition, model, tstatsRef);
      const rawForm = compileEither(exclusion.condition, model, rawRef);
      if (tstatsForm.search && rawForm.search) {
        tstatsTerms.push(`NOT (${tstatsForm.search})`);
        rawTerms.push(`NOT (${rawForm.search})`);
      } else {
        whereTerms.push(`NOT (${compileWhere(exclusion.condition, model)})`);
      }
    } catch (error) {
      if (!(error instanceof NotExpressible)) throw error;
      note(
        `exclusion ${exclusion.id} (${exclusion.reason}) not applied in SPL: ${error.message}; expect its false positives`,
      );
    }
  }
  const lookback = parseLookback(context.lookback);
  if (context.lookback && !lookback)
    note(`lookback '${context.lookback}' is not of the form 30d/12h/90m; searches use the time picker`);
  const earliest = lookback ? [`earliest=-${lookback.amount}${lookback.unit}`] : [];
  const header = [
    splComment(
      `huntforge: ${detection.title} | source: ${context.source} | hunts: ${detection.hunts.map((h) => h.id).join(', ')}`,
    ),
    ...detection.indicators
      .filter((i) => i.flags.length > 0)
      .map((i) => splComment(`flagged: ${indicatorLabel(i)}: ${flagSummary(i)}`)),
  ];
  const by = model.by;
  const tstatsWhere = [...earliest, ...tstatsTerms];
  const where = whereTerms.length > 0 ? [`| where ${whereTerms.join(' AND ')}`] : [];
  const tstats = [
    ...header,
    `| tstats summariesonly=false allow_old_summaries=true count min(_time) as firstTime max(_time) as lastTime from datamodel=${model.datamodel}${tstatsWhere.length > 0 ? ` where ${tstatsWhere.join(' ')}` : ''} by ${by.map(tstatsRef).join(' ')}`,
    `| rename ${model.dataset}.* as *`,
    ...where,
    '| convert ctime(firstTime) ctime(lastTime)',
  ];
  const raw = [
    ...header,
    ['index=*', ...model.tags.map((t) => `tag=${t}`), ...earliest, ...rawTerms].join(' '),
    ...where,
    `| stats count min(_time) as firstTime max(_time) as lastTime by ${by.join(' ')}`,
    '| convert ctime(firstTime) ctime(lastTime)',
  ];
  return { tstats: `${tstats.join('\n')}\n`, raw: `${raw.join('\n')}\n` };
}

export function renderSpl(hunts: Hunt[], context: TargetContext): TargetOutput {
  const output: TargetOutput = { target: 'spl', files: [], notes: [] };
  for (const detection of groupDetections(hunts)) {
    output.notes.push(...detectionNotes(detection, 'SPL search'));
    const forms = [{ suffix: '', web: false }];
    if (webDomainTables(detection).length > 0) forms.push({ suffix: '-web', web: true });
    for (const { suffix, web } of forms) {
      const searches = renderSearches(detection, context, output.notes, web);
      if (!searches) break;
      output.files.push({ path: `spl/${detection.slug}${suffix}.tstats.spl`, content: searches.tstats });
      output.files.push({ path: `spl/${detection.slug}${suffix}.raw.spl`, content: searches.raw });
    }
  }
  output.notes = uniqueNotes(output.notes);
  return output;
}
