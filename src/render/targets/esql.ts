/**
 * Elastic ES|QL over ECS fields, plus an indicator-match (threat_match) rule set and the indicator
 * documents it reads, as NDJSON for import — the scalable form for large IOC sets. ES|QL `==` is
 * case-sensitive, so names are compared through TO_LOWER; values go through `esqlString`.
 */

import { uuidV5 } from '../../hunts/ids.js';
import type { Condition, Hunt } from '../../hunts/types.js';
import type { Indicator } from '../../intel/types.js';
import type { LogicalField } from '../../schemas/fields.js';
import {
  allIndicators,
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
  slugify,
} from './indicator-facts.js';
import type { TargetContext, TargetFile, TargetNote, TargetOutput } from './types.js';

const STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A double-quoted ES|QL string literal (escapes: `\\ \" \n \r \t`). */
export function esqlString(value: string): string {
  return `"${value.replace(/[\\"\n\r\t]/g, (ch) => STRING_ESCAPES[ch])}"`;
}

/** A `//` comment line: one line, no control characters. */
function esqlComment(text: string): string {
  return `// ${text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ').trim()}`;
}

type EcsType = 'keyword' | 'ip' | 'port';

interface EcsField {
  name: string;
  type: EcsType;
}

const ECS_FIELDS: Partial<Record<LogicalField, EcsField>> = {
  host: { name: 'host.name', type: 'keyword' },
  user: { name: 'user.name', type: 'keyword' },
  process: { name: 'process.name', type: 'keyword' },
  processPath: { name: 'process.executable', type: 'keyword' },
  commandLine: { name: 'process.command_line', type: 'keyword' },
  parentProcess: { name: 'process.parent.name', type: 'keyword' },
  srcIp: { name: 'source.ip', type: 'ip' },
  srcPort: { name: 'source.port', type: 'port' },
  dstIp: { name: 'destination.ip', type: 'ip' },
  dstPort: { name: 'destination.port', type: 'port' },
  domain: { name: 'dns.question.name', type: 'keyword' },
  url: { name: 'url.full', type: 'keyword' },
  md5: { name: 'file.hash.md5', type: 'keyword' },
  sha1: { name: 'file.hash.sha1', type: 'keyword' },
  sha256: { name: 'file.hash.sha256', type: 'keyword' },
  action: { name: 'event.action', type: 'keyword' },
};

/** Where a logical field lives differs with the kind of event a detection reads. */
const KIND_OVERRIDES: Partial<Record<Detection['kind'], Partial<Record<LogicalField, EcsField>>>> = {
  ip: { domain: { name: 'destination.domain', type: 'keyword' } },
  url: { domain: { name: 'url.domain', type: 'keyword' } },
  behaviour: {
    md5: { name: 'process.hash.md5', type: 'keyword' },
    sha1: { name: 'process.hash.sha1', type: 'keyword' },
    sha256: { name: 'process.hash.sha256', type: 'keyword' },
  },
};

class NotExpressible extends Error {}

function ecsField(field: string, kind: Detection['kind']): EcsField {
  const ecs = field.includes('.')
    ? undefined
    : (KIND_OVERRIDES[kind]?.[field as LogicalField] ?? ECS_FIELDS[field as LogicalField]);
  if (!ecs) throw new NotExpressible(`field ${field} has no ECS field`);
  return ecs;
}

function anyOf(parts: string[]): string {
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
}

function leafExpression(leaf: Extract<Condition, { field: string }>, kind: Detection['kind']): string {
  const field = ecsField(leaf.field, kind);
  if (leaf.values.length === 0) throw new NotExpressible(`condition on ${leaf.field} has no values`);
  if (field.type === 'ip') {
    if (leaf.operator === 'equals')
      return `${field.name} IN (${leaf.values.map((v) => `TO_IP(${esqlString(v)})`).join(', ')})`;
    if (leaf.operator === 'cidr')
      return `CIDR_MATCH(${field.name}, ${leaf.values.map(esqlString).join(', ')})`;
    throw new NotExpressible(`${leaf.operator} on the IP field ${field.name}`);
  }
  if (field.type === 'port') {
    if (leaf.operator === 'equals' && leaf.values.every((v) => /^\d{1,5}$/.test(v))) {
      return `${field.name} IN (${leaf.values.join(', ')})`;
    }
    throw new NotExpressible(`${leaf.operator} on the port field ${field.name}`);
  }
  // Sigma and KQL compare these case-insensitively; ES|QL does not, so both sides are lowered.
  const lowered = `TO_LOWER(${field.name})`;
  const values = leaf.values.map((v) => esqlString(v.toLowerCase()));
  switch (leaf.operator) {
    case 'equals':
      return `${lowered} IN (${values.join(', ')})`;
    case 'startswith':
      return anyOf(values.map((v) => `STARTS_WITH(${lowered}, ${v})`));
    case 'endswith':
      return anyOf(values.map((v) => `ENDS_WITH(${lowered}, ${v})`));
    case 'contains':
      return anyOf(values.map((v) => `LOCATE(${lowered}, ${v}) > 0`));
    default:
      throw new NotExpressible(
        `${leaf.operator} on ${field.name} (ES|QL regular expressions use another dialect)`,
      );
  }
}

/**
 * A condition as an ES|QL boolean. A missing field makes a comparison null, and `NOT null` would
 * drop the row, so negations read null as false.
 */
function conditionExpression(condition: Condition, kind: Detection['kind']): string {
  if ('field' in condition) return leafExpression(condition, kind);
  if ('not' in condition) return `NOT COALESCE(${conditionExpression(condition.not, kind)}, FALSE)`;
  const children = 'all' in condition ? condition.all : condition.any;
  if (children.length === 0) throw new NotExpressible('empty all/any condition');
  const parts = children.map((c) => conditionExpression(c, kind));
  return parts.length === 1 ? parts[0] : `(${parts.join('all' in condition ? ' AND ' : ' OR ')})`;
}

function ipMatch(indicators: Indicator[], requirePort: boolean): string | null {
  const parts: string[] = [];
  const byPort = new Map<number | null, Indicator[]>();
  for (const ind of indicators.filter(isIpIndicator)) {
    const port = requirePort ? ind.port : null;
    byPort.set(port, [...(byPort.get(port) ?? []), ind]);
  }
  for (const [port, inds] of byPort) {
    const plain = inds.filter((i) => !i.value.includes('/')).map((i) => `TO_IP(${esqlString(i.value)})`);
    const ranges = inds.filter((i) => i.value.includes('/')).map((i) => esqlString(i.value));
    const ipParts = [
      ...(plain.length > 0 ? [`destination.ip IN (${plain.join(', ')})`] : []),
      ...(ranges.length > 0 ? [`CIDR_MATCH(destination.ip, ${ranges.join(', ')})`] : []),
    ];
    const ipExpr = anyOf(ipParts);
    parts.push(port === null ? ipExpr : `(${ipExpr} AND destination.port == ${port})`);
  }
  return parts.length === 0 ? null : parts.join('\n    OR ');
}

function domainMatch(indicators: Indicator[], field: string): string | null {
  const names = domainNames(indicators);
  if (names.length === 0) return null;
  const lowered = `TO_LOWER(${field})`;
  // Equal or subdomain.
  return [
    `${lowered} IN (${names.map(esqlString).join(', ')})`,
    ...names.map((n) => `ENDS_WITH(${lowered}, ${esqlString(`.${n}`)})`),
  ].join('\n    OR ');
}

/** Scheme and host compared case-insensitively, the rest of the URL exactly. */
function urlMatch(indicators: Indicator[]): string | null {
  const parts = indicators
    .filter((i) => i.type === 'url')
    .map((i) => {
      const schemeEnd = i.value.indexOf('://');
      const pathStart = schemeEnd < 0 ? -1 : i.value.indexOf('/', schemeEnd + 3);
      const prefix = pathStart < 0 ? i.value : i.value.slice(0, pathStart);
      const rest = pathStart < 0 ? '' : i.value.slice(pathStart);
      return `(TO_LOWER(SUBSTRING(url.full, 1, ${prefix.length})) == ${esqlString(prefix.toLowerCase())} AND SUBSTRING(url.full, ${prefix.length + 1}) == ${esqlString(rest)})`;
    });
  return parts.length === 0 ? null : parts.join('\n    OR ');
}

function hashMatch(indicators: Indicator[]): string | null {
  const parts: string[] = [];
  for (const type of ['md5', 'sha1', 'sha256'] as const) {
    const values = indicators.filter((i) => i.type === type).map((i) => esqlString(i.value.toLowerCase()));
    if (values.length === 0) continue;
    parts.push(`TO_LOWER(file.hash.${type}) IN (${values.join(', ')})`);
    parts.push(`TO_LOWER(process.hash.${type}) IN (${values.join(', ')})`);
  }
  return parts.length === 0 ? null : parts.join('\n    OR ');
}

const LOOKBACK_UNITS = { d: 'days', h: 'hours', m: 'minutes' } as const;

/** `web`: a domain detection's web-request form (ECS `url.domain` instead of `dns.question.name`). */
function renderQuery(
  detection: Detection,
  context: TargetContext,
  notes: TargetNote[],
  web = false,
): string | null {
  const huntId = detection.hunts[0].id;
  const note = (message: string) => notes.push({ huntId, message });
  if (detection.kind === 'dns-then-connect') {
    note(
      'a lookup followed by a connection correlates two events; ES|QL has no join over time windows here (the domain and ip queries cover its parts)',
    );
    return null;
  }
  let match: string | null;
  try {
    if (detection.kind === 'behaviour') {
      if (!detection.selection) {
        note('behaviour hunt without a selection: nothing to render');
        return null;
      }
      if (!readsProcessCreation(detection)) {
        note(
          `behaviour on ${detection.tables.join(', ')} is not process creation: no ES|QL mapping for it yet`,
        );
        return null;
      }
      match = conditionExpression(detection.selection, detection.kind);
    } else {
      match =
        detection.kind === 'ip'
          ? ipMatch(detection.indicators, detection.requirePort)
          : detection.kind === 'domain'
            ? domainMatch(detection.indicators, web ? 'url.domain' : 'dns.question.name')
            : detection.kind === 'url'
              ? urlMatch(detection.indicators)
              : hashMatch(detection.indicators);
    }
  } catch (error) {
    if (!(error instanceof NotExpressible)) throw error;
    note(`not rendered in ES|QL: ${error.message}`);
    return null;
  }
  if (!match) {
    note(`no ${detection.kind} indicators to match: no ES|QL query`);
    return null;
  }
  const lines = [
    esqlComment(
      `huntforge: ${detection.title} | source: ${context.source} | hunts: ${detection.hunts.map((h) => h.id).join(', ')}`,
    ),
    ...detection.indicators
      .filter((i) => i.flags.length > 0)
      .map((i) => esqlComment(`flagged: ${indicatorLabel(i)}: ${flagSummary(i)}`)),
    'FROM logs-* METADATA _id, _index',
  ];
  const lookback = parseLookback(context.lookback);
  if (lookback)
    lines.push(`| WHERE @timestamp >= NOW() - ${lookback.amount} ${LOOKBACK_UNITS[lookback.unit]}`);
  else if (context.lookback)
    note(`lookback '${context.lookback}' is not of the form 30d/12h/90m; the query has no time filter`);
  lines.push(`| WHERE ${match}`);
  for (const exclusion of detection.exclusions) {
    try {
      const kind = web ? 'url' : detection.kind;
      lines.push(`| WHERE NOT COALESCE(${conditionExpression(exclusion.condition, kind)}, FALSE)`);
    } catch (error) {
      if (!(error instanceof NotExpressible)) throw error;
      note(
        `exclusion ${exclusion.id} (${exclusion.reason}) not applied in ES|QL: ${error.message}; expect its false positives`,
      );
    }
  }
  lines.push('| SORT @timestamp DESC', '| LIMIT 10000');
  return `${lines.join('\n')}\n`;
}

/** ECS `threat.indicator.confidence` is a keyword: Low / Medium / High. */
function ecsConfidence(confidence: number | null): string {
  if (confidence === null) return 'Not Specified';
  return confidence >= 75 ? 'High' : confidence >= 40 ? 'Medium' : 'Low';
}

function threatIndicatorFields(ind: Indicator): Record<string, unknown> | null {
  if (isIpIndicator(ind)) {
    return { type: `${ind.type}-addr`, ip: ind.value, ...(ind.port === null ? {} : { port: ind.port }) };
  }
  if (ind.type === 'domain') return { type: 'domain-name', url: { domain: ind.value } };
  if (ind.type === 'url')
    return { type: 'url', url: { full: ind.value, ...(ind.host ? { domain: ind.host } : {}) } };
  if (isHashIndicator(ind)) return { type: 'file', file: { hash: { [ind.type]: ind.value } } };
  if (ind.type === 'email') return { type: 'email-addr', email: { address: ind.value } };
  return null;
}

/** One ECS threat-indicator document per indicator, for the index the indicator-match rules read. */
function indicatorDocuments(indicators: Indicator[], context: TargetContext): string[] {
  return indicators.flatMap((ind) => {
    const fields = threatIndicatorFields(ind);
    if (!fields) return [];
    const flag = flagSummary(ind);
    return [
      JSON.stringify({
        '@timestamp': context.generated.toISOString(),
        event: { kind: 'enrichment', category: ['threat'], type: ['indicator'] },
        threat: {
          feed: { name: context.source },
          indicator: {
            ...fields,
            provider: context.source,
            confidence: ecsConfidence(ind.confidence),
            ...(ind.firstSeen ? { first_seen: ind.firstSeen } : {}),
            ...(ind.lastSeen ? { last_seen: ind.lastSeen } : {}),
            description: [ind.malware, ind.threatType, flag ? `flagged: ${flag}` : null]
              .filter(Boolean)
              .join(' | '),
          },
          ...(ind.malware ? { software: { name: ind.malware, type: 'Malware' } } : {}),
        },
        tags: [...ind.tags, ...ind.flags.map((f) => `huntforge-flag:${f.category}`)],
      }),
    ];
  });
}

interface MatchRuleSpec {
  key: string;
  name: string;
  query: string;
  threatQuery: string;
  entries: [string, string][];
  applies: (ind: Indicator) => boolean;
}

const MATCH_RULES: MatchRuleSpec[] = [
  {
    key: 'ip-port',
    name: 'connections to IOC IP:port',
    query: 'destination.ip:* and destination.port:*',
    threatQuery: 'threat.indicator.type:(ipv4-addr or ipv6-addr) and threat.indicator.port:*',
    entries: [
      ['destination.ip', 'threat.indicator.ip'],
      ['destination.port', 'threat.indicator.port'],
    ],
    applies: (i) => isIpIndicator(i) && i.port !== null,
  },
  {
    key: 'ip',
    name: 'connections to IOC IP addresses',
    query: 'destination.ip:*',
    threatQuery: 'threat.indicator.type:(ipv4-addr or ipv6-addr) and not threat.indicator.port:*',
    entries: [['destination.ip', 'threat.indicator.ip']],
    applies: (i) => isIpIndicator(i) && i.port === null,
  },
  {
    key: 'domain',
    name: 'lookups of IOC domains (exact names)',
    query: 'dns.question.name:*',
    threatQuery: 'threat.indicator.type:domain-name',
    entries: [['dns.question.name', 'threat.indicator.url.domain']],
    applies: (i) => i.type === 'domain',
  },
  {
    key: 'url',
    name: 'requests to IOC URLs',
    query: 'url.full:*',
    threatQuery: 'threat.indicator.type:url',
    entries: [['url.full', 'threat.indicator.url.full']],
    applies: (i) => i.type === 'url',
  },
  ...(['md5', 'sha1', 'sha256'] as const).map(
    (type): MatchRuleSpec => ({
      key: type,
      name: `IOC file hashes (${type})`,
      query: `file.hash.${type}:*`,
      threatQuery: `threat.indicator.type:file and threat.indicator.file.hash.${type}:*`,
      entries: [[`file.hash.${type}`, `threat.indicator.file.hash.${type}`]],
      applies: (i) => i.type === type,
    }),
  ),
];

export const INDICATOR_INDEX = 'huntforge-indicators';

function indicatorMatchRules(indicators: Indicator[], context: TargetContext): string[] {
  return MATCH_RULES.filter((spec) => indicators.some(spec.applies)).map((spec) =>
    JSON.stringify({
      rule_id: uuidV5(`esql-threat-match:${context.source}:${spec.key}`),
      name: `huntforge ${context.source}: ${spec.name}`,
      description: `Indicator match of events against the ${context.source} indicators in ${INDICATOR_INDEX} (generated by huntforge).`,
      type: 'threat_match',
      language: 'kuery',
      index: ['logs-*'],
      query: spec.query,
      threat_index: [INDICATOR_INDEX],
      threat_query: spec.threatQuery,
      threat_language: 'kuery',
      threat_mapping: [
        { entries: spec.entries.map(([field, value]) => ({ field, type: 'mapping', value })) },
      ],
      threat_indicator_path: 'threat.indicator',
      risk_score: 73,
      severity: 'high',
      interval: '5m',
      from: 'now-6m',
      enabled: false,
      author: [context.author ?? 'huntforge'],
      tags: ['huntforge', context.source],
      max_signals: 100,
      version: 1,
    }),
  );
}

export function renderEsql(hunts: Hunt[], context: TargetContext): TargetOutput {
  const output: TargetOutput = { target: 'esql', files: [], notes: [] };
  for (const detection of groupDetections(hunts)) {
    output.notes.push(...detectionNotes(detection, 'ES|QL query'));
    const query = renderQuery(detection, context, output.notes);
    if (query !== null) output.files.push({ path: `esql/${detection.slug}.esql`, content: query });
    const webQuery =
      query !== null && webDomainTables(detection).length > 0
        ? renderQuery(detection, context, output.notes, true)
        : null;
    if (webQuery !== null) output.files.push({ path: `esql/${detection.slug}-web.esql`, content: webQuery });
    if (detection.kind === 'domain' && detection.indicators.length > 0) {
      output.notes.push({
        huntId: detection.hunts[0].id,
        message:
          'the indicator-match rule compares exact names; subdomains of IOC domains are found by the ES|QL query only',
      });
    }
  }
  output.notes = uniqueNotes(output.notes);
  const indicators = allIndicators(hunts.filter((h) => h.kind !== 'behaviour'));
  if (indicators.length > 0) {
    const stem = slugify(context.source);
    const files: TargetFile[] = [
      {
        path: `esql/${stem}-indicators.ndjson`,
        content: `${indicatorDocuments(indicators, context).join('\n')}\n`,
      },
      {
        path: `esql/${stem}-indicator-match-rules.ndjson`,
        content: `${indicatorMatchRules(indicators, context).join('\n')}\n`,
      },
    ];
    output.files.push(...files);
  }
  return output;
}
