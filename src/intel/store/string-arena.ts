/**
 * Many distinct strings packed into byte pages. A V8 string costs a 16-byte header plus its
 * characters rounded up to 8, and 8 more for the array slot pointing at it: a 12-character IPv4
 * address takes 40 bytes as a string, 16 here. Canonical indicator values are almost always ASCII,
 * stored one byte a character; any string that is not (or is longer than a quarter page) is kept
 * as it is in a side map, so every string comes back exactly as it went in.
 *
 * Pages have a fixed size once past the first few, and are never copied: a doubling buffer would
 * hold twice the bytes while it grows, and up to twice as many as it uses after.
 */
import { detach } from '../strings.js';
import { Column } from './columns.js';

const PAGE_SHIFT = 20;
/** 1 MiB; the first pages are smaller (64 KiB, doubling), so small reads stay small. */
const PAGE_BYTES = 1 << PAGE_SHIFT;
const OFFSET_MASK = PAGE_BYTES - 1;
const FIRST_PAGE_BYTES = 1 << 16;
/** Ranges at least this long are copied natively (shorter ones faster by a loop). */
const LONG_RANGE = 32;
/** Bytes decoded at once when entries are read back (see get). */
const WINDOW_BYTES = 4096;

/** Node's latin1 decoder without Buffer#toString's argument checks (the hot path of reading back). */
type Latin1 = { latin1Slice(start: number, end: number): string };

/** A StringArena as plain data, to send to another thread (the pages can be transferred). */
export interface ArenaColumns {
  pages: Uint8Array<ArrayBuffer>[];
  starts: Uint32Array<ArrayBuffer>;
  ends: Uint32Array<ArrayBuffer>;
  other: [number, string][];
}

export class StringArena {
  private pages: Buffer[] = [];
  private page: Buffer = Buffer.alloc(0);
  /** Position of the next byte: page number * PAGE_BYTES + offset in the page. */
  private position = 0;
  /**
   * Where the current page ends, as a position. A full 1 MiB page leaves `position` at the next
   * page's number with offset 0, so the offset alone cannot tell a full page from an empty one.
   */
  private pageEnd = 0;
  private count = 0;
  /** Entry i spans positions [starts[i], ends[i]), within one page. */
  private readonly starts = new Column((n) => new Uint32Array(n));
  private readonly ends = new Column((n) => new Uint32Array(n));
  private readonly other = new Map<number, string>();
  /** Arenas whose pages this one took over (see adopt), with the number of their first page. */
  private readonly adopted = new Map<StringArena, number>();

  get size(): number {
    return this.count;
  }

  /** Stores `s`; returns its entry number (entries are numbered 0, 1, 2, … in order). */
  add(s: string): number {
    // Worst case 3 UTF-8 bytes per UTF-16 unit: written bytes then tell whether `s` was ASCII.
    if (s.length * 3 > PAGE_BYTES >> 2) return this.addOther(s);
    this.room(s.length * 3);
    const offset = this.position & OFFSET_MASK;
    const written = this.page.write(s, offset, 'utf8');
    if (written !== s.length) return this.addOther(s);
    return this.entry(written);
  }

  /**
   * Stores `text[start, end)` without slicing it out first (readers hand in a whole line). A range
   * that is not ASCII is kept as its own copied string, as `add` keeps it.
   */
  addRange(text: string, start: number, end: number): number {
    const n = end - start;
    if (n > PAGE_BYTES >> 2) return this.addOther(detach(text.slice(start, end)));
    if (n >= LONG_RANGE) {
      // Long ranges (URLs, references): one native copy beats a loop over characters; as UTF-8,
      // the byte count tells whether every character was ASCII (room for the worst case, so a
      // character that does not fit cannot make the count look right).
      this.room(n * 3);
      const page = this.page;
      const offset = this.position & OFFSET_MASK;
      const slice = text.slice(start, end);
      if (page.write(slice, offset, 'utf8') !== n) return this.addOther(detach(slice));
      return this.entry(n);
    }
    this.room(n);
    const page = this.page;
    const offset = this.position & OFFSET_MASK;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(start + i);
      if (c > 127) return this.addOther(detach(text.slice(start, end)));
      page[offset + i] = c;
    }
    return this.entry(n);
  }

  /**
   * Stores bytes [start, end) read as one character a byte (readers hand in ranges of an ASCII
   * input chunk). A range with a byte above 127 is kept as its own string, decoded as UTF-8.
   */
  addBytes(bytes: Buffer, start: number, end: number): number {
    const n = end - start;
    if (n > PAGE_BYTES >> 2) return this.addOther(bytes.toString('utf8', start, end));
    this.room(n);
    const page = this.page;
    const offset = this.position & OFFSET_MASK;
    for (let i = 0; i < n; i++) {
      const c = bytes[start + i];
      if (c > 127) return this.addOther(bytes.toString('utf8', start, end));
      page[offset + i] = c;
    }
    return this.entry(n);
  }

  /**
   * Takes over the pages of a read-only arena (one sent from another thread), so that addFrom
   * points at its bytes instead of copying them: merging a part into the store then holds each
   * byte once. Bytes of entries never added stay unused.
   */
  adopt(from: StringArena): void {
    if (this.adopted.has(from)) return;
    this.adopted.set(from, this.pages.length);
    this.lastFrom = null;
    for (const page of from.pages) this.pages.push(page);
    // The page being filled stays the current one; the next new page comes after these.
  }

  /** Makes room for `entries` entries in all (their bounds; the bytes take pages as they come). */
  reserve(entries: number): void {
    this.starts.reserve(entries);
    this.ends.reserve(entries);
  }

  // The arena addFrom last took entries from, and its first page here (-1: not adopted).
  private lastFrom: StringArena | null = null;
  private lastBase = -1;

  /** Stores entry `id` of another arena (without copying if its pages were adopted). */
  addFrom(from: StringArena, id: number): number {
    const start = from.starts.data[id];
    const n = from.ends.data[id] - start;
    if (n === 0 && from.other.has(id)) return this.addOther(from.other.get(id) as string);
    if (from !== this.lastFrom) {
      this.lastFrom = from;
      this.lastBase = this.adopted.get(from) ?? -1;
    }
    const base = this.lastBase;
    if (base >= 0) {
      const entry = this.count++;
      this.starts.ensure(entry);
      this.ends.ensure(entry);
      this.starts.data[entry] = start + base * PAGE_BYTES;
      this.ends.data[entry] = start + n + base * PAGE_BYTES;
      return entry;
    }
    this.room(n);
    const source = from.pages[start >>> PAGE_SHIFT];
    const offset = start & OFFSET_MASK;
    source.copy(this.page, this.position & OFFSET_MASK, offset, offset + n);
    return this.entry(n);
  }

  // Text of bytes [windowStart, windowStart + window.length) (positions), decoded at once: entries
  // read in order (iterating the rows) come out of it by substring, which costs a third of a
  // native decoding call per entry. A value of 13 characters or more then shares the window's
  // text, so a kept value keeps at most WINDOW_BYTES alive.
  private window = '';
  private windowStart = -1;

  get(id: number): string {
    const start = this.starts.data[id];
    const end = this.ends.data[id];
    if (start === end) return this.other.get(id) ?? '';
    let at = start - this.windowStart;
    if (at < 0 || end - this.windowStart > this.window.length) {
      const number = start >>> PAGE_SHIFT;
      const page = this.pages[number];
      const offset = start & OFFSET_MASK;
      // Not past the bytes written so far (the page being filled gets more later), at least the
      // whole entry (entries never cross pages).
      const written = page === this.page ? this.position - number * PAGE_BYTES : page.length;
      const stop = Math.max(Math.min(written, offset + WINDOW_BYTES), offset + end - start);
      this.window = (page as unknown as Latin1).latin1Slice(offset, stop);
      this.windowStart = start;
      at = 0;
    }
    return this.window.substring(at, at + end - start);
  }

  /** Whether entry `id` is `s`, without building a string. */
  equals(id: number, s: string): boolean {
    return this.equalsRange(id, s, 0, s.length);
  }

  /** Whether entry `id` is `text[start, end)`. */
  equalsRange(id: number, text: string, start: number, end: number): boolean {
    const first = this.starts.data[id];
    const n = this.ends.data[id] - first;
    if (n === 0) return (this.other.get(id) ?? '') === text.slice(start, end);
    if (n !== end - start) return false;
    const page = this.pages[first >>> PAGE_SHIFT];
    const offset = first & OFFSET_MASK;
    for (let i = 0; i < n; i++) if (page[offset + i] !== text.charCodeAt(start + i)) return false;
    return true;
  }

  /** Whether entry `id` is the ASCII bytes [start, end) (addBytes's reading of them). */
  equalsBytes(id: number, bytes: Buffer, start: number, end: number): boolean {
    const first = this.starts.data[id];
    const n = this.ends.data[id] - first;
    if (n === 0) return (this.other.get(id) ?? '') === bytes.toString('utf8', start, end);
    if (n !== end - start) return false;
    const page = this.pages[first >>> PAGE_SHIFT];
    const offset = first & OFFSET_MASK;
    for (let i = 0; i < n; i++) if (page[offset + i] !== bytes[start + i]) return false;
    return true;
  }

  /** Whether entry `id` equals entry `otherId` of `from`. */
  equalsEntry(id: number, from: StringArena, otherId: number): boolean {
    const first = this.starts.data[id];
    const n = this.ends.data[id] - first;
    const otherFirst = from.starts.data[otherId];
    if (from.ends.data[otherId] - otherFirst !== n) return false;
    if (n === 0) return this.other.get(id) === from.other.get(otherId);
    const page = this.pages[first >>> PAGE_SHIFT];
    const offset = first & OFFSET_MASK;
    const otherPage = from.pages[otherFirst >>> PAGE_SHIFT];
    const otherOffset = otherFirst & OFFSET_MASK;
    for (let i = 0; i < n; i++) if (page[offset + i] !== otherPage[otherOffset + i]) return false;
    return true;
  }

  toColumns(): ArenaColumns {
    const current = this.pages.indexOf(this.page);
    return {
      pages: this.pages.map(
        (page, i) =>
          new Uint8Array(
            page.buffer as ArrayBuffer,
            page.byteOffset,
            i === current ? this.position - current * PAGE_BYTES : page.length,
          ),
      ),
      starts: this.starts.data.subarray(0, this.count),
      ends: this.ends.data.subarray(0, this.count),
      other: [...this.other],
    };
  }

  static fromColumns(c: ArenaColumns): StringArena {
    const arena = new StringArena();
    arena.pages = c.pages.map((page) => Buffer.from(page.buffer, page.byteOffset, page.byteLength));
    arena.count = c.ends.length;
    arena.starts.data = c.starts;
    arena.ends.data = c.ends;
    for (const [id, s] of c.other) arena.other.set(id, s);
    // Read-only: a later add starts a new page.
    arena.position = arena.pages.length * PAGE_BYTES;
    arena.pageEnd = arena.position;
    arena.page = Buffer.alloc(0);
    return arena;
  }

  /** Makes room for `bytes` more in the current page, starting a new page if need be. */
  private room(bytes: number): void {
    if (this.position + bytes <= this.pageEnd && this.pages.length > 0) return;
    const size = Math.min(PAGE_BYTES, FIRST_PAGE_BYTES * 2 ** Math.min(this.pages.length, 8));
    this.page = Buffer.allocUnsafe(Math.max(size, bytes));
    this.position = this.pages.length * PAGE_BYTES;
    this.pageEnd = this.position + this.page.length;
    this.pages.push(this.page);
  }

  /** Records an entry of `bytes` bytes written at the current position. */
  private entry(bytes: number): number {
    const id = this.count++;
    this.starts.ensure(id);
    this.ends.ensure(id);
    this.starts.data[id] = this.position;
    this.position += bytes;
    this.ends.data[id] = this.position;
    return id;
  }

  /** An entry kept as a string (empty range; `other` tells it from an empty string). */
  private addOther(s: string): number {
    const id = this.entry(0);
    this.other.set(id, s);
    return id;
  }
}
