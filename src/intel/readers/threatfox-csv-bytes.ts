/**
 * ThreatFox CSV export rows read straight from the input's bytes: no chunk string, line string or
 * field string per row. lines.ts hands over each line of an ASCII chunk as a byte range; a row of
 * the export's exact shape is split, checked and stored from those bytes (an ip:port value, a hash,
 * the timestamps, confidence, the family and tag columns keyed by their bytes, the reporter and the
 * reference). Domain and URL values, which need the public suffix list, are canonicalised as text.
 *
 * A line this path does not take (a comment, another shape, a value it cannot decide) is decoded
 * and read as text by ThreatFoxCsvDirectReader, whose own fast path falls back to the general
 * reader in turn: every row ends up stored exactly as the general reader would store it.
 */
import { bytesEqual, isNullBytes, latin1 } from '../bytes.js';
import { canonicalValue, publicSuffixProblem } from '../canonical.js';
import { isPlainDomainBytes } from '../domain-shape.js';
import { NO_NUMBER, RowFields, TYPE_CODE } from '../store/indicator-store.js';
import { NO_TIME, NOT_FAST, threatFoxSecondsBytes } from '../timestamps.js';
import type { IndicatorType } from '../types.js';
import { ByteRangeCache } from './byte-range-cache.js';
import {
  ALIAS,
  CACHE_LIMIT,
  CONFIDENCE,
  FIRST_SEEN,
  LAST_SEEN,
  MALWARE_ID,
  MAX_FIELDS,
  PRINTABLE,
  REFERENCE,
  REPORTER,
  TAGS,
  THREAT,
  ThreatFoxCsvDirectReader,
  TYPE,
  VALUE,
} from './threatfox-csv-direct.js';
import type { ByteLineReader } from './types.js';

const IPV4 = TYPE_CODE.get('ipv4') as number;
const DOMAIN = TYPE_CODE.get('domain') as number;
const URL_CODE = TYPE_CODE.get('url') as number;
/** Hash type words of the export, the store's type code and the hex digits they take. */
const HASH_TYPES: [word: string, code: number, length: number][] = [
  ['sha256_hash', TYPE_CODE.get('sha256') as number, 64],
  ['md5_hash', TYPE_CODE.get('md5') as number, 32],
  ['sha1_hash', TYPE_CODE.get('sha1') as number, 40],
];

export class ThreatFoxCsvByteReader extends ThreatFoxCsvDirectReader implements ByteLineReader {
  private readonly byteStarts = new Int32Array(MAX_FIELDS);
  private readonly byteEnds = new Int32Array(MAX_FIELDS);
  private readonly fields = new RowFields();
  /** Attribution number by the bytes of the family span and the tags. */
  private readonly attributions = new ByteRangeCache(CACHE_LIMIT);
  /** The `positions` the layout below was worked out for (a new header brings new ones). */
  private layoutOf: number[] | null = null;
  /** Whether the header has every NEEDED column. */
  private complete = false;
  /** First and last of the adjacent family and threat type columns. */
  private spanFirst = 0;
  private spanLast = 0;
  /** The last row's reporter bytes and its source number. */
  private reporter: Uint8Array | null = null;
  private reporterSource = 0;
  /** Where ipv4WithPort found the colon. */
  private colon = 0;

  byteLine(bytes: Buffer, start: number, end: number, lineNumber: number): void {
    if (this.columns !== null && bytes[start] === 34 /* " */ && this.fastBytes(bytes, start, end, lineNumber))
      return;
    this.line(latin1(bytes, start, end), lineNumber);
  }

  private layout(): void {
    const p = this.positions;
    this.layoutOf = p;
    this.complete = p.length > REPORTER && p.every((i) => i >= 0);
    this.spanFirst = Math.min(p[THREAT], p[MALWARE_ID], p[ALIAS], p[PRINTABLE]);
    this.spanLast = Math.max(p[THREAT], p[MALWARE_ID], p[ALIAS], p[PRINTABLE]);
    this.attributions.clear();
  }

  /** Stores the row and returns true, or returns false having changed nothing. */
  private fastBytes(b: Buffer, start: number, end: number, lineNumber: number): boolean {
    if (this.positions !== this.layoutOf) this.layout();
    const width = (this.columns as string[]).length;
    const starts = this.byteStarts;
    const ends = this.byteEnds;
    if (!this.complete || width > MAX_FIELDS || splitBytes(b, start, end, starts, ends) !== width)
      return false;
    const p = this.positions;
    const row = this.fields;
    if (!this.byteValue(b, starts[p[VALUE]], ends[p[VALUE]], starts[p[TYPE]], ends[p[TYPE]])) return false;
    const firstSeen = threatFoxSecondsBytes(b, starts[p[FIRST_SEEN]], ends[p[FIRST_SEEN]]);
    const lastSeen = threatFoxSecondsBytes(b, starts[p[LAST_SEEN]], ends[p[LAST_SEEN]]);
    if (firstSeen === NOT_FAST || lastSeen === NOT_FAST) return false;
    const confidence = confidenceOf(b, starts[p[CONFIDENCE]], ends[p[CONFIDENCE]]);
    if (confidence === NOT_FAST) return false;
    // Nothing below can fail.
    row.firstSeen = firstSeen === NO_TIME ? NO_NUMBER : firstSeen;
    row.lastSeen = lastSeen === NO_TIME ? NO_NUMBER : lastSeen;
    row.confidence = confidence;
    row.attribution = this.attributionOf(b, start, end);
    row.sourceFile = this.sourceOf(b, starts[p[REPORTER]], ends[p[REPORTER]]);
    row.line = lineNumber;
    const refStart = starts[p[REFERENCE]];
    const refEnd = ends[p[REFERENCE]];
    row.referenceBytes = b;
    row.referenceStart = refStart;
    row.referenceEnd = isNullBytes(b, refStart, refEnd) ? NO_NUMBER : refEnd;
    this.store.addRow(row);
    return true;
  }

  /** Canonical value, port and host into the row; false when the text path must decide. */
  private byteValue(b: Buffer, start: number, end: number, typeStart: number, typeEnd: number): boolean {
    if (isNullBytes(b, start, end) || isNullBytes(b, typeStart, typeEnd)) return false;
    const row = this.fields;
    if (bytesEqual(b, typeStart, typeEnd, 'ip:port')) {
      const address = this.ipv4WithPort(b, start, end);
      if (address < 0) return false;
      const port = portOf(b, this.colon + 1, end);
      if (port === NO_NUMBER) return false;
      row.typeCode = IPV4;
      row.valueBytes = b;
      row.valueStart = start;
      row.valueEnd = this.colon;
      row.port = port;
      row.host = null;
      row.ipv4 = address;
      return true;
    }
    row.ipv4 = -1;
    row.port = NO_NUMBER;
    row.host = null;
    for (const [word, code, length] of HASH_TYPES) {
      // A hash already in canonical form (lowercase hex of its type's length) is its own value.
      if (bytesEqual(b, typeStart, typeEnd, word) && end - start === length && isLowerHex(b, start, end)) {
        row.typeCode = code;
        row.valueBytes = b;
        row.valueStart = start;
        row.valueEnd = end;
        return true;
      }
    }
    if (bytesEqual(b, typeStart, typeEnd, 'domain') && isPlainDomainBytes(b, start, end)) {
      // Already canonical if its suffix is public; if not, the text path rejects it.
      const name = latin1(b, start, end);
      if (publicSuffixProblem(name) !== null) return false;
      row.typeCode = DOMAIN;
      row.valueBytes = null;
      row.valueText = name;
      row.valueStart = 0;
      row.valueEnd = name.length;
      return true;
    }
    if (bytesEqual(b, typeStart, typeEnd, 'url')) {
      const hostEnd = plainUrlHostEnd(b, start, end);
      if (hostEnd >= 0) {
        const host = latin1(b, start + (b[start + 4] === 115 /* s */ ? 8 : 7), hostEnd);
        if (publicSuffixProblem(host) !== null) return false;
        row.typeCode = URL_CODE;
        row.valueBytes = b;
        row.valueStart = start;
        row.valueEnd = end;
        row.host = host;
        return true;
      }
    }
    const value = canonicalValue(latin1(b, start, end), latin1(b, typeStart, typeEnd));
    if (!value.ok) return false;
    const v = value.value;
    row.typeCode = TYPE_CODE.get(v.type as IndicatorType) as number;
    row.valueBytes = null;
    row.valueText = v.value;
    row.valueStart = 0;
    row.valueEnd = v.value.length;
    row.port = v.port ?? NO_NUMBER;
    row.host = v.host;
    return true;
  }

  /**
   * `a.b.c.d:port` with a canonical dotted quad (no leading zeros, octets to 255) and one colon:
   * the address as an unsigned 32-bit number (the colon's index in `colon`), or -1.
   */
  private ipv4WithPort(b: Buffer, start: number, end: number): number {
    let dots = 0;
    let digits = 0;
    let octet = 0;
    let address = 0;
    let leadingZero = false;
    for (let i = start; i < end; i++) {
      const c = b[i];
      if (c === 46 /* . */ || c === 58 /* : */) {
        if (digits === 0 || (digits > 1 && leadingZero) || octet > 255) return -1;
        address = address * 256 + octet;
        if (c === 58) {
          if (dots !== 3) return -1;
          this.colon = i;
          return address;
        }
        dots++;
        digits = 0;
        octet = 0;
      } else if (c >= 48 && c <= 57) {
        if (digits === 0) leadingZero = c === 48;
        if (++digits > 3) return -1;
        octet = octet * 10 + (c - 48);
      } else return -1;
    }
    return -1;
  }

  /** The store's attribution number for the row's family, threat type and tags columns. */
  private attributionOf(b: Buffer, lineStart: number, lineEnd: number): number {
    const starts = this.byteStarts;
    const ends = this.byteEnds;
    const spanStart = starts[this.spanFirst];
    const spanEnd = ends[this.spanLast];
    const tags = this.positions[TAGS];
    const known = this.attributions.get(b, spanStart, spanEnd, starts[tags], ends[tags]);
    if (known >= 0) return known;
    // First time this spelling is seen: the text path works it out from the line as text.
    const text = latin1(b, lineStart, lineEnd);
    this.split(text);
    const id = this.attribution(text);
    this.attributions.set(b, spanStart, spanEnd, starts[tags], ends[tags], id);
    return id;
  }

  /** The store's number for (file, format, reporter); rows nearly always repeat the last one. */
  private sourceOf(b: Buffer, start: number, end: number): number {
    const last = this.reporter;
    if (last !== null && last.length === end - start) {
      let same = true;
      for (let i = 0; i < last.length; i++)
        if (last[i] !== b[start + i]) {
          same = false;
          break;
        }
      if (same) return this.reporterSource;
    }
    this.reporter = new Uint8Array(b.subarray(start, end));
    this.reporterSource = this.sourceFile(latin1(b, start, end), 0, end - start);
    return this.reporterSource;
  }
}

/**
 * Field bounds of an export-shaped row in bytes [start, end) (splitExportRow's rules: every quote
 * opens or closes the line or is part of a `", "` separator); the field count, or -1.
 */
export function splitBytes(
  b: Uint8Array,
  start: number,
  end: number,
  starts: Int32Array,
  ends: Int32Array,
): number {
  if (end - start < 2 || b[start] !== 34 || b[end - 1] !== 34) return -1;
  let at = start + 1;
  for (let count = 0; count < starts.length; count++) {
    let quote = at;
    while (quote < end && b[quote] !== 34) quote++;
    if (quote >= end) return -1;
    starts[count] = at;
    ends[count] = quote;
    if (quote === end - 1) return count + 1;
    if (
      quote + 3 >= end ||
      b[quote + 1] !== 44 /* , */ ||
      b[quote + 2] !== 32 /* space */ ||
      b[quote + 3] !== 34
    )
      return -1;
    at = quote + 4;
  }
  return -1;
}

/**
 * Where the host of an `http://` or `https://` URL ends, if canonicalUrl would give the URL back
 * as it is once its host's suffix is public: lowercase scheme, a host that is a plain domain
 * (isPlainDomainBytes: no user, port or brackets), then a path of printable ASCII, with or without
 * a query, and no fragment (canonicalUrl adds a "/" before a bare query and drops a fragment).
 * Otherwise -1.
 */
function plainUrlHostEnd(b: Uint8Array, start: number, end: number): number {
  if (!(b[start] === 104 && b[start + 1] === 116 && b[start + 2] === 116 && b[start + 3] === 112)) return -1; // http
  let at = start + 4;
  if (b[at] === 115 /* s */) at++;
  if (!(b[at] === 58 && b[at + 1] === 47 && b[at + 2] === 47)) return -1; // ://
  const hostStart = at + 3;
  let hostEnd = hostStart;
  for (; hostEnd < end; hostEnd++) {
    const c = b[hostEnd];
    if (c === 47 || c === 63 || c === 35 /* / ? # */) break;
  }
  if (hostEnd >= end || b[hostEnd] !== 47 /* / */ || !isPlainDomainBytes(b, hostStart, hostEnd)) return -1;
  for (let i = hostEnd; i < end; i++) if (b[i] < 0x21 || b[i] > 0x7e || b[i] === 35 /* # */) return -1;
  return hostEnd;
}

function isLowerHex(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** 1–5 digits for 1–65535, or NO_NUMBER. */
function portOf(b: Uint8Array, start: number, end: number): number {
  if (end - start < 1 || end - start > 5) return NO_NUMBER;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = b[i] - 48;
    if (!(c >= 0 && c <= 9)) return NO_NUMBER;
    n = n * 10 + c;
  }
  return n >= 1 && n <= 65535 ? n : NO_NUMBER;
}

/** canonicalConfidence of the field: NO_NUMBER for null, NOT_FAST for other than 1–3 digits. */
function confidenceOf(b: Uint8Array, start: number, end: number): number {
  if (isNullBytes(b, start, end)) return NO_NUMBER;
  if (end - start > 3) return NOT_FAST;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = b[i] - 48;
    if (!(c >= 0 && c <= 9)) return NOT_FAST;
    n = n * 10 + c;
  }
  return Math.min(100, n);
}
