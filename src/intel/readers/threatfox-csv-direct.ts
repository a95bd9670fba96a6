/**
 * ThreatFox CSV export rows straight into the columnar store: no field array, candidate,
 * Indicator or ISO timestamp string per row. A row is read in place (field bounds found by jumping
 * from quote to quote), its ip:port value checked by character codes, its timestamps parsed to
 * seconds, and its family, threat type and tags looked up once per distinct spelling.
 *
 * Anything this path does not decide exactly as the general reader would (another row shape, a
 * value that fails canonicalisation, a timestamp of another form) goes to the general reader, which
 * then accepts or rejects the row as always. The fast path only takes rows the general one accepts,
 * and stores them as add() would store the Indicator canonicalise() makes of them.
 */
import { canonicalNames, canonicalTags, canonicalValue, cleanName } from '../canonical.js';
import { type IndicatorStore, NO_NUMBER, RowFields, TYPE_CODE } from '../store/indicator-store.js';
import { detach, intern } from '../strings.js';
import { NO_TIME, NOT_FAST, threatFoxSeconds } from '../timestamps.js';
import type { IndicatorType } from '../types.js';
import { FORMAT, ThreatFoxCsvReader } from './threatfox-csv.js';
import type { ReaderSink } from './types.js';

// Indices into `positions` (the order of NEEDED).
export const VALUE = 0;
export const TYPE = 1;
export const THREAT = 2;
export const MALWARE_ID = 3;
export const ALIAS = 4;
export const PRINTABLE = 5;
export const FIRST_SEEN = 6;
export const LAST_SEEN = 7;
export const CONFIDENCE = 8;
export const REFERENCE = 9;
export const TAGS = 10;
export const REPORTER = 11;

const IPV4 = TYPE_CODE.get('ipv4') as number;
/** Most fields a row may have for the fast path (exports have 15). */
export const MAX_FIELDS = 64;
/** Distinct spellings remembered per cache before it starts over (as canonical.ts's caches do). */
export const CACHE_LIMIT = 20_000;

/** Family and threat type of one spelling, and the store's attribution number per tag list. */
interface FamilyEntry {
  malware: string | null;
  threatType: string | null;
  malwareIds: string[];
  malwareAliases: string[];
  byTags: Map<string[], number>;
}

export class ThreatFoxCsvDirectReader extends ThreatFoxCsvReader {
  private readonly starts = new Int32Array(MAX_FIELDS);
  private readonly ends = new Int32Array(MAX_FIELDS);
  private readonly row = new RowFields();
  private readonly families = new Map<string, FamilyEntry>();
  // The reporter field of the previous row and its source number (rows nearly always share it).
  private lastReporter: string | null = null;
  private lastSourceFile = 0;

  constructor(
    sink: ReaderSink,
    protected readonly store: IndicatorStore,
    columns: string[] | null = null,
  ) {
    super(sink, columns);
  }

  protected override useColumns(names: string[]): void {
    super.useColumns(names);
    // Undefined while the base constructor applies columns handed in (fields are set after it).
    this.families?.clear();
  }

  protected override dataRow(text: string, lineNumber: number, width: number): void {
    if (!this.fastRow(text, lineNumber, width)) super.dataRow(text, lineNumber, width);
  }

  /** Stores the row and returns true, or returns false having changed nothing. */
  private fastRow(text: string, lineNumber: number, width: number): boolean {
    if (width > MAX_FIELDS || this.split(text) !== width) return false;
    const p = this.positions;
    for (let i = 0; i <= REPORTER; i++) if (p[i] < 0) return false;
    const starts = this.starts;
    const ends = this.ends;
    const row = this.row;
    if (!this.value(text, starts[p[VALUE]], ends[p[VALUE]], starts[p[TYPE]], ends[p[TYPE]])) return false;
    const firstSeen = threatFoxSeconds(text, starts[p[FIRST_SEEN]], ends[p[FIRST_SEEN]]);
    const lastSeen = threatFoxSeconds(text, starts[p[LAST_SEEN]], ends[p[LAST_SEEN]]);
    if (firstSeen === NOT_FAST || lastSeen === NOT_FAST) return false;
    row.firstSeen = firstSeen === NO_TIME ? NO_NUMBER : firstSeen;
    row.lastSeen = lastSeen === NO_TIME ? NO_NUMBER : lastSeen;
    const confidence = confidenceOf(text, starts[p[CONFIDENCE]], ends[p[CONFIDENCE]]);
    if (confidence === NOT_FAST) return false;
    row.confidence = confidence;
    row.attribution = this.attribution(text);
    row.sourceFile = this.sourceFile(text, starts[p[REPORTER]], ends[p[REPORTER]]);
    row.line = lineNumber;
    const refStart = starts[p[REFERENCE]];
    const refEnd = ends[p[REFERENCE]];
    row.referenceText = text;
    row.referenceStart = refStart;
    row.referenceEnd = isNull(text, refStart, refEnd) ? NO_NUMBER : refEnd;
    this.store.addRow(row);
    return true;
  }

  /** Field bounds of an export-shaped row (splitExportRow's rules); the field count, or -1. */
  protected split(text: string): number {
    const n = text.length;
    if (n < 2 || text.charCodeAt(0) !== 34 || text.charCodeAt(n - 1) !== 34) return -1;
    let start = 1;
    for (let count = 0; count < MAX_FIELDS; count++) {
      const quote = text.indexOf('"', start);
      if (quote < 0) return -1;
      this.starts[count] = start;
      this.ends[count] = quote;
      if (quote === n - 1) return count + 1;
      if (
        text.charCodeAt(quote + 1) !== 44 /* , */ ||
        text.charCodeAt(quote + 2) !== 32 /* space */ ||
        text.charCodeAt(quote + 3) !== 34 /* " */
      )
        return -1;
      start = quote + 4;
    }
    return -1;
  }

  /** Canonical value, port and host into `row`; false when the general path must decide. */
  private value(text: string, start: number, end: number, typeStart: number, typeEnd: number): boolean {
    if (isNull(text, start, end) || isNull(text, typeStart, typeEnd)) return false;
    const row = this.row;
    if (typeEnd - typeStart === 7 && text.startsWith('ip:port', typeStart)) {
      const colon = ipv4WithPort(text, start, end);
      if (colon < 0) return false;
      row.typeCode = IPV4;
      row.valueText = text;
      row.valueStart = start;
      row.valueEnd = colon;
      row.port = portOf(text, colon + 1, end);
      row.host = null;
      return row.port !== NO_NUMBER;
    }
    const value = canonicalValue(text.slice(start, end), text.slice(typeStart, typeEnd));
    if (!value.ok) return false;
    const v = value.value;
    row.typeCode = TYPE_CODE.get(v.type as IndicatorType) as number;
    row.valueText = v.value;
    row.valueStart = 0;
    row.valueEnd = v.value.length;
    row.port = v.port ?? NO_NUMBER;
    row.host = v.host;
    return true;
  }

  /** The store's attribution number for the row's family, threat type and tags. */
  protected attribution(text: string): number {
    const p = this.positions;
    const starts = this.starts;
    const ends = this.ends;
    // The family and threat type columns are adjacent in exports: one span keys all four. Fields
    // of this path hold no quote, so the span's separators cannot be confused with its fields.
    const first = Math.min(p[THREAT], p[MALWARE_ID], p[ALIAS], p[PRINTABLE]);
    const last = Math.max(p[THREAT], p[MALWARE_ID], p[ALIAS], p[PRINTABLE]);
    const span = text.slice(starts[first], ends[last]);
    let family = this.families.get(span);
    if (family === undefined) {
      family = familyOf(text, starts, ends, p);
      if (this.families.size > CACHE_LIMIT) this.families.clear();
      this.families.set(detach(span), family);
    }
    const tags = canonicalTags(text.slice(starts[p[TAGS]], ends[p[TAGS]]));
    let id = family.byTags.get(tags);
    if (id === undefined) {
      id = this.store.attributionId({
        malware: family.malware,
        threatType: family.threatType,
        malwareIds: family.malwareIds,
        malwareAliases: family.malwareAliases,
        tags,
      });
      family.byTags.set(tags, id);
    }
    return id;
  }

  /** The store's number for (file, format, reporter). */
  protected sourceFile(text: string, start: number, end: number): number {
    const last = this.lastReporter;
    if (last !== null && end - start === last.length && text.startsWith(last, start))
      return this.lastSourceFile;
    const reporter = isNull(text, start, end) ? undefined : intern(text.slice(start, end));
    this.lastReporter = reporter === undefined ? text.slice(start, end) : reporter;
    this.lastSourceFile = this.store.sourceFileId({ file: this.sink.file, format: FORMAT, reporter });
    return this.lastSourceFile;
  }
}

/** What threatFoxCandidate and canonicalise make of the family and threat type fields. */
function familyOf(text: string, starts: Int32Array, ends: Int32Array, p: number[]): FamilyEntry {
  const field = (i: number) => text.slice(starts[p[i]], ends[p[i]]);
  const nullable = (i: number) => (isNull(text, starts[p[i]], ends[p[i]]) ? null : field(i));
  const id = nullable(MALWARE_ID);
  const printable = nullable(PRINTABLE);
  const threat = nullable(THREAT);
  return {
    malware: printable ? cleanName(printable) : null,
    threatType: threat ? cleanName(threat) : null,
    malwareIds: id && id !== 'unknown' ? canonicalNames(id) : canonicalNames(undefined),
    malwareAliases: canonicalNames(field(ALIAS)),
    byTags: new Map(),
  };
}

/** A field the export writes for null: empty or `None`. */
function isNull(text: string, start: number, end: number): boolean {
  return start === end || (end - start === 4 && text.startsWith('None', start));
}

/**
 * `a.b.c.d:port` with a canonical dotted quad (no leading zeros, octets to 255) and one colon:
 * the colon's index, or -1 for anything else.
 */
function ipv4WithPort(text: string, start: number, end: number): number {
  let dots = 0;
  let digits = 0;
  let octet = 0;
  let leadingZero = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */ || c === 58 /* : */) {
      if (digits === 0 || (digits > 1 && leadingZero) || octet > 255) return -1;
      if (c === 58) return dots === 3 ? i : -1;
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

/** 1–5 digits for 1–65535, or NO_NUMBER. */
function portOf(text: string, start: number, end: number): number {
  if (end - start < 1 || end - start > 5) return NO_NUMBER;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return NO_NUMBER;
    n = n * 10 + c;
  }
  return n >= 1 && n <= 65535 ? n : NO_NUMBER;
}

/** canonicalConfidence of the field: NO_NUMBER for null, NOT_FAST for other than 1–3 digits. */
function confidenceOf(text: string, start: number, end: number): number {
  if (isNull(text, start, end)) return NO_NUMBER;
  if (end - start > 3) return NOT_FAST;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return NOT_FAST;
    n = n * 10 + c;
  }
  return Math.min(100, n);
}
