/** One ThreatFox record (API or export field names) → IndicatorCandidate. */
import { canonicalNames, canonicalTags } from '../canonical.js';
import { detach, intern } from '../strings.js';
import type { IndicatorCandidate, Source } from '../types.js';

type Fields = Record<string, unknown>;

const str = (v: unknown): string | null =>
  typeof v === 'string' ? (v === '' || v === 'None' ? null : v) : typeof v === 'number' ? String(v) : null;

/**
 * Maps a record whatever its generation: the API says `ioc`/`first_seen`/`malware`, the exports
 * `ioc_value`/`first_seen_utc`/`fk_malware`. Returns the candidate or a reason it has no value.
 */
export function threatFoxCandidate(record: Fields, source: Source): IndicatorCandidate | string {
  const value = str(record.ioc ?? record.ioc_value);
  if (value === null) return 'record has no ioc value';
  const typeHint = str(record.ioc_type);
  if (typeHint === null) return 'record has no ioc_type';
  const malwareId = str(record.malware ?? record.fk_malware);
  const reference = str(record.reference);
  const reporter = str(record.reporter);
  // Detached/interned: the record may be a view into a large streamed chunk.
  if (reference !== null) source.reference = detach(reference);
  if (reporter !== null) source.reporter = intern(reporter);
  return {
    value,
    typeHint,
    malware: str(record.malware_printable),
    malwareIds: malwareId && malwareId !== 'unknown' ? canonicalNames(malwareId) : undefined,
    malwareAliases: canonicalNames(record.malware_alias),
    threatType: str(record.threat_type),
    firstSeen: str(record.first_seen ?? record.first_seen_utc),
    lastSeen: str(record.last_seen ?? record.last_seen_utc),
    confidence: record.confidence_level as number | string | null | undefined,
    tags: canonicalTags(record.tags),
    source,
  };
}
