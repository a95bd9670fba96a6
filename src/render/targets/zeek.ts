/**
 * A Zeek Intelligence Framework file: tab-separated, `-` for an empty field, Intel::ADDR /
 * Intel::SUBNET / Intel::DOMAIN / Intel::URL (without the scheme) / Intel::FILE_HASH /
 * Intel::EMAIL. Load it with `redef Intel::read_files += { ".../huntforge.intel" };`.
 * Every field goes through `zeekField`.
 */
import type { Hunt } from '../../hunts/types.js';
import type { Indicator } from '../../intel/types.js';
import { allIndicators, huntsByIndicator } from './detections.js';
import { flagSummary, indicatorKey, indicatorLabel, isHashIndicator } from './indicator-facts.js';
import type { TargetContext, TargetNote, TargetOutput } from './types.js';

export class ZeekFieldError extends Error {}

/**
 * One field of the intel file. Tabs and line breaks would split the record, and a lone `-` means
 * "unset", so descriptive text has them replaced; an indicator must be used as is, so one that
 * contains them (or would be read as a comment or as unset) is refused.
 */
export function zeekField(value: string | null, role: 'indicator' | 'text'): string {
  if (value === null || value === '') return '-';
  if (role === 'indicator') {
    if (/[\u0000-\u001f\u007f]/.test(value) || value.startsWith('#') || value === '-') {
      throw new ZeekFieldError('indicator contains a tab or control character, starts with #, or is -');
    }
    return value;
  }
  const text = value.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ').trim();
  return text === '' || text === '-' ? '-' : text;
}

export const ZEEK_FIELDS = ['indicator', 'indicator_type', 'meta.source', 'meta.desc', 'meta.url'] as const;

function intelType(ind: Indicator): { indicator: string; type: string } | null {
  switch (ind.type) {
    case 'ipv4':
    case 'ipv6':
      return { indicator: ind.value, type: ind.value.includes('/') ? 'Intel::SUBNET' : 'Intel::ADDR' };
    case 'domain':
      return { indicator: ind.value, type: 'Intel::DOMAIN' };
    case 'url':
      // "A complete URL without the prefix http://".
      return { indicator: ind.value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, ''), type: 'Intel::URL' };
    case 'email':
      return { indicator: ind.value, type: 'Intel::EMAIL' };
    default:
      return isHashIndicator(ind) ? { indicator: ind.value, type: 'Intel::FILE_HASH' } : null;
  }
}

export function renderZeek(hunts: Hunt[], context: TargetContext): TargetOutput {
  const output: TargetOutput = { target: 'zeek', files: [], notes: [] };
  const notes: TargetNote[] = output.notes;
  const huntsOf = huntsByIndicator(hunts);
  for (const hunt of hunts) {
    if (hunt.kind === 'behaviour') {
      notes.push({
        huntId: hunt.id,
        message: 'host behaviour is not an intel item: not in the Zeek intel file',
      });
    }
  }
  const lines = [`#fields\t${ZEEK_FIELDS.join('\t')}`];
  let portNoted = false;
  let domainNoted = false;
  for (const ind of allIndicators(hunts)) {
    const huntId = huntsOf.get(indicatorKey(ind))?.[0]?.id ?? '';
    const intel = intelType(ind);
    if (!intel) {
      notes.push({ huntId, message: `${indicatorLabel(ind)}: Zeek intel has no type for ${ind.type}` });
      continue;
    }
    let indicatorText: string;
    try {
      indicatorText = zeekField(intel.indicator, 'indicator');
    } catch (error) {
      if (!(error instanceof ZeekFieldError)) throw error;
      notes.push({
        huntId,
        message: `${JSON.stringify(ind.value)} left out of the Zeek intel file: ${error.message}`,
      });
      continue;
    }
    if (ind.port !== null && (ind.type === 'ipv4' || ind.type === 'ipv6') && !portNoted) {
      portNoted = true;
      notes.push({
        huntId,
        message:
          'Zeek Intel::ADDR has no port: ip:port indicators match the address on any port (the port is in meta.desc)',
      });
    }
    if (ind.type === 'domain' && !domainNoted) {
      domainNoted = true;
      notes.push({
        huntId,
        message: 'Zeek Intel::DOMAIN matches the exact name only; subdomains of IOC domains are not seen',
      });
    }
    const flag = flagSummary(ind);
    const desc = [
      ind.malware ?? 'unattributed',
      ind.threatType,
      ind.port !== null && ind.type !== 'url' ? `port ${ind.port}` : null,
      ind.confidence !== null ? `confidence ${ind.confidence}` : null,
      flag ? `FLAGGED ${flag}` : null,
    ]
      .filter(Boolean)
      .join('; ');
    const reference = ind.sources.map((s) => s.reference).find((r) => r && /^https?:\/\//.test(r)) ?? null;
    lines.push(
      [
        indicatorText,
        intel.type,
        zeekField(context.source, 'text'),
        zeekField(desc, 'text'),
        zeekField(reference, 'text'),
      ].join('\t'),
    );
  }
  if (lines.length > 1) output.files.push({ path: 'zeek/huntforge.intel', content: `${lines.join('\n')}\n` });
  return output;
}
