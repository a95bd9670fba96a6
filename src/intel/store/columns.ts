import { digits } from '../timestamps.js';

/**
 * Building blocks of the columnar indicator store: growable typed columns, a string table and an
 * identity table for shared lists, and a compact timestamp encoding.
 */

/** A typed-array column that doubles when full. */
export class Column<T extends Uint8Array | Int8Array | Int32Array | Uint32Array> {
  data: T;
  constructor(private readonly make: (length: number) => T) {
    this.data = make(1024);
  }

  /** Makes room for index `i` (callers append one row at a time). */
  ensure(i: number): void {
    if (i < this.data.length) return;
    this.reserve(Math.max(1024, this.data.length * 2));
  }

  /** Makes room for `length` rows at once (no doubling steps, each a copy). */
  reserve(length: number): void {
    if (length <= this.data.length) return;
    const grown = this.make(length);
    grown.set(this.data);
    this.data = grown;
  }
}

/**
 * Distinct strings by number; 0 is reserved for null. Used for the few distinct values that repeat
 * on every row of a feed (family names, threat types, reporters, input files).
 */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly strings: (string | null)[] = [null];

  id(s: string | null | undefined): number {
    if (s === null || s === undefined) return 0;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  get(id: number): string | null {
    return this.strings[id];
  }
}

/**
 * Lists (tags, family ids, aliases) by number, keyed by the list object itself: readers hand out
 * one cached array per distinct feed spelling, so a million rows share a handful of entries. The
 * materialised indicators get those same arrays back, which the model already treats as immutable.
 */
export class ListTable {
  private readonly ids = new Map<readonly string[], number>();
  private readonly lists: string[][] = [];

  id(list: string[]): number {
    let id = this.ids.get(list);
    if (id === undefined) {
      id = this.lists.length;
      this.lists.push(list);
      this.ids.set(list, id);
    }
    return id;
  }

  get(id: number): string[] {
    return this.lists[id];
  }
}

/** isoToSeconds's answer for text outside its encoding. */
export const OTHER_TIME = -1;

/**
 * `YYYY-MM-DDTHH:MM:SSZ` (what toIsoUtc produces) → seconds since 1970, or OTHER_TIME for any
 * other text or an instant outside 1970–2106. Field ranges were validated by toIsoUtc.
 */
export function isoToSeconds(iso: string): number {
  if (iso.length !== 20 || iso.charCodeAt(10) !== 84 /* T */ || iso.charCodeAt(19) !== 90 /* Z */)
    return OTHER_TIME;
  const year = digits(iso, 0, 4);
  if (year < 1970 || year > 2105) return OTHER_TIME;
  const ms = Date.UTC(
    year,
    digits(iso, 5, 2) - 1,
    digits(iso, 8, 2),
    digits(iso, 11, 2),
    digits(iso, 14, 2),
    digits(iso, 17, 2),
  );
  return Number.isFinite(ms) ? ms / 1000 : OTHER_TIME;
}

const SECONDS_PER_DAY = 86_400;
/**
 * `YYYY-MM-DDT` by day number and `HH:MM:SSZ` by second of the day, each built once: a feed spans
 * few days, Date#toISOString is slow at a million calls, and an ISO string made of these two
 * shared pieces costs one small cons cell instead of a tree of template parts.
 */
// By day number (encoded instants span 1970–2106, under 50,000 days) and by second of the day:
// an array index is cheaper than a Map lookup at a million calls (each array allocated whole,
// so it is not a sparse dictionary, as one filled at scattered indices from empty becomes).
const dayPrefixes = new Array<string | undefined>(50_000);
const timesOfDay = new Array<string | undefined>(SECONDS_PER_DAY);

/**
 * The last instant turned to text in each of 4,096 slots (by its low bits), with its text: rows
 * of a feed come in bursts of one first-seen time, so an indicator's timestamps are mostly the
 * same string object as its neighbours' instead of a new string each (32 bytes, a million times).
 */
const RECENT_SLOTS = 4096;
const recentSeconds = new Float64Array(RECENT_SLOTS).fill(-1);
const recentTexts = new Array<string>(RECENT_SLOTS).fill('');

/** Inverse of isoToSeconds for an encoded instant. */
export function secondsToIso(seconds: number): string {
  const slot = seconds & (RECENT_SLOTS - 1);
  if (recentSeconds[slot] === seconds) return recentTexts[slot];
  const text = isoOfSeconds(seconds);
  recentSeconds[slot] = seconds;
  recentTexts[slot] = text;
  return text;
}

function isoOfSeconds(seconds: number): string {
  const day = Math.floor(seconds / SECONDS_PER_DAY);
  let prefix = dayPrefixes[day];
  if (prefix === undefined) {
    prefix = new Date(day * SECONDS_PER_DAY * 1000).toISOString().slice(0, 11);
    dayPrefixes[day] = prefix;
  }
  const time = seconds - day * SECONDS_PER_DAY;
  let suffix = timesOfDay[time];
  if (suffix === undefined) {
    suffix = timeOfDay(time);
    timesOfDay[time] = suffix;
  }
  return prefix + suffix;
}

/**
 * `HH:MM:SSZ` built from character codes: a feed of a million rows can hold all 86,400 seconds
 * of a day, and this is ~10 times faster than slicing Date#toISOString (one flat string, where a
 * template literal builds a tree of parts).
 */
function timeOfDay(time: number): string {
  const h = Math.floor(time / 3600);
  const m = Math.floor(time / 60) % 60;
  const s = time % 60;
  const digit = (n: number) => 48 + n;
  return String.fromCharCode(
    digit(Math.floor(h / 10)),
    digit(h % 10),
    58, // :
    digit(Math.floor(m / 10)),
    digit(m % 10),
    58,
    digit(Math.floor(s / 10)),
    digit(s % 10),
    90, // Z
  );
}
