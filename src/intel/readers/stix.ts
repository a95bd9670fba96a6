/**
 * STIX 2.1 bundles: `indicator` SDOs with `pattern_type: stix`. The family comes from `malware`
 * SDOs linked by `indicates` relationships (indicator → malware); `labels` become tags.
 * Revoked indicators and non-STIX pattern languages (yara, sigma, …) are rejected with a reason.
 */

import { ownValue } from '../../own.js';
import { canonicalNames, canonicalTags } from '../canonical.js';
import { excerpt, intern, jsonText } from '../strings.js';
import type { IndicatorCandidate, Source } from '../types.js';
import { type Comparison, PatternError, parsePattern } from './stix-pattern.js';
import { InputError, type ReaderSink } from './types.js';

type Sdo = Record<string, unknown>;
const isObject = (v: unknown): v is Sdo => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function isStix(doc: unknown): boolean {
  if (isObject(doc)) return doc.type === 'bundle' || (typeof doc.type === 'string' && 'spec_version' in doc);
  return Array.isArray(doc) && doc.length > 0 && isObject(doc[0]) && typeof doc[0].spec_version === 'string';
}

interface Family {
  name: string;
  aliases: string[];
}

export function readStix(doc: unknown, sink: ReaderSink): void {
  const objects = isObject(doc) ? (doc.type === 'bundle' ? doc.objects : [doc]) : doc;
  if (!Array.isArray(objects)) throw new InputError("STIX bundle has no 'objects' list");
  const malware = new Map<string, Family>();
  for (const o of objects) {
    if (
      isObject(o) &&
      (o.type === 'malware' || o.type === 'intrusion-set' || o.type === 'tool') &&
      str(o.id)
    ) {
      const name = str(o.name);
      if (name) malware.set(o.id as string, { name, aliases: canonicalNames(o.aliases) });
    }
  }
  const families = new Map<string, Family>();
  for (const o of objects) {
    if (!isObject(o) || o.type !== 'relationship' || o.relationship_type !== 'indicates') continue;
    const target = str(o.target_ref);
    const family = target ? malware.get(target) : undefined;
    const source = str(o.source_ref);
    if (family && source && !families.has(source)) families.set(source, family);
  }
  objects.forEach((o, index) => {
    if (isObject(o) && o.type === 'indicator') readIndicator(o, index, families, sink);
  });
}

function readIndicator(sdo: Sdo, index: number, families: Map<string, Family>, sink: ReaderSink): void {
  const id = str(sdo.id) ?? `objects[${index}]`;
  const location = `${sink.file}#${id}`;
  const raw = excerpt(jsonText(sdo.pattern ?? sdo));
  if (sdo.revoked === true) {
    sink.reject(location, 'indicator is revoked', raw);
    return;
  }
  const patternType = str(sdo.pattern_type) ?? 'stix';
  if (patternType.toLowerCase() !== 'stix') {
    sink.reject(location, `pattern_type '${patternType}' is not supported (only stix patterns)`, raw);
    return;
  }
  const pattern = str(sdo.pattern);
  if (pattern === null) {
    sink.reject(location, 'indicator has no pattern', raw);
    return;
  }
  let observations: Comparison[][][];
  try {
    observations = parsePattern(pattern);
  } catch (err) {
    const reason = err instanceof PatternError ? err.message : String(err);
    sink.reject(location, `pattern does not parse: ${reason}`, raw);
    return;
  }
  const family = families.get(id);
  const base = {
    malware: family?.name ?? null,
    malwareAliases: family?.aliases,
    threatType:
      Array.isArray(sdo.indicator_types) && typeof sdo.indicator_types[0] === 'string'
        ? intern(sdo.indicator_types[0])
        : null,
    firstSeen: str(sdo.valid_from) ?? str(sdo.created),
    // `modified` is when the object was edited, not when the indicator was last seen.
    lastSeen: null,
    validUntil: str(sdo.valid_until),
    confidence: typeof sdo.confidence === 'number' ? sdo.confidence : null,
    tags: canonicalTags(sdo.labels),
  };
  const source: Source = { file: sink.file, location, format: 'stix' };
  const skipped: string[] = [];
  let found = 0;
  for (const alternatives of observations) {
    for (const conjunction of alternatives) {
      for (const value of valuesOf(conjunction, skipped)) {
        found++;
        const candidate: IndicatorCandidate = { ...base, ...value, source };
        sink.candidate(candidate);
      }
    }
  }
  if (found === 0)
    sink.reject(
      location,
      skipped[0] ??
        'pattern has no supported comparison (ipv4-addr, ipv6-addr, domain-name, url, email-addr, file hashes, network-traffic dst_ref/dst_port)',
      raw,
    );
}

const HASH_PATHS: Record<string, string> = {
  'hashes.md5': 'md5',
  'hashes.sha-1': 'sha1',
  'hashes.sha1': 'sha1',
  'hashes.sha-256': 'sha256',
  'hashes.sha256': 'sha256',
};

const VALUE_TYPES: Record<string, string> = {
  'ipv4-addr': 'ip',
  'ipv6-addr': 'ip',
  'domain-name': 'domain',
  url: 'url',
  'email-addr': 'email',
};

/** Indicator values in one AND'd group; pairs network-traffic dst_ref.value with dst_port. */
function valuesOf(
  conjunction: Comparison[],
  skipped: string[],
): { value: string; typeHint?: string; port?: number }[] {
  const out: { value: string; typeHint?: string; port?: number }[] = [];
  let ports: number[] = [];
  const trafficHosts: string[] = [];
  for (const c of conjunction) {
    const usable = c.operator === '=' || c.operator === 'IN';
    const path = c.path.toLowerCase();
    const strings = c.values.filter((v): v is string => typeof v === 'string');
    if (c.objectType === 'network-traffic' && (path === 'dst_ref.value' || path === 'dst_port')) {
      if (!usable || c.negated) {
        skipped.push(
          `operator '${c.negated ? 'NOT ' : ''}${c.operator}' on ${c.objectType}:${c.path} is not supported`,
        );
        continue;
      }
      if (path === 'dst_port') ports = c.values.map(Number).filter((n) => Number.isInteger(n));
      else trafficHosts.push(...strings);
      continue;
    }
    const hint =
      c.objectType === 'file'
        ? ownValue(HASH_PATHS, path)
        : c.objectType === 'email-message' && path === 'from_ref.value'
          ? 'email'
          : path === 'value'
            ? ownValue(VALUE_TYPES, c.objectType)
            : undefined;
    if (!hint) continue;
    if (!usable || c.negated) {
      skipped.push(
        `operator '${c.negated ? 'NOT ' : ''}${c.operator}' on ${c.objectType}:${c.path} is not supported`,
      );
      continue;
    }
    for (const value of strings) out.push({ value, typeHint: hint });
  }
  for (const host of trafficHosts) {
    // dst_ref may be an address or a domain-name: let the value decide.
    if (ports.length === 0) out.push({ value: host });
    for (const port of ports) out.push({ value: host, port });
  }
  return out;
}
