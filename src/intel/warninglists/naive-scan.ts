/**
 * Reference IP matcher that tests every range of every `cidr` list in turn. Far too slow for feeds;
 * it exists as the oracle for the prefix-trie property test and the benchmark baseline.
 */
import type { IPv4, IPv6 } from 'ipaddr.js';
import { ipaddr } from '../../packages/ipaddr.js';
import type { Flag } from '../types.js';
import { entryReason, entryValue, type Warninglist } from './schema.js';

interface Range {
  network: IPv4 | IPv6;
  prefixLength: number;
  flag: Flag;
}

export class NaiveIpScanner {
  private readonly ranges: Range[] = [];

  constructor(lists: readonly Warninglist[]) {
    for (const list of lists) {
      if (list.type !== 'cidr') continue;
      for (const entry of list.entries) {
        const [network, prefixLength] = ipaddr.parseCIDR(entryValue(entry));
        const flag = { list: list.name, category: list.category, reason: entryReason(list, entry) };
        this.ranges.push({ network, prefixLength, flag });
      }
    }
  }

  get rangeCount(): number {
    return this.ranges.length;
  }

  /** Same answer as WarninglistIndex.checkIp: one flag per list, its longest matching prefix. */
  checkIp(ip: string): Flag[] {
    if (!ipaddr.isValid(ip)) return [];
    const address = ipaddr.parse(ip);
    const candidates = [address];
    if (address.kind() === 'ipv6' && (address as IPv6).isIPv4MappedAddress()) {
      candidates.push((address as IPv6).toIPv4Address());
    }
    const best = new Map<string, Range>();
    for (const candidate of candidates) {
      for (const range of this.ranges) {
        if (range.network.kind() !== candidate.kind()) continue;
        if (!candidate.match(range.network, range.prefixLength)) continue;
        const current = best.get(range.flag.list);
        if (!current || range.prefixLength > current.prefixLength) best.set(range.flag.list, range);
      }
    }
    return [...best.values()].map((range) => range.flag);
  }
}
