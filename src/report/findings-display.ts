/** How findings name their indicators, flags and times in every findings output. */
import type { Flag, FlagCategory } from '../intel/types.js';

/** Short names for the bundled warninglists, for `⚑ Cloudflare`-style markers. */
const LIST_LABELS: Record<string, string> = {
  cloudflare: 'Cloudflare',
  'amazon-cloudfront': 'Amazon CloudFront',
  fastly: 'Fastly',
  google: 'Google',
  'reserved-ranges': 'Reserved range',
  'public-dns-resolvers': 'Public DNS resolver',
  'dynamic-dns': 'Dynamic DNS',
  'benign-domains': 'Well-known domain',
  'hosting-suffixes': 'Hosting zone',
  'empty-file-hashes': 'Empty file',
};

export function flagLabel(flag: Pick<Flag, 'list'>): string {
  return (
    LIST_LABELS[flag.list] ??
    flag.list
      .split(/[-_\s]+/)
      .filter(Boolean)
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join(' ')
  );
}

/** Distinct labels of a flag set, in order: `Cloudflare`, `Reserved range`. */
export function flagLabels(flags: Flag[]): string[] {
  return [...new Set(flags.map(flagLabel))];
}

/**
 * The category of a flag the report only knows by its reason text (IocRow.flags). The bundled
 * warninglists word their reasons so the consequence says which category it is.
 */
export function categoryOfReason(reason: string): FlagCategory {
  const text = reason.toLowerCase();
  if (text.includes('dynamic-dns') || text.includes('dynamic dns')) return 'dynamic-dns';
  if (/not a (public|routable)|reserved|private range|rfc 1918/.test(text)) return 'reserved';
  if (/shared by many|anycast|cdn|edge range|hosting|tunnel/.test(text)) return 'shared-infrastructure';
  return 'benign';
}

export interface IndicatorKeyParts {
  indicator: string;
  indicatorType: string;
  indicatorPort: number | null;
}

/** The matched indicator as an analyst writes it: `104.21.9.66:443`, `[2001:db8::1]:443`, `theponzu.com`. */
export function indicatorText(f: IndicatorKeyParts): string {
  if (f.indicatorPort === null || f.indicatorType === 'url') return f.indicator;
  return f.indicatorType === 'ipv6'
    ? `[${f.indicator}]:${f.indicatorPort}`
    : `${f.indicator}:${f.indicatorPort}`;
}

/** The seed's type words: `ip:port` for an address with a port, `ip` without. */
export function indicatorTypeText(f: IndicatorKeyParts): string {
  if (f.indicatorType === 'ipv4' || f.indicatorType === 'ipv6')
    return f.indicatorPort === null ? 'ip' : 'ip:port';
  return f.indicatorType;
}

/** Milliseconds since the epoch, or null for a missing or unreadable time. */
export function timeValue(timestamp: string | null | undefined): number | null {
  if (!timestamp) return null;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? null : ms;
}

/** `2026-04-25 10:11:12` (UTC) for tables; the original text when it does not parse. */
export function shortTime(timestamp: string | null | undefined): string {
  const ms = timeValue(timestamp);
  if (ms === null) return timestamp ? String(timestamp) : '—';
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$|Z$/, '');
}

/** Placeholder for a finding whose table names no host. */
export const NO_HOST = '(no host)';
