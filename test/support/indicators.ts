/** Hand-built indicators for tests that must not depend on the readers. */
import type { Flag, Indicator, IndicatorType } from '../../src/intel/types.js';

export function indicator(type: IndicatorType, value: string, extra: Partial<Indicator> = {}): Indicator {
  return {
    type,
    value,
    port: null,
    host: null,
    malware: 'Nanocore RAT',
    malwareIds: ['win.nanocore'],
    malwareAliases: ['nanocore'],
    threatType: 'botnet_cc',
    firstSeen: '2026-04-25T00:00:00Z',
    lastSeen: null,
    validUntil: null,
    confidence: 75,
    tags: [],
    sources: [{ file: 'test', location: 'test:1', format: 'test' }],
    flags: [],
    ...extra,
  };
}

const cloudflare = (range: string): Flag => ({
  list: 'cloudflare',
  category: 'shared-infrastructure',
  reason: `Cloudflare anycast range ${range}`,
});

/** The seed's six indicators as the intel core reads them. */
export function seedIndicators(): Indicator[] {
  return [
    indicator('domain', 'airtellwireless.it.com'),
    indicator('ipv4', '104.21.9.66', { port: 443, confidence: 100, flags: [cloudflare('104.16.0.0/13')] }),
    indicator('ipv4', '172.67.159.51', { port: 443, confidence: 100, flags: [cloudflare('172.64.0.0/13')] }),
    indicator('domain', 'theponzu.com'),
    indicator('domain', 'sc88884.com'),
    indicator('ipv4', '172.67.208.215', { port: 443, confidence: 100, flags: [cloudflare('172.64.0.0/13')] }),
  ];
}
