import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Flag } from '../../src/intel/types.js';
import { loadWarninglists, WarninglistIndex } from '../../src/intel/warninglists/index.js';
import { parseCidrWords } from '../../src/intel/warninglists/ip-address.js';
import { NaiveIpScanner } from '../../src/intel/warninglists/naive-scan.js';
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
