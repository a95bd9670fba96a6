/**
 * A MISP event (MISP core format, `{"Event": {...}}`) with one attribute per indicator —
 * ip-dst / ip-dst|port / domain / url / md5 / sha1 / sha256 / email-src, category and to_ids —
 * a `misp-galaxy:malpedia` tag for the family and flag tags. JSON serialisation does the quoting; tag values go through `mispTagValue`.
 */

import { uuidV5 } from '../../hunts/ids.js';
import type { Hunt } from '../../hunts/types.js';
import type { Indicator } from '../../intel/types.js';
import { allIndicators, huntsByIndicator } from './detections.js';
import { flagSummary, indicatorKey, isoDate, slugify } from './indicator-facts.js';
import type { TargetContext, TargetOutput } from './types.js';

/** A machine-tag value (`ns:predicate="value"`): no double quotes or line breaks inside. */
export function mispTagValue(value: string): string {
  return value.replace(/["\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ').trim();
}

function attributeType(ind: Indicator): { type: string; category: string; value: string } {
  switch (ind.type) {
    case 'ipv4':
    case 'ipv6':
      return ind.port === null
        ? { type: 'ip-dst', category: 'Network activity', value: ind.value }
        : { type: 'ip-dst|port', category: 'Network activity', value: `${ind.value}|${ind.port}` };
    case 'domain':
      return { type: 'domain', category: 'Network activity', value: ind.value };
    case 'url':
      return { type: 'url', category: 'Network activity', value: ind.value };
    case 'email':
      return { type: 'email-src', category: 'Payload delivery', value: ind.value };
    default:
      return { type: ind.type, category: 'Payload delivery', value: ind.value };
  }
}

function epochSeconds(iso: string | null, fallback: Date): string {
  const time = iso ? new Date(iso).getTime() : Number.NaN;
  return String(Math.floor((Number.isNaN(time) ? fallback.getTime() : time) / 1000));
}

const THREAT_LEVEL = { High: '1', Medium: '2', Low: '3', Informational: '4' } as const;

export function renderMisp(hunts: Hunt[], context: TargetContext): TargetOutput {
  const output: TargetOutput = { target: 'misp', files: [], notes: [] };
  for (const hunt of hunts) {
    if (hunt.kind === 'behaviour') {
      output.notes.push({
        huntId: hunt.id,
        message: 'host behaviour is not a MISP attribute here: not in the event',
      });
    }
  }
  const indicators = allIndicators(hunts);
  if (indicators.length === 0) return output;
  const huntsOf = huntsByIndicator(hunts);
  const familyTag = (family: string) => ({ name: `misp-galaxy:malpedia="${mispTagValue(family)}"` });
  const families = new Set<string>();
  const attributes = indicators.map((ind) => {
    const { type, category, value } = attributeType(ind);
    const family = ind.malware ?? huntsOf.get(indicatorKey(ind))?.find((h) => h.family)?.family ?? null;
    if (family) families.add(family);
    const flag = flagSummary(ind);
    const attribute: Record<string, unknown> = {
      uuid: uuidV5(`misp-attribute:${indicatorKey(ind)}`),
      type,
      category,
      to_ids: true,
      value,
      comment: [
        family,
        ind.threatType,
        ind.confidence !== null ? `confidence ${ind.confidence}` : null,
        flag ? `FLAGGED: ${flag}` : null,
      ]
        .filter(Boolean)
        .join(' | '),
      distribution: '5',
      timestamp: epochSeconds(ind.lastSeen ?? ind.firstSeen, context.generated),
      deleted: false,
      Tag: [
        ...(family ? [familyTag(family)] : []),
        ...ind.flags.map((f) => ({ name: `huntforge:flag="${mispTagValue(f.category)}"` })),
      ],
    };
    if (ind.firstSeen) attribute.first_seen = ind.firstSeen;
    if (ind.lastSeen) attribute.last_seen = ind.lastSeen;
    return attribute;
  });
  const familyList = [...families].sort();
  const severity = hunts.some((h) => h.severity === 'High') ? 'High' : (hunts[0]?.severity ?? 'Medium');
  const event = {
    Event: {
      uuid: uuidV5(`misp-event:${context.source}:${familyList.join(',')}`),
      info: `huntforge: ${familyList.join(', ') || 'unattributed'} indicators from ${context.source}`.slice(
        0,
        256,
      ),
      date: isoDate(context.generated),
      threat_level_id: THREAT_LEVEL[severity],
      analysis: '0',
      distribution: '0',
      published: false,
      timestamp: epochSeconds(null, context.generated),
      Tag: familyList.map(familyTag),
      Attribute: attributes,
    },
  };
  output.files.push({
    path: `misp/${slugify(context.source)}-event.json`,
    content: `${JSON.stringify(event, null, 2)}\n`,
  });
  return output;
}
