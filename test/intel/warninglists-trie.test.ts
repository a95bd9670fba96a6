import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import type { Flag } from '../../src/intel/types.js';
import { loadWarninglists, WarninglistIndex } from '../../src/intel/warninglists/index.js';
import { parseCidrWords, parseIPv4, parseIPv6Words } from '../../src/intel/warninglists/ip-address.js';
import { NaiveIpScanner } from '../../src/intel/warninglists/naive-scan.js';
import { PrefixTrie } from '../../src/intel/warninglists/prefix-trie.js';
import { entryValue } from '../../src/intel/warninglists/schema.js';

const lists = loadWarninglists();
const index = new WarninglistIndex(lists);
const naive = new NaiveIpScanner(lists);
const cidrs = lists.filter((l) => l.type === 'cidr').flatMap((l) => l.entries.map(entryValue));
const v4Ranges = cidrs.map(parseCidrWords).filter((r) => r.family === 4);
const v6Ranges = cidrs.map(parseCidrWords).filter((r) => r.family === 6);

const key = (flags: Flag[]) => flags.map((f) => `${f.list}|${f.category}|${f.reason}`).sort();

const v4Text = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const v6Text = (words: number[]) =>
  words.flatMap((w) => [(w >>> 16).toString(16), (w & 0xffff).toString(16)]).join(':');

// Addresses at and just beyond range edges are where an off-by-one in the trie would show.
const v4NearRange = fc
  .tuple(fc.constantFrom(...v4Ranges), fc.boolean(), fc.integer({ min: -2, max: 2 }))
  .map(([range, atEnd, delta]) => {
    const size = 2 ** (32 - range.prefixLength);
    const edge = atEnd ? range.words[0] + size - 1 : range.words[0];
    return v4Text(Math.min(0xffffffff, Math.max(0, edge + delta)));
  });

// A random address sharing a range's prefix, sometimes with the last prefix bit flipped (just outside).
const v6NearRange = fc
  .tuple(
    fc.constantFrom(...v6Ranges),
    fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 4, maxLength: 4 }),
    fc.boolean(),
  )
  .map(([range, noise, flip]) => {
    const words = Array.from(range.words, (word, i) => {
      const fixed = Math.max(0, Math.min(32, range.prefixLength - i * 32));
      const mask = fixed === 0 ? 0 : (0xffffffff << (32 - fixed)) >>> 0;
      return ((word & mask) | (noise[i] & ~mask)) >>> 0;
    });
    if (flip && range.prefixLength > 0) {
      const bit = range.prefixLength - 1;
      words[bit >>> 5] = (words[bit >>> 5] ^ (1 << (31 - (bit & 31)))) >>> 0;
    }
    return v6Text(words);
  });

test('the prefix trie agrees with a scan of every range (IPv4)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.ipV4(), v4NearRange), (ip) => {
      assert.deepEqual(key(index.checkIp(ip)), key(naive.checkIp(ip)), ip);
    }),
    { numRuns: 5000 },
  );
});

test('an IPv4 address looked up by its number gets the flags of its text', () => {
  fc.assert(
    fc.property(fc.oneof(fc.ipV4(), v4NearRange), (ip) => {
      assert.deepEqual(index.checkIPv4(parseIPv4(ip)), index.checkIp(ip), ip);
    }),
    { numRuns: 5000 },
  );
});

test('the prefix trie agrees with a scan of every range (IPv6)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.ipV6(), v6NearRange), (ip) => {
      assert.deepEqual(key(index.checkIp(ip)), key(naive.checkIp(ip)), ip);
    }),
    { numRuns: 3000 },
  );
});

test('the property inputs really do hit ranges (the comparison is not vacuous)', () => {
  const samples = fc.sample(v4NearRange, { numRuns: 500, seed: 42 });
  const flagged = samples.filter((ip) => index.checkIp(ip).length > 0).length;
  assert.ok(flagged > 200 && flagged < 500, `${flagged} of 500 flagged`);
  const v6 = fc.sample(v6NearRange, { numRuns: 500, seed: 42 });
  const v6Flagged = v6.filter((ip) => index.checkIp(ip).length > 0).length;
  assert.ok(v6Flagged > 200 && v6Flagged < 500, `${v6Flagged} of 500 flagged`);
});

/** ipaddr.js's reading of an IPv6 text as four 32-bit words, or null when it rejects it. */
function ipaddrV6Words(text: string): number[] | null {
  if (!ipaddr.IPv6.isValid(text)) return null;
  const parts = ipaddr.IPv6.parse(text).parts;
  return [0, 1, 2, 3].map((i) => parts[2 * i] * 0x10000 + parts[2 * i + 1]);
}

test('the fast IPv6 parser reads every address form as ipaddr.js does', () => {
  const junk = fc.string({
    unit: fc.constantFrom(...'0123456789abcdefABCDEF:.:::%g'.split('')),
    maxLength: 45,
  });
  fc.assert(
    fc.property(fc.oneof(fc.ipV6(), junk), (text) => {
      const out = new Uint32Array(4);
      const ok = parseIPv6Words(text, out);
      const expected = ipaddrV6Words(text);
      assert.equal(ok, expected !== null, text);
      if (expected) assert.deepEqual([...out], expected, text);
    }),
    { numRuns: 20000 },
  );
  for (const [text, words] of [
    ['::', [0, 0, 0, 0]],
    ['::1', [0, 0, 0, 1]],
    ['1::', [0x10000, 0, 0, 0]],
    ['2606:4700::6810:1', [0x26064700, 0, 0, 0x68100001]],
    ['::ffff:104.21.9.66', [0, 0, 0xffff, 0x68150942]],
    ['1:2:3:4:5:6:7:8', [0x10002, 0x30004, 0x50006, 0x70008]],
  ] as const) {
    const out = new Uint32Array(4);
    assert.ok(parseIPv6Words(text, out), text);
    assert.deepEqual([...out], words, text);
  }
  for (const bad of [
    '',
    ':',
    ':::',
    '1:2',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    'g::',
    '::1:',
    '1.2.3.4',
  ]) {
    assert.equal(parseIPv6Words(bad, new Uint32Array(4)), false, bad);
  }
});

test('the fast IPv4 parser reads dotted quads as ipaddr.js does and rejects the rest', () => {
  fc.assert(
    fc.property(fc.ipV4(), (text) => {
      assert.deepEqual(
        parseIPv4(text),
        ipaddr.IPv4.parse(text)
          .toByteArray()
          .reduce((n, b) => n * 256 + b, 0),
      );
    }),
  );
  for (const bad of [
    '',
    '1.2.3',
    '1.2.3.4.',
    '.1.2.3',
    '1.2.3.256',
    '01.2.3.4',
    '1.2.3.4 ',
    'a.b.c.d',
    '1..2.3',
  ]) {
    assert.equal(parseIPv4(bad), -1, bad);
  }
});

test('prefix trie: ranges shorter than, at and past the first byte are all found, shortest first', () => {
  const trie = new PrefixTrie<string>(32);
  const ranges: [string, number][] = [
    ['0.0.0.0', 0],
    ['64.0.0.0', 2],
    ['96.0.0.0', 4],
    ['100.0.0.0', 8],
    ['100.64.0.0', 10],
    ['100.64.1.0', 24],
    ['101.0.0.0', 8],
  ];
  for (const [address, length] of ranges) trie.insert([parseIPv4(address)], length, `${address}/${length}`);
  const lookup = (address: string) => {
    const out: string[] = [];
    trie.collect([parseIPv4(address)], out);
    return out;
  };
  assert.deepEqual(lookup('100.64.1.7'), [
    '0.0.0.0/0',
    '64.0.0.0/2',
    '96.0.0.0/4',
    '100.0.0.0/8',
    '100.64.0.0/10',
    '100.64.1.0/24',
  ]);
  assert.deepEqual(lookup('101.1.1.1'), ['0.0.0.0/0', '64.0.0.0/2', '96.0.0.0/4', '101.0.0.0/8']);
  assert.deepEqual(lookup('200.1.1.1'), ['0.0.0.0/0']);
  // an insert after lookups is seen by the next lookup
  trie.insert([parseIPv4('200.0.0.0')], 6, '200.0.0.0/6');
  assert.deepEqual(lookup('200.1.1.1'), ['0.0.0.0/0', '200.0.0.0/6']);
});
