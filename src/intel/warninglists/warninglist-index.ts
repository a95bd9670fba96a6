/**
 * All warninglists compiled into lookup structures: an IPv4 and an IPv6 prefix trie for `cidr`
 * lists, maps keyed by zone / exact name for domain lists (a lookup walks the name's label
 * suffixes), and a map for hashes. Built once; every lookup returns the lists' flags.
 */
import type { Flag, Indicator } from '../types.js';
import { mappedIPv4, parseCidrWords, parseIPv4Loose, parseIPv6Words } from './ip-address.js';
import { PrefixTrie } from './prefix-trie.js';
import { entryReason, entryValue, type Warninglist } from './schema.js';

export interface WarninglistSummary {
  name: string;
  description: string;
  category: Flag['category'];
  type: Warninglist['type'];
  source: string;
  retrieved: string;
  entries: number;
}

export class WarninglistIndex {
  readonly lists: readonly WarninglistSummary[];
  private readonly ipv4 = new PrefixTrie<Flag>(32);
  private readonly ipv6 = new PrefixTrie<Flag>(128);
  private readonly zones = new Map<string, Flag[]>();
  private readonly hostnames = new Map<string, Flag[]>();
  private readonly hashes = new Map<string, Flag[]>();
  // Scratch key buffers: lookups are synchronous, so one pair serves every call.
  private readonly v4Key = new Uint32Array(1);
  private readonly v6Key = new Uint32Array(4);
  private readonly v4Hits: Flag[] = [];

  constructor(lists: readonly Warninglist[]) {
    const names = new Set<string>();
    for (const list of lists) {
      if (names.has(list.name)) throw new Error(`warninglist name '${list.name}' is used twice`);
      names.add(list.name);
      for (const entry of list.entries) this.add(list, entry);
    }
    this.lists = lists.map((list) => ({
      name: list.name,
      description: list.description,
      category: list.category,
      type: list.type,
      source: list.source,
      retrieved: list.retrieved,
      entries: list.entries.length,
    }));
  }

  private add(list: Warninglist, entry: Warninglist['entries'][number]): void {
    const flag: Flag = Object.freeze({
      list: list.name,
      category: list.category,
      reason: entryReason(list, entry),
    });
    const value = entryValue(entry);
    switch (list.type) {
      case 'cidr': {
        const { family, words, prefixLength } = parseCidrWords(value);
        (family === 4 ? this.ipv4 : this.ipv6).insert(words, prefixLength, flag);
        return;
      }
      case 'domain-suffix':
        pushTo(this.zones, value, flag);
        return;
      case 'hostname':
        pushTo(this.hostnames, value, flag);
        return;
      case 'hash':
        pushTo(this.hashes, value, flag);
        return;
    }
  }

  /** Flags for an IPv4 or IPv6 address (text); [] for anything that is not an address. */
  checkIp(ip: string): Flag[] {
    const out: Flag[] = [];
    const v4 = ip.includes(':') ? -1 : parseIPv4Loose(ip);
    if (v4 !== -1) {
      this.v4Key[0] = v4;
      this.ipv4.collect(this.v4Key, out);
      return mostSpecificPerList(out);
    }
    const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
    if (!parseIPv6Words(text, this.v6Key)) return out;
    this.ipv6.collect(this.v6Key, out);
    const embedded = mappedIPv4(this.v6Key);
    if (embedded !== -1) {
      this.v4Key[0] = embedded;
      this.ipv4.collect(this.v4Key, out);
    }
    return mostSpecificPerList(out);
  }

  /**
   * checkIp for an IPv4 address given as its unsigned 32-bit number: readers that parsed the
   * address already skip building and re-parsing its text. Most addresses are on no list; they
   * all get one shared, frozen empty list instead of a new one each.
   */
  checkIPv4(address: number): readonly Flag[] {
    const out = this.v4Hits;
    out.length = 0;
    this.v4Key[0] = address;
    this.ipv4.collect(this.v4Key, out);
    return out.length === 0 ? NO_FLAGS : mostSpecificPerList([...out]);
  }

  /** Flags for a domain name: lists naming it exactly, or naming a zone it is in (`x.duckdns.org`). */
  checkDomain(name: string): Flag[] {
    let domain = name.toLowerCase();
    if (domain.endsWith('.')) domain = domain.slice(0, -1);
    const out: Flag[] = [];
    const exact = this.hostnames.get(domain);
    if (exact) addFirstPerList(out, exact);
    // From the full name up to the TLD, so the most specific zone of each list wins.
    for (let start = 0; start !== -1 && start < domain.length; ) {
      const zone = this.zones.get(start === 0 ? domain : domain.slice(start));
      if (zone) addFirstPerList(out, zone);
      const dot = domain.indexOf('.', start);
      start = dot === -1 ? -1 : dot + 1;
    }
    return out;
  }

  checkHash(hash: string): Flag[] {
    const hit = this.hashes.get(hash.toLowerCase());
    return hit ? [...hit] : [];
  }

  /** Flags for an indicator: IPs, domains, URL hosts (IP or domain), e-mail domains and hashes. */
  flagsFor(indicator: Pick<Indicator, 'type' | 'value' | 'host'>): Flag[] {
    switch (indicator.type) {
      case 'ipv4':
      case 'ipv6':
        return this.checkIp(indicator.value);
      case 'domain':
        return this.checkDomain(indicator.value);
      case 'url': {
        const host = indicator.host ?? hostOfUrl(indicator.value);
        return host ? this.checkHost(host) : [];
      }
      case 'email': {
        const at = indicator.value.lastIndexOf('@');
        return at === -1 ? [] : this.checkDomain(indicator.value.slice(at + 1));
      }
      case 'md5':
      case 'sha1':
      case 'sha256':
        return this.checkHash(indicator.value);
      default:
        return [];
    }
  }

  /** A URL host: bracketed or bare IPv6, dotted IPv4, or a domain name. */
  checkHost(host: string): Flag[] {
    if (host.includes(':') || parseIPv4Loose(host) !== -1) return this.checkIp(host);
    return this.checkDomain(host);
  }
}

const NO_FLAGS: readonly Flag[] = Object.freeze([]);

function pushTo(map: Map<string, Flag[]>, key: string, flag: Flag): void {
  const existing = map.get(key);
  if (existing) existing.push(flag);
  else map.set(key, [flag]);
}

/** Trie hits arrive shortest prefix first: keep each list's last (most specific) range. */
function mostSpecificPerList(flags: Flag[]): Flag[] {
  if (flags.length < 2) return flags;
  const out: Flag[] = [];
  for (const flag of flags) {
    const i = out.findIndex((f) => f.list === flag.list);
    if (i === -1) out.push(flag);
    else out[i] = flag;
  }
  return out;
}

/** Domain hits arrive most specific first: keep each list's first. */
function addFirstPerList(out: Flag[], flags: readonly Flag[]): void {
  for (const flag of flags) if (!out.some((f) => f.list === flag.list)) out.push(flag);
}

function hostOfUrl(url: string): string | null {
  try {
    return new URL(url).hostname || null;
  } catch {
    return null;
  }
}
