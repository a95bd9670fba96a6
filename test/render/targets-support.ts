/**
 * Hand-built indicators and hunts for the target renderer tests (independent of the planner), and
 * the hostile values every target must keep in its structure.
 */
import type { Condition, Exclusion, Hunt, HuntKind } from '../../src/hunts/types.js';
import type { Flag, Indicator, IndicatorType } from '../../src/intel/types.js';
import type { TargetContext } from '../../src/render/targets/types.js';

export const CLOUDFLARE_FLAG: Flag = {
  list: 'cloudflare-ips',
  category: 'shared-infrastructure',
  reason: 'Cloudflare anycast range',
};

export function indicator(type: IndicatorType, value: string, extra: Partial<Indicator> = {}): Indicator {
  let host: string | null = null;
  if (type === 'url') {
    try {
      host = new URL(value).hostname;
    } catch {
      host = null;
    }
  }
  return {
    type,
    value,
    port: null,
    host,
    malware: 'NanoCore RAT',
    malwareIds: ['win.nanocore'],
    malwareAliases: ['nanocore'],
    threatType: 'botnet_cc',
    firstSeen: '2026-04-25T10:11:12Z',
    lastSeen: '2026-04-26T08:00:00Z',
    validUntil: null,
    confidence: 75,
    tags: ['NanoCore'],
    sources: [
      {
        file: 'threatfox.json',
        location: 'threatfox.json#1',
        format: 'threatfox-json',
        reference: 'https://threatfox.abuse.ch/ioc/1500001/',
      },
    ],
    flags: [],
    ...extra,
  };
}

let huntCounter = 0;

export function hunt(kind: HuntKind, indicators: Indicator[], extra: Partial<Hunt> = {}): Hunt {
  huntCounter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(huntCounter).padStart(12, '0')}`,
    kind,
    title: `NanoCore RAT ${kind} hunt`,
    description: `Finds NanoCore RAT ${kind} activity.`,
    purpose: `match ${kind} indicators`,
    table:
      kind === 'domain' ? 'DnsEvents' : kind === 'behaviour' ? 'DeviceProcessEvents' : 'DeviceNetworkEvents',
    project: [],
    projectColumns: [],
    connectors: [],
    indicators,
    indicatorTypes: [...new Set(indicators.map((i) => i.type))],
    severity: 'High',
    tactics: ['CommandAndControl'],
    techniques: ['T1071.001'],
    entityMappings: [],
    exclusions: [],
    falsePositives: [],
    family: 'NanoCore RAT',
    ...extra,
  };
}

export function exclusion(id: string, condition: Condition, extra: Partial<Exclusion> = {}): Exclusion {
  return { id, reason: `benign ${id}`, scope: [], condition, origin: 'test', ...extra };
}

export const CONTEXT: TargetContext = {
  source: 'ThreatFox',
  generated: new Date('2026-11-28T10:00:00.000Z'),
  author: 'huntforge tests',
  suricataSidBase: 2_100_000,
  lookback: '30d',
};

/** The seed's Nanocore case: 3 domains, 3 Cloudflare ip:port indicators. */
export function seedIndicators(): Indicator[] {
  return [
    indicator('domain', 'airtellwireless.it.com'),
    indicator('domain', 'theponzu.com'),
    indicator('domain', 'sc88884.com'),
    indicator('ipv4', '104.21.9.66', { port: 443, confidence: 100, flags: [CLOUDFLARE_FLAG] }),
    indicator('ipv4', '172.67.159.51', { port: 443, confidence: 100, flags: [CLOUDFLARE_FLAG] }),
    indicator('ipv4', '172.67.208.215', { port: 443, confidence: 100, flags: [CLOUDFLARE_FLAG] }),
  ];
}

export function seedHunts(): Hunt[] {
  const inds = seedIndicators();
  const ips = inds.filter((i) => i.type === 'ipv4');
  const domains = inds.filter((i) => i.type === 'domain');
  return [
    hunt('ip', ips, { table: 'CommonSecurityLog' }),
    hunt('ip', ips, { table: 'DeviceNetworkEvents' }),
    hunt('domain', domains, { table: 'DnsEvents' }),
  ];
}

/** Values that try to break out of every quoting scheme the targets use. */
export const HOSTILE_VALUES: string[] = [
  `it's`,
  `say "hi"`,
  'back`tick`',
  'C:\\Windows\\System32\\',
  'trailing\\',
  'line1\nline2\r\nline3',
  'tab\there',
  'pipe | search index=*',
  '// not a comment',
  '/* open comment',
  'close */',
  'semi;colon;',
  '$(rm -rf /)',
  '<script>alert(1)</script>',
  "=cmd|' /C calc'!A0",
  '+SUM(1)',
  '-2+3',
  '@import',
  '\u202Eevil\u200Fmark',
  '#hash start',
  '-',
  'x'.repeat(5000),
];
