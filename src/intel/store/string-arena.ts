/**
 * Many distinct strings packed into one byte buffer. A V8 string costs a 16-byte header plus its
 * characters rounded up to 8, and 8 more for the array slot pointing at it: a 12-character IPv4
 * address takes 40 bytes as a string, 16 here. Canonical indicator values are almost always ASCII,
 * stored one byte a character; any string that is not is kept as it is in a side map, so every
 * string comes back exactly as it went in.
 */
import { detach } from '../strings.js';
import { Column } from './columns.js';

/** A StringArena as plain data, to send to another thread (the buffers can be transferred). */
export interface ArenaColumns {
  bytes: Uint8Array<ArrayBuffer>;
  ends: Uint32Array<ArrayBuffer>;
  other: [number, string][];
}

export class StringArena {
  private bytes: Buffer = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private count = 0;
  /** Entry i spans bytes [ends[i-1], ends[i]) (entry 0 starts at 0). */
  private readonly ends = new Column((n) => new Uint32Array(n));
  private readonly other = new Map<number, string>();

  get size(): number {
    return this.count;
  }

  /** Stores `s`; returns its entry number (entries are numbered 0, 1, 2, … in order). */
  add(s: string): number {
    const id = this.count++;
    this.ends.ensure(id);
    // Worst case 3 UTF-8 bytes per UTF-16 unit: written bytes then tell whether `s` was ASCII.
    if (this.used + s.length * 3 > this.bytes.length) this.grow(s.length * 3);
    const written = this.bytes.write(s, this.used, 'utf8');
    if (written === s.length) this.used += written;
    else this.other.set(id, s);
    this.ends.data[id] = this.used;
    return id;
  }

  /**
   * Stores `text[start, end)` without slicing it out first (readers hand in a whole line). A range
   * that is not ASCII is kept as its own copied string, as `add` keeps it.
   */
  addRange(text: string, start: number, end: number): number {
    const n = end - start;
    if (this.used + n > this.bytes.length) this.grow(n);
    const bytes = this.bytes;
    const at = this.used;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(start + i);
      if (c > 127) return this.add(detach(text.slice(start, end)));
      bytes[at + i] = c;
    }
    const id = this.count++;
    this.ends.ensure(id);
    this.used += n;
    this.ends.data[id] = this.used;
    return id;
  }

  get(id: number): string {
    const start = id === 0 ? 0 : this.ends.data[id - 1];
    const end = this.ends.data[id];
    if (start === end) {
      const other = this.other.get(id);
      if (other !== undefined) return other;
    }
    return this.bytes.toString('latin1', start, end);
  }

  /** Whether entry `id` is `s`, without building a string. */
  equals(id: number, s: string): boolean {
    const start = id === 0 ? 0 : this.ends.data[id - 1];
    const end = this.ends.data[id];
    if (start === end && this.other.has(id)) return this.other.get(id) === s;
    if (end - start !== s.length) return false;
    for (let i = 0; i < s.length; i++) if (this.bytes[start + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  /** Whether entry `id` is `text[start, end)`. */
  equalsRange(id: number, text: string, start: number, end: number): boolean {
    const first = id === 0 ? 0 : this.ends.data[id - 1];
    const last = this.ends.data[id];
    if (first === last && this.other.has(id)) return this.other.get(id) === text.slice(start, end);
    if (last - first !== end - start) return false;
    for (let i = 0; i < last - first; i++)
      if (this.bytes[first + i] !== text.charCodeAt(start + i)) return false;
    return true;
  }

  toColumns(): ArenaColumns {
    return {
      bytes: new Uint8Array(this.bytes.buffer as ArrayBuffer, this.bytes.byteOffset, this.used),
      ends: this.ends.data.subarray(0, this.count),
      other: [...this.other],
    };
  }

  static fromColumns(c: ArenaColumns): StringArena {
    const arena = new StringArena();
    arena.bytes = Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength);
    arena.used = c.bytes.byteLength;
    arena.count = c.ends.length;
    arena.ends.data = c.ends;
    for (const [id, s] of c.other) arena.other.set(id, s);
    return arena;
  }

  private grow(atLeast: number): void {
    let size = this.bytes.length * 2;
    while (size < this.used + atLeast) size *= 2;
    const bytes = Buffer.allocUnsafe(size);
    this.bytes.copy(bytes, 0, 0, this.used);
    this.bytes = bytes;
  }
}
