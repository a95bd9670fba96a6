/**
 * One timestamp per row (first seen, last seen, valid until) as seconds since 1970 in a Uint32.
 * The column only grows when a row has a value, so a column no feed row fills (STIX's valid_until
 * in a ThreatFox export) costs nothing. Timestamps outside the encoding keep their text.
 */
import { isoToSeconds, OTHER_TIME, secondsToIso } from './columns.js';

// Slot values: 0 none (what a fresh typed array holds), 1 text kept in `other`, else seconds + 2.
const NONE = 0;
const OTHER = 1;

/** A TimeColumn as plain data, to send to another thread. */
export interface TimeColumns {
  data: Uint32Array<ArrayBuffer>;
  other: [number, string][];
}

export class TimeColumn {
  private data = new Uint32Array(0);
  private readonly other = new Map<number, string>();

  set(row: number, iso: string | null): void {
    if (iso === null) {
      if (row < this.data.length) this.data[row] = NONE;
      this.other.delete(row);
      return;
    }
    if (row >= this.data.length) this.grow(row);
    const seconds = isoToSeconds(iso);
    if (seconds === OTHER_TIME) {
      this.data[row] = OTHER;
      this.other.set(row, iso);
    } else {
      this.data[row] = seconds + 2;
      this.other.delete(row);
    }
  }

  get(row: number): string | null {
    const v = row < this.data.length ? this.data[row] : NONE;
    if (v === NONE) return null;
    if (v === OTHER) return this.other.get(row) ?? null;
    return secondsToIso(v - 2);
  }

  /** Keeps the earlier (or later) of the stored value and `iso`; null never wins over a value. */
  fold(row: number, iso: string | null, later: boolean): void {
    if (iso === null) return;
    const current = row < this.data.length ? this.data[row] : NONE;
    if (current === NONE) {
      this.set(row, iso);
      return;
    }
    const seconds = isoToSeconds(iso);
    if (current !== OTHER && seconds !== OTHER_TIME) {
      const next = seconds + 2;
      if (later ? next > current : next < current) this.data[row] = next;
      return;
    }
    // Text outside the encoding: compare as merge.ts does (ISO strings of one shape sort by time).
    const text = this.get(row) as string;
    if (later ? iso > text : iso < text) this.set(row, iso);
  }

  /** Sets a new row (never set before) from seconds since 1970; a negative number is none. */
  setSeconds(row: number, seconds: number): void {
    if (seconds < 0) return;
    if (row >= this.data.length) this.grow(row);
    this.data[row] = seconds + 2;
  }

  /** fold() for seconds since 1970 (a negative number is none), without the ISO text. */
  foldSeconds(row: number, seconds: number, later: boolean): void {
    if (seconds < 0) return;
    const current = row < this.data.length ? this.data[row] : NONE;
    if (current === NONE) this.setSeconds(row, seconds);
    else if (current !== OTHER) {
      const next = seconds + 2;
      if (later ? next > current : next < current) this.data[row] = next;
    } else this.fold(row, secondsToIso(seconds), later);
  }

  /** Seconds since 1970 of a row, or -1 when it has none or keeps text. */
  secondsOf(row: number): number {
    const v = row < this.data.length ? this.data[row] : NONE;
    return v === NONE || v === OTHER ? -1 : v - 2;
  }

  /** The text of a row outside the encoding, else null. */
  textOf(row: number): string | null {
    const v = row < this.data.length ? this.data[row] : NONE;
    return v === OTHER ? (this.other.get(row) ?? null) : null;
  }

  toColumns(rows: number): TimeColumns {
    return { data: this.data.subarray(0, Math.min(rows, this.data.length)), other: [...this.other] };
  }

  static fromColumns(c: TimeColumns): TimeColumn {
    const column = new TimeColumn();
    column.data = c.data;
    for (const [row, iso] of c.other) column.other.set(row, iso);
    return column;
  }

  /** Makes room for `rows` rows at once. */
  reserve(rows: number): void {
    if (rows > this.data.length) this.grow(rows - 1, rows);
  }

  private grow(row: number, exactly = 0): void {
    let size = Math.max(1024, this.data.length * 2, exactly);
    while (size <= row) size *= 2;
    const data = new Uint32Array(size);
    data.set(this.data);
    this.data = data;
  }
}
