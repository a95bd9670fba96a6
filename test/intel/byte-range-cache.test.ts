import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ByteRangeCache } from '../../src/intel/readers/byte-range-cache.js';

// Pairs from a tiny alphabet, so many share their length and sampled bytes and differ only inside.
const part = fc.stringMatching(/^[ab,]{0,14}$/);

test('byte range cache: a hit is always the number stored for exactly those two ranges', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(part, part), { maxLength: 60 }),
      fc.integer({ min: 1, max: 40 }),
      (pairs, limit) => {
        const cache = new ByteRangeCache(limit);
        const stored = new Map<string, number>();
        pairs.forEach(([a, b], i) => {
          // the two ranges sit anywhere in a line, with other bytes around them
          const line = Buffer.from(`x${a}"y"${b}z`, 'latin1');
          const aStart = 1;
          const bStart = aStart + a.length + 3;
          const found = cache.get(line, aStart, aStart + a.length, bStart, bStart + b.length);
          const key = JSON.stringify([a, b]);
          if (found !== -1) assert.equal(found, stored.get(key), key);
          else {
            cache.set(line, aStart, aStart + a.length, bStart, bStart + b.length, i);
            stored.set(key, i);
          }
        });
      },
    ),
    { numRuns: 500 },
  );
});

test('byte range cache: ranges split differently are different keys', () => {
  const cache = new ByteRangeCache(100);
  const line = Buffer.from('abc', 'latin1');
  assert.equal(cache.get(line, 0, 2, 2, 3), -1);
  cache.set(line, 0, 2, 2, 3, 7);
  assert.equal(cache.get(line, 0, 2, 2, 3), 7);
  assert.equal(cache.get(line, 0, 1, 1, 3), -1);
});
