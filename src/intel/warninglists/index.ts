/**
 * Warninglist lookups: which bundled lists an indicator is on, as flags. The bundled lists
 * (`data/warninglists/*.json`) are read and compiled once, on the first lookup.
 */
import type { Flag, Indicator } from '../types.js';
import { loadWarninglists } from './load.js';
import { WarninglistIndex, type WarninglistSummary } from './warninglist-index.js';

export { loadWarninglists, readWarninglist } from './load.js';
export type { Warninglist, WarninglistEntry, WarninglistType } from './schema.js';
export { validateWarninglist } from './schema.js';
export { WarninglistIndex, type WarninglistSummary } from './warninglist-index.js';

let bundled: WarninglistIndex | undefined;

/** The index over the bundled lists, built on first use. */
export function bundledWarninglists(): WarninglistIndex {
  bundled ??= new WarninglistIndex(loadWarninglists());
  return bundled;
}

/** Flags for one canonical indicator (ipv4/ipv6 value, domain, URL host, e-mail domain, hash). */
export function flagsFor(indicator: Pick<Indicator, 'type' | 'value' | 'host'>): Flag[] {
  return bundledWarninglists().flagsFor(indicator);
}

/** Flags for an IPv4/IPv6 address; [] for text that is not an address. */
export function checkIp(ip: string): Flag[] {
  return bundledWarninglists().checkIp(ip);
}

/** checkIp for an IPv4 address as its unsigned 32-bit number. */
export function checkIPv4(address: number): readonly Flag[] {
  return bundledWarninglists().checkIPv4(address);
}

/** Flags for a domain name (case and a trailing dot are ignored); subdomains of listed zones match. */
export function checkDomain(name: string): Flag[] {
  return bundledWarninglists().checkDomain(name);
}

/** Flags for an md5/sha1/sha256 (case ignored). */
export function checkHash(hash: string): Flag[] {
  return bundledWarninglists().checkHash(hash);
}

/** The bundled lists with their source, date and size, for reports. */
export function listWarninglists(): WarninglistSummary[] {
  return [...bundledWarninglists().lists];
}
