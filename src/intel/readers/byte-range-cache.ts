/**
 * Numbers remembered by the bytes of two ranges of a line (a row's family columns and its tags),
 * found by hashing and comparing those bytes in place: a feed spells its few attributions the same
 * way on every row, and building a string per row only to look it up costs more than the lookup.
 */

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
    let h = 0x811c9dc5;
    for (let i = aStart; i < aEnd; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    // A separator outside the byte range, so ("ab", "c") and ("a", "bc") hash apart.
    h = Math.imul(h ^ 0x100, 0x01000193);
    for (let i = bStart; i < bEnd; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
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
    this.buckets.set(h, { key, split: a, value, next: this.buckets.get(h) ?? null });
    this.count++;
  }

  clear(): void {
    this.buckets.clear();
    this.count = 0;
  }
}

function sameKey(e: Entry, bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number) {
  const key = e.key;
  const a = aEnd - aStart;
  if (e.split !== a || key.length !== a + bEnd - bStart) return false;
  for (let i = 0; i < a; i++) if (key[i] !== bytes[aStart + i]) return false;
  for (let i = a; i < key.length; i++) if (key[i] !== bytes[bStart + i - a]) return false;
  return true;
}
