/**
 * Warninglist lookup benchmark (not a test): IP lookups per second through the prefix tries versus
 * two baselines measured in the same run — a numeric linear scan of every IPv4 range, and the
 * ipaddr.js scan used as the test oracle — plus domain and mixed-indicator throughput.
 * Run: npm run bench:warninglists
 */
import { performance } from 'node:perf_hooks';
import type { Indicator } from '../src/intel/types.js';
import { loadWarninglists, WarninglistIndex } from '../src/intel/warninglists/index.js';
import { parseCidrWords, parseIPv4 } from '../src/intel/warninglists/ip-address.js';
import { NaiveIpScanner } from '../src/intel/warninglists/naive-scan.js';
import { entryValue } from '../src/intel/warninglists/schema.js';

// Deterministic pseudo-random numbers so runs are comparable.
let seed = 0x2545f491;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
};

const v4Text = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

const loadStart = performance.now();
const lists = loadWarninglists();
const index = new WarninglistIndex(lists);
const buildMs = performance.now() - loadStart;
const naive = new NaiveIpScanner(lists);

const v4Ranges = lists
  .filter((l) => l.type === 'cidr')
  .flatMap((l) => l.entries.map(entryValue))
  .map(parseCidrWords)
  .filter((r) => r.family === 4)
  .map((r) => ({ start: r.words[0], end: r.words[0] + 2 ** (32 - r.prefixLength) - 1 }));

// Half the addresses fall inside a listed range, half are uniformly random.
const ips = Array.from({ length: 200_000 }, (_, i) => {
  if (i % 2 === 0) return v4Text(Math.floor(random() * 0x100000000));
  const range = v4Ranges[Math.floor(random() * v4Ranges.length)];
  return v4Text(range.start + Math.floor(random() * (range.end - range.start + 1)));
});

function rate(label: string, total: number, run: (i: number) => number): number {
  run(0); // warm up
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < total; i++) sink += run(i);
  const seconds = (performance.now() - start) / 1000;
  const perSecond = total / seconds;
  console.log(
    `${label.padEnd(44)} ${Math.round(perSecond).toLocaleString('en-US').padStart(14)} lookups/s  (${sink} hits)`,
  );
  return perSecond;
}

function linearScanV4(ip: string): number {
  const n = parseIPv4(ip);
  let hits = 0;
  for (const range of v4Ranges) if (n >= range.start && n <= range.end) hits++;
  return hits;
}

console.log(`lists: ${lists.length}, IPv4 ranges: ${v4Ranges.length}, all CIDR ranges: ${naive.rangeCount}`);
console.log(`load + build: ${buildMs.toFixed(1)} ms\n`);

const trie = rate('prefix trie (checkIp)', 1_000_000, (i) => index.checkIp(ips[i % ips.length]).length);
const linear = rate('baseline: numeric scan of every IPv4 range', 200_000, (i) =>
  linearScanV4(ips[i % ips.length]),
);
const oracle = rate(
  'baseline: ipaddr.js scan of every range',
  20_000,
  (i) => naive.checkIp(ips[i % ips.length]).length,
);
console.log(`\nratio trie / numeric scan: ${(trie / linear).toFixed(1)}x`);
console.log(`ratio trie / ipaddr.js scan: ${(trie / oracle).toFixed(1)}x\n`);

const domains = Array.from({ length: 10_000 }, (_, i) =>
  i % 4 === 0 ? `h${i}.duckdns.org` : i % 4 === 1 ? `cdn${i}.example${i}.co.uk` : `www.site${i}.com`,
);
rate('domain zones (checkDomain)', 1_000_000, (i) => index.checkDomain(domains[i % domains.length]).length);

const indicators: Pick<Indicator, 'type' | 'value' | 'host'>[] = [
  { type: 'ipv4', value: '104.21.9.66', host: null },
  { type: 'domain', value: 'theponzu.com', host: null },
  { type: 'url', value: 'http://c2.ddns.net/gate.php', host: 'c2.ddns.net' },
  { type: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', host: null },
  { type: 'ipv6', value: '2606:4700::6810:1', host: null },
];
rate(
  'mixed indicators (flagsFor)',
  1_000_000,
  (i) => index.flagsFor(indicators[i % indicators.length]).length,
);
