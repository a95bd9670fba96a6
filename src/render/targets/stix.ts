/**
 * A STIX 2.1 bundle: huntforge's identity, a malware SDO per family, one indicator per IOC
 * (STIX pattern, validity window, confidence, labels, kill chain phases, external references) and
 * `indicates` relationships. Ids are UUIDv5 of the content they name and timestamps come from the
 * feed, so regenerating from the same feed yields the same objects (no churn in Sentinel's TI).
 * Pattern values go through `stixString`.
 */

import { uuidV5 } from '../../hunts/ids.js';
import type { Hunt } from '../../hunts/types.js';
import type { Indicator, IndicatorType } from '../../intel/types.js';
import { allIndicators, huntsByIndicator } from './detections.js';
import { flagSummary, indicatorKey, indicatorLabel, slugify, tacticSlug } from './indicator-facts.js';
import type { TargetContext, TargetOutput } from './types.js';

/** A STIX patterning string literal: single-quoted, `\` and `'` backslash-escaped. */
export function stixString(value: string): string {
  return `'${value.replace(/[\\']/g, (ch) => `\\${ch}`)}'`;
}

const HASH_KEYS = { md5: 'MD5', sha1: "'SHA-1'", sha256: "'SHA-256'" } as const;

/** The STIX pattern of an indicator; ip:port becomes a network-traffic pattern. */
export function stixPattern(ind: Indicator): string {
  switch (ind.type) {
    case 'ipv4':
    case 'ipv6': {
      const addrType = `${ind.type}-addr`;
      if (ind.port === null) return `[${addrType}:value = ${stixString(ind.value)}]`;
      return `[network-traffic:dst_ref.type = ${stixString(addrType)} AND network-traffic:dst_ref.value = ${stixString(ind.value)} AND network-traffic:dst_port = ${ind.port}]`;
    }
    case 'domain':
      return `[domain-name:value = ${stixString(ind.value)}]`;
    case 'url':
      return `[url:value = ${stixString(ind.value)}]`;
    case 'email':
      return `[email-addr:value = ${stixString(ind.value)}]`;
    case 'md5':
    case 'sha1':
    case 'sha256':
      return `[file:hashes.${HASH_KEYS[ind.type]} = ${stixString(ind.value)}]`;
  }
}

/** How long an indicator stays valid after it was last seen, when the feed gives no expiry. */
export const DEFAULT_VALIDITY_DAYS: Record<IndicatorType, number> = {
  ipv4: 30,
  ipv6: 30,
  domain: 90,
  url: 90,
  email: 90,
  md5: 365,
  sha1: 365,
  sha256: 365,
};

const DAY_MS = 86_400_000;

/** STIX timestamps: RFC 3339 in UTC with millisecond precision (`…T09:00:00.000Z`). */
function stixTimestamp(date: Date): string {
  return date.toISOString();
}

function parseDate(value: string | null): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Fixed creation time of huntforge's identity object, so it never churns. */
const IDENTITY_CREATED = '2026-01-01T00:00:00.000Z';

type StixObject = Record<string, unknown> & { type: string; id: string };

interface Validity {
  created: Date;
  modified: Date;
  validFrom: Date;
  validUntil: Date;
}

function validity(ind: Indicator, generated: Date): Validity {
  const first = parseDate(ind.firstSeen) ?? parseDate(ind.lastSeen) ?? generated;
  const last = parseDate(ind.lastSeen) ?? first;
  const modified = new Date(Math.max(last.getTime(), first.getTime()));
  const feedExpiry = parseDate(ind.validUntil);
  const ageExpiry = new Date(modified.getTime() + DEFAULT_VALIDITY_DAYS[ind.type] * DAY_MS);
  // valid_until must be later than valid_from.
  const validUntil = feedExpiry && feedExpiry > first ? feedExpiry : ageExpiry;
  return { created: first, modified, validFrom: first, validUntil };
}

export function renderStix(hunts: Hunt[], context: TargetContext): TargetOutput {
  const output: TargetOutput = { target: 'stix', files: [], notes: [] };
  for (const hunt of hunts) {
    if (hunt.kind === 'behaviour') {
      output.notes.push({
        huntId: hunt.id,
        message: 'host behaviour has no STIX indicator pattern here: not in the bundle',
      });
    }
  }
  const indicators = allIndicators(hunts);
  if (indicators.length === 0) return output;
  const huntsOf = huntsByIndicator(hunts);
  const identityId = `identity--${uuidV5('stix-identity:huntforge')}`;
  const identity: StixObject = {
    type: 'identity',
    spec_version: '2.1',
    id: identityId,
    created: IDENTITY_CREATED,
    modified: IDENTITY_CREATED,
    name: 'huntforge',
    identity_class: 'system',
    description: 'IOC feeds turned into threat hunts by huntforge.',
  };
  const malwareObjects = new Map<string, StixObject>();
  const indicatorObjects: StixObject[] = [];
  const relationships: StixObject[] = [];
  for (const ind of indicators) {
    const ownHunts = huntsOf.get(indicatorKey(ind)) ?? [];
    const family = ind.malware ?? ownHunts.find((h) => h.family)?.family ?? null;
    const { created, modified, validFrom, validUntil } = validity(ind, context.generated);
    const tactics = [...new Set(ownHunts.flatMap((h) => h.tactics).map(tacticSlug))];
    if (tactics.length === 0 && ind.threatType === 'botnet_cc') tactics.push('command-and-control');
    const flag = flagSummary(ind);
    const labels = [
      ...(ind.threatType ? [ind.threatType] : []),
      ...ind.tags,
      ...ind.flags.map((f) => `flagged:${f.category}`),
    ].filter((l, i, all) => l.trim() !== '' && all.indexOf(l) === i);
    const references = ind.sources.map((s) => ({
      source_name: context.source,
      description: `${s.format} ${s.location}`,
      ...(s.reference && /^https?:\/\//.test(s.reference) ? { url: s.reference } : {}),
    }));
    const indicatorId = `indicator--${uuidV5(`stix-indicator:${indicatorKey(ind)}`)}`;
    const object: StixObject = {
      type: 'indicator',
      spec_version: '2.1',
      id: indicatorId,
      created_by_ref: identityId,
      created: stixTimestamp(created),
      modified: stixTimestamp(modified),
      name: `${ind.type} ${indicatorLabel(ind)}`,
      description: [family ?? 'Unattributed', ind.threatType, flag ? `FLAGGED: ${flag}` : null]
        .filter(Boolean)
        .join(' | '),
      indicator_types: ['malicious-activity'],
      pattern: stixPattern(ind),
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: stixTimestamp(validFrom),
      valid_until: stixTimestamp(validUntil),
    };
    if (ind.confidence !== null) object.confidence = Math.max(0, Math.min(100, Math.round(ind.confidence)));
    if (labels.length > 0) object.labels = labels;
    if (tactics.length > 0) {
      object.kill_chain_phases = tactics.map((phase) => ({
        kill_chain_name: 'mitre-attack',
        phase_name: phase,
      }));
    }
    if (references.length > 0) object.external_references = references;
    indicatorObjects.push(object);
    if (!family) continue;
    const malwareId = `malware--${uuidV5(`stix-malware:${family.toLowerCase()}`)}`;
    const existing = malwareObjects.get(malwareId);
    if (!existing) {
      const aliases = [...new Set(ind.malwareAliases)].filter(
        (a) => a.toLowerCase() !== family.toLowerCase(),
      );
      malwareObjects.set(malwareId, {
        type: 'malware',
        spec_version: '2.1',
        id: malwareId,
        created_by_ref: identityId,
        created: stixTimestamp(created),
        modified: stixTimestamp(modified),
        name: family,
        is_family: true,
        ...(aliases.length > 0 ? { aliases } : {}),
      });
    } else {
      // The family object spans its indicators' time range.
      if (stixTimestamp(created) < String(existing.created)) existing.created = stixTimestamp(created);
      if (stixTimestamp(modified) > String(existing.modified)) existing.modified = stixTimestamp(modified);
    }
    relationships.push({
      type: 'relationship',
      spec_version: '2.1',
      id: `relationship--${uuidV5(`stix-indicates:${indicatorId}:${malwareId}`)}`,
      created_by_ref: identityId,
      created: stixTimestamp(created),
      modified: stixTimestamp(modified),
      relationship_type: 'indicates',
      source_ref: indicatorId,
      target_ref: malwareId,
    });
  }
  const objects = [identity, ...malwareObjects.values(), ...indicatorObjects, ...relationships];
  const bundle = {
    type: 'bundle',
    id: `bundle--${uuidV5(`stix-bundle:${objects.map((o) => o.id).join(',')}`)}`,
    objects,
  };
  output.files.push({
    path: `stix/${slugify(context.source)}-bundle.json`,
    content: `${JSON.stringify(bundle, null, 2)}\n`,
  });
  return output;
}
