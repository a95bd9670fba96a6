/**
 * Target-neutral facts about indicators and hunts that every renderer needs in the same form:
 * flag text, the host names a domain hunt matches, ATT&CK names, dates and slugs.
 */
import type { Indicator } from '../../intel/types.js';

/** `shared-infrastructure: Cloudflare anycast (cloudflare-ips)`, or null when not flagged. */
export function flagSummary(indicator: Indicator): string | null {
  if (indicator.flags.length === 0) return null;
  return indicator.flags.map((f) => `${f.category}: ${f.reason} (${f.list})`).join('; ');
}

/** How an analyst writes the indicator: `104.21.9.66:443`, `[2001:db8::1]:443`, `theponzu.com`. */
export function indicatorLabel(indicator: Indicator): string {
  if (indicator.port === null || indicator.type === 'url') return indicator.value;
  return indicator.type === 'ipv6'
    ? `[${indicator.value}]:${indicator.port}`
    : `${indicator.value}:${indicator.port}`;
}

export function isIpIndicator(indicator: Indicator): boolean {
  return indicator.type === 'ipv4' || indicator.type === 'ipv6';
}

export function isHashIndicator(
  indicator: Indicator,
): indicator is Indicator & { type: 'md5' | 'sha1' | 'sha256' } {
  return indicator.type === 'md5' || indicator.type === 'sha1' || indicator.type === 'sha256';
}

const IP_LIKE = /^[0-9.]+$|:/;

/**
 * The names a domain hunt matches: domain indicators, and the host of URL indicators the planner put
 * in a domain hunt (it does so only when asked). Lowercase, without a trailing dot, de-duplicated.
 */
export function domainNames(indicators: Indicator[]): string[] {
  const names = new Set<string>();
  for (const ind of indicators) {
    // A URL's host feeds domain hunts only when it is a name, not an address.
    const name =
      ind.type === 'domain'
        ? ind.value
        : ind.type === 'url' && !IP_LIKE.test(ind.host ?? '')
          ? ind.host
          : null;
    if (!name) continue;
    names.add(name.toLowerCase().replace(/\.$/, ''));
  }
  return [...names].sort();
}

/** Stable output order: by type, value, port. */
export function sortIndicators(indicators: Indicator[]): Indicator[] {
  return [...indicators].sort(
    (a, b) =>
      a.type.localeCompare(b.type) || a.value.localeCompare(b.value) || (a.port ?? -1) - (b.port ?? -1),
  );
}

export function indicatorKey(indicator: Indicator): string {
  return `${indicator.type}|${indicator.value}|${indicator.port ?? ''}`;
}

/** `CommandAndControl` / `command and control` / `command-and-control` → `command-and-control`. */
export function tacticSlug(tactic: string): string {
  return tactic
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[\s_]+/g, '-')
    .toLowerCase();
}

/** `T1071.001` → `t1071.001`; null when it is not an ATT&CK technique id. */
export function techniqueSlug(technique: string): string | null {
  const id = technique.trim().toLowerCase();
  return /^t\d{4}(\.\d{3})?$/.test(id) ? id : null;
}

/** `2026-11-28` */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Lowercase ASCII words joined by `-`, for file names. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'unnamed';
}

export interface Lookback {
  amount: number;
  unit: 'd' | 'h' | 'm';
}

/** `30d`, `12h`, `90m` (the KQL timespan forms the CLI accepts); null for anything else. */
export function parseLookback(lookback: string | undefined): Lookback | null {
  const match = /^(\d{1,5})([dhm])$/.exec(lookback?.trim() ?? '');
  if (!match || Number(match[1]) === 0) return null;
  return { amount: Number(match[1]), unit: match[2] as Lookback['unit'] };
}
