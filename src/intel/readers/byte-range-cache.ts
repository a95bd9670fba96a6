/**
 * Numbers remembered by the bytes of two ranges of a line (a row's family columns and its tags),
 * found by hashing and comparing those bytes in place: a feed spells its few attributions the same
 * way on every row, and building a string per row only to look it up costs more than the lookup.
 *
 * The hash samples the ranges (lengths, first, middle and last bytes) instead of reading them
 * whole: the full comparison with the stored key reads them anyway. Spellings that sample alike
 * share a bucket; a bucket holds at most MAX_CHAIN, so a feed of many such spellings only misses
 * more often (the caller then works the number out again), never slows each lookup down.
 */

const MAX_CHAIN = 8;

interface Entry {
  /** The first range's bytes followed by the second's. */
  key: Uint8Array;
  /** Length of the first range within `key`. */
  split: number;
  value: number;
  next: Entry | null;
}

export class ByteRangeCache {
  private readonly buckets = new Map<number, Entry>();
  private count = 0;
  /** The hash of the last get, for the set that follows a miss. */
  private lastHash = 0;

  constructor(private readonly limit: number) {}

  /** The number stored for (bytes[aStart, aEnd), bytes[bStart, bEnd)), or -1. */
  get(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
    // 30 bits: a small integer key, which a Map hashes without boxing it.
    const h = (Math.imul(sample(bytes, aStart, aEnd), 0x01000193) ^ sample(bytes, bStart, bEnd)) & 0x3fffffff;
    this.lastHash = h;
    for (let e: Entry | null = this.buckets.get(h) ?? null; e !== null; e = e.next)
      if (sameKey(e, bytes, aStart, aEnd, bStart, bEnd)) return e.value;
    return -1;
  }

  /** Stores `value` for the ranges of the get that just missed (forgetting all past the limit). */
  set(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number, value: number): void {
    if (this.count >= this.limit) this.clear();
    const a = aEnd - aStart;
    const key = new Uint8Array(a + bEnd - bStart);
    key.set(bytes.subarray(aStart, aEnd), 0);
    key.set(bytes.subarray(bStart, bEnd), a);
    const h = this.lastHash;
    const next = this.buckets.get(h) ?? null;
    let chain = 0;
    for (let e = next; e !== null; e = e.next) chain++;
    if (chain >= MAX_CHAIN) return;
    this.buckets.set(h, { key, split: a, value, next });
    this.count++;
  }

  clear(): void {
    this.buckets.clear();
    this.count = 0;
  }
}

/** FNV-1a over a range's length and its first four, middle and last four bytes. */
function sample(bytes: Uint8Array, start: number, end: number): number {
  const n = end - start;
  let h = Math.imul(0x811c9dc5 ^ n, 0x01000193);
  if (n === 0) return h;
  // Indices past either end are clamped into the range (short ranges repeat a byte).
  const last = end - 1;
  h = Math.imul(h ^ bytes[start], 0x01000193);
  h = Math.imul(h ^ bytes[Math.min(start + 1, last)], 0x01000193);
  h = Math.imul(h ^ bytes[Math.min(start + 2, last)], 0x01000193);
  h = Math.imul(h ^ bytes[Math.min(start + 3, last)], 0x01000193);
  h = Math.imul(h ^ bytes[start + (n >>> 1)], 0x01000193);
  h = Math.imul(h ^ bytes[Math.max(last - 3, start)], 0x01000193);
  h = Math.imul(h ^ bytes[Math.max(last - 2, start)], 0x01000193);
  h = Math.imul(h ^ bytes[Math.max(last - 1, start)], 0x01000193);
  return Math.imul(h ^ bytes[last], 0x01000193);
}

function sameKey(e: Entry, bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number) {
  const key = e.key;
  const a = aEnd - aStart;
  if (e.split !== a || key.length !== a + bEnd - bStart) return false;
  for (let i = 0; i < a; i++) if (key[i] !== bytes[aStart + i]) return false;
  for (let i = a; i < key.length; i++) if (key[i] !== bytes[bStart + i - a]) return false;
  return true;
}
