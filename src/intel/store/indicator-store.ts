/**
 * The merge step in columnar form. A ThreatFox export of a million rows yields about a million
 * distinct indicators; kept as `Indicator` objects (15 fields, a sources list, a Source each) they
 * cost ~420 bytes apiece and keep the garbage collector busy for seconds. Here each indicator is a
 * row number: its value (and URL host, reference) are the only per-row strings, everything else sits
 * in typed columns or tables of distinct values, and an open-addressing table of row numbers finds
 * the row of a (type, value, port) identity.
 *
 * Merging follows merge.ts exactly (highest confidence, earliest first seen, latest last seen and
 * valid-until, union of ids/aliases/tags, all sources in order, first family and threat type).
 * `Indicator` objects are built on demand by `materialise`, one at a time.
 */

import { EMPTY } from '../canonical.js';
import { LineSource } from '../source.js';
import { detach } from '../strings.js';
import { type Flag, INDICATOR_TYPES, type Indicator, type IndicatorType, type Source } from '../types.js';
import { checkIPv4, flagsFor } from '../warninglists/index.js';
import { type Attribution, AttributionTable } from './attribution-table.js';
import { Column } from './columns.js';
import { FlagTable } from './flag-table.js';
import { type ArenaColumns, StringArena } from './string-arena.js';
import { TimeColumn, type TimeColumns } from './time-column.js';

export const TYPE_CODE = new Map<IndicatorType, number>(INDICATOR_TYPES.map((t, i) => [t, i]));
/** A port, confidence or reference that is absent. */
export const NO_NUMBER = -1;

/**
 * A slot entry is row + 1 in the low 24 bits and bits 24-30 of the row's hash above them, so a
 * probe passes over other identities' rows without reading their hash, a cache miss each. Past
 * 2^24 - 1 rows the entries hold row + 1 alone.
 */
const TAG_BITS = 0x7f000000;
const TAGGED_ROWS = 0x00ffffff;

/**
 * One canonical row as plain fields, for readers that canonicalise straight into the store
 * without an Indicator object: one instance is filled in place for every row. The value and the
 * reference are ranges of a text (usually the input line), so they are never sliced out.
 */
export class RowFields {
  typeCode = 0;
  valueText = '';
  valueStart = 0;
  valueEnd = 0;
  /** Or the value is bytes [valueStart, valueEnd) of this ASCII buffer (an input chunk). */
  valueBytes: Buffer | null = null;
  /** An ipv4 value's address as an unsigned 32-bit number, or -1 (flagged without its text). */
  ipv4 = -1;
  /** Or the value is entry `valueEntry` of another store's arena, whose identity hash is `hash`. */
  valueArena: StringArena | null = null;
  valueEntry = 0;
  hash = 0;
  port = NO_NUMBER;
  host: string | null = null;
  /** Or the host is entry `hostEntry` of another store's arena (NO_NUMBER: none). */
  hostArena: StringArena | null = null;
  hostEntry = NO_NUMBER;
  confidence = NO_NUMBER;
  /** Seconds since 1970, or negative for none. */
  firstSeen = NO_NUMBER;
  lastSeen = NO_NUMBER;
  /** A number from this store's `attributionId`. */
  attribution = 0;
  /** A number in this store's flag table, or -1: flag the row when it is new. */
  flagSet = -1;
  /** A number from this store's `sourceFileId`, and the line. */
  sourceFile = 0;
  line = 0;
  referenceText = '';
  /** Or the reference is bytes [referenceStart, referenceEnd) of this ASCII buffer. */
  referenceBytes: Buffer | null = null;
  referenceStart = 0;
  /** NO_NUMBER when the row has no reference. */
  referenceEnd = NO_NUMBER;
  /** Or the reference is entry `referenceEntry` of another store's arena (NO_NUMBER: none). */
  referenceArena: StringArena | null = null;
  referenceEntry = NO_NUMBER;
}

/** A part's columns as received by mergeColumns, and its numbers as translated to the store's. */
interface ReceivedPart {
  c: StoreColumns;
  lineOffset: number;
  values: StringArena;
  hosts: StringArena;
  references: StringArena;
  firstSeen: TimeColumn;
  lastSeen: TimeColumn;
  validUntil: TimeColumn;
  attributionIds: Int32Array;
  sourceFileIds: Int32Array;
  flagSetIds: Int32Array;
  /** Per row, k + 1 when it is row k of `c.moreSources`, else 0. */
  moreSourcesOf: Int32Array;
}

/**
 * A merged part's new rows, still read from the part's own columns: rows `count`, `count + 1`, …
 * of the store are the part's rows `fresh[0]`, `fresh[1]`, … (see mergeColumns and settle).
 */
interface PendingPart {
  part: ReceivedPart;
  fresh: Int32Array;
}

/**
 * The sources beyond the first of a sent store's rows (all LineSources), as columns: numbers
 * and short lists cross threads at a fraction of the cost of a list of objects per row. Row
 * `rows[k]` has the sources at positions [ends[k - 1], ends[k]) (from 0 for k = 0) of the lists
 * `files` (numbers in `sourceFiles`), `lines` and `references` (entries of the sent references
 * arena, NO_NUMBER for none).
 */
export interface MoreSourceColumns {
  rows: Int32Array;
  ends: Int32Array;
  files: Int32Array;
  lines: Int32Array;
  references: Int32Array;
}

/** A store's rows as plain data, sent between threads (see toColumns / mergeColumns). */
export interface StoreColumns {
  count: number;
  hashes: Int32Array;
  type: Uint8Array;
  port: Int32Array;
  confidence: Int8Array;
  attribution: Int32Array;
  sourceFile: Int32Array;
  sourceLine: Int32Array;
  hostOf: Int32Array;
  referenceOf: Int32Array;
  values: ArenaColumns;
  hosts: ArenaColumns;
  references: ArenaColumns;
  firstSeen: TimeColumns;
  lastSeen: TimeColumns;
  validUntil: TimeColumns;
  attributions: readonly Attribution[];
  flagSet: Int32Array;
  flagSets: readonly Flag[][];
  sourceFiles: readonly Pick<Source, 'file' | 'format' | 'reporter'>[];
  moreSources: MoreSourceColumns;
}

/** The reference of a row given as fields, as a string of its own. */
function referenceText(f: RowFields): string | undefined {
  if (f.referenceArena !== null)
    return f.referenceEntry === NO_NUMBER ? undefined : f.referenceArena.get(f.referenceEntry);
  if (f.referenceEnd === NO_NUMBER) return undefined;
  if (f.referenceBytes !== null) return f.referenceBytes.toString('utf8', f.referenceStart, f.referenceEnd);
  return detach(f.referenceText.slice(f.referenceStart, f.referenceEnd));
}

/** Lists that crossed a thread boundary are copies: empty ones become the shared EMPTY again. */
function ownLists(a: Attribution): Attribution {
  const own = (list: string[]) => (list.length === 0 ? EMPTY : list);
  return {
    malware: a.malware,
    threatType: a.threatType,
    malwareIds: own(a.malwareIds),
    malwareAliases: own(a.malwareAliases),
    tags: own(a.tags),
  };
}

export class IndicatorStore {
  /**
   * `flagging`: each new row is flagged from the bundled warninglists (a read does that for
   * every indicator); without it, rows have no flags.
   */
  constructor(
    private readonly flagging = false,
    /** Rows up to which slots carry hash bits (see slotEntry); lower only to test past it. */
    private readonly taggedRows = TAGGED_ROWS,
  ) {}

  private count = 0;
  /** Rows every per-row column can hold without growing. */
  private capacity = 0;
  // Identity table: slot → row + 1 and hash bits (0 = empty), linear probing, at most half full.
  private slots = new Int32Array(1 << 16);
  /** Hash bits kept in slot entries: TAG_BITS, or none once the rows outgrow the row bits. */
  private tagMask = TAG_BITS;
  private readonly hashes = new Column((n) => new Int32Array(n));

  /** Value of row r is entry r. */
  private readonly values = new StringArena();
  /** URL hosts and source references: entry number per row, NO_NUMBER when absent. */
  private readonly hosts = new StringArena();
  private readonly hostOf = new Column((n) => new Int32Array(n));
  private readonly references = new StringArena();
  private readonly referenceOf = new Column((n) => new Int32Array(n));
  private readonly type = new Column((n) => new Uint8Array(n));
  private readonly port = new Column((n) => new Int32Array(n));
  private readonly confidence = new Column((n) => new Int8Array(n));
  private readonly firstSeen = new TimeColumn();
  private readonly lastSeen = new TimeColumn();
  private readonly validUntil = new TimeColumn();

  private readonly attributions = new AttributionTable();
  private readonly attribution = new Column((n) => new Int32Array(n));
  private readonly flagTable = new FlagTable();
  private readonly flagSet = new Column((n) => new Int32Array(n));

  // First source of each row. A LineSource is stored as a number for its (file, format, reporter),
  // its line and its reference, and rebuilt on demand; any other Source object is kept as it is
  // (record formats are read whole, so they are small).
  private readonly sourceFile = new Column((n) => new Int32Array(n));
  private readonly sourceLine = new Column((n) => new Int32Array(n));
  /** Input file, format and reporter of LineSources: one entry per distinct triple. */
  private readonly sourceFiles: { file: string; format: string; reporter: string | undefined }[] = [];
  private readonly sourceFileIds = new Map<string, number>();
  private readonly objectSources = new Map<number, Source>();
  /** Sources beyond the first, in merge order (only rows seen more than once). */
  private readonly moreSources = new Map<number, Source[]>();
  private readonly rowColumns = [
    this.flagSet,
    this.hashes,
    this.type,
    this.port,
    this.confidence,
    this.attribution,
    this.sourceFile,
    this.sourceLine,
    this.hostOf,
    this.referenceOf,
  ];

  /**
   * The new rows of the last part merged, until the store next changes: they are read from the
   * part's columns, so merging the last part of a read costs one probe of the table per row.
   */
  private pending: PendingPart | null = null;

  get size(): number {
    return this.pending === null ? this.count : this.count + this.pending.fresh.length;
  }

  /** Adds a canonical indicator, merging it into the row of the same (type, value, port). */
  add(next: Indicator): void {
    if (this.pending !== null) this.settle();
    const typeCode = TYPE_CODE.get(next.type) as number;
    const port = next.port ?? NO_NUMBER;
    const hash = hashOf(typeCode, next.value, port);
    const mask = this.slots.length - 1;
    const tagMask = this.tagMask;
    const tag = hash & tagMask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot];
      if (entry === 0) {
        this.slots[slot] = tag | (this.append(next, typeCode, port, hash) + 1);
        this.afterAppend();
        return;
      }
      if ((entry & tagMask) !== tag) continue;
      const row = (entry & ~tagMask) - 1;
      if (
        this.hashes.data[row] === hash &&
        this.type.data[row] === typeCode &&
        this.port.data[row] === port &&
        this.values.equals(row, next.value)
      ) {
        this.merge(row, next);
        return;
      }
    }
  }

  private append(next: Indicator, typeCode: number, port: number, hash: number): number {
    const row = this.count++;
    if (row >= this.capacity) {
      for (const column of this.rowColumns) column.ensure(row);
      this.capacity = this.hashes.data.length;
    }
    this.hashes.data[row] = hash;
    this.type.data[row] = typeCode;
    this.port.data[row] = port;
    this.values.add(next.value);
    this.hostOf.data[row] = next.host === null ? NO_NUMBER : this.hosts.add(next.host);
    this.confidence.data[row] = next.confidence ?? NO_NUMBER;
    this.firstSeen.set(row, next.firstSeen);
    this.lastSeen.set(row, next.lastSeen);
    this.validUntil.set(row, next.validUntil);
    this.attribution.data[row] = this.attributions.id(next);
    this.flagSet.data[row] = this.flagging ? this.flagTable.id(flagsFor(next)) : 0;
    const [first, ...rest] = next.sources;
    this.storeSource(row, first);
    if (rest.length > 0) this.moreSources.set(row, rest);
    return row;
  }

  private storeSource(row: number, source: Source | undefined): void {
    this.referenceOf.data[row] = NO_NUMBER;
    if (source instanceof LineSource) {
      this.sourceFile.data[row] = this.sourceFileId(source);
      this.sourceLine.data[row] = source.line;
      if (source.reference !== undefined) this.referenceOf.data[row] = this.references.add(source.reference);
    } else {
      this.sourceFile.data[row] = NO_NUMBER;
      if (source !== undefined) this.objectSources.set(row, source);
    }
  }

  private lastSourceFile = -1;

  /** Number of a LineSource's (file, format, reporter); consecutive rows mostly share theirs. */
  sourceFileId({ file, format, reporter }: Pick<Source, 'file' | 'format' | 'reporter'>): number {
    const last = this.sourceFiles[this.lastSourceFile];
    if (last !== undefined && last.file === file && last.format === format && last.reporter === reporter)
      return this.lastSourceFile;
    const key = JSON.stringify([format, file, reporter ?? null, reporter === undefined]);
    let id = this.sourceFileIds.get(key);
    if (id === undefined) {
      id = this.sourceFiles.length;
      this.sourceFiles.push({ file, format, reporter });
      this.sourceFileIds.set(key, id);
    }
    this.lastSourceFile = id;
    return id;
  }

  /** The number of an attribution, for RowFields.attribution. */
  attributionId(attribution: Attribution): number {
    return this.attributions.id(attribution);
  }

  /** add() for a row given as fields: the same identity, merge rules and stored form. Its row. */
  addRow(f: RowFields): number {
    if (this.pending !== null) this.settle();
    const { typeCode, valueText, valueStart, valueEnd, port, valueArena, valueBytes } = f;
    let hash = f.hash;
    if (valueArena === null) {
      // hashOf's FNV-1a: over bytes of ASCII text it gives the hash of the text's characters.
      let h = 0x811c9dc5 ^ typeCode;
      if (valueBytes !== null)
        for (let i = valueStart; i < valueEnd; i++) h = Math.imul(h ^ valueBytes[i], 0x01000193);
      else for (let i = valueStart; i < valueEnd; i++) h = Math.imul(h ^ valueText.charCodeAt(i), 0x01000193);
      h = Math.imul(h ^ (port + 1), 0x01000193);
      hash = (h ^ (h >>> 15)) & 0x7fffffff;
    }
    const mask = this.slots.length - 1;
    const tagMask = this.tagMask;
    const tag = hash & tagMask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot];
      if (entry === 0) {
        const row = this.appendRow(f, hash);
        this.slots[slot] = tag | (row + 1);
        this.afterAppend();
        return row;
      }
      // Another identity's row, told by its hash bits without reading its hash (a cache miss).
      if ((entry & tagMask) !== tag) continue;
      const row = (entry & ~tagMask) - 1;
      if (
        this.hashes.data[row] === hash &&
        this.type.data[row] === typeCode &&
        this.port.data[row] === port &&
        (valueArena !== null
          ? this.values.equalsEntry(row, valueArena, f.valueEntry)
          : valueBytes !== null
            ? this.values.equalsBytes(row, valueBytes, valueStart, valueEnd)
            : this.values.equalsRange(row, valueText, valueStart, valueEnd))
      ) {
        this.mergeRow(row, f);
        return row;
      }
    }
  }

  private appendRow(f: RowFields, hash: number): number {
    const row = this.count++;
    if (row >= this.capacity) {
      for (const column of this.rowColumns) column.ensure(row);
      this.capacity = this.hashes.data.length;
    }
    this.hashes.data[row] = hash;
    this.type.data[row] = f.typeCode;
    this.port.data[row] = f.port;
    if (f.valueArena !== null) this.values.addFrom(f.valueArena, f.valueEntry);
    else if (f.valueBytes !== null) this.values.addBytes(f.valueBytes, f.valueStart, f.valueEnd);
    else this.values.addRange(f.valueText, f.valueStart, f.valueEnd);
    this.hostOf.data[row] =
      f.hostArena !== null
        ? f.hostEntry === NO_NUMBER
          ? NO_NUMBER
          : this.hosts.addFrom(f.hostArena, f.hostEntry)
        : f.host === null
          ? NO_NUMBER
          : this.hosts.add(f.host);
    this.confidence.data[row] = f.confidence;
    this.firstSeen.setSeconds(row, f.firstSeen);
    this.lastSeen.setSeconds(row, f.lastSeen);
    this.attribution.data[row] = f.attribution;
    this.flagSet.data[row] = f.flagSet >= 0 ? f.flagSet : this.flagsOfRow(f);
    this.sourceFile.data[row] = f.sourceFile;
    this.sourceLine.data[row] = f.line;
    this.referenceOf.data[row] =
      f.referenceArena !== null
        ? f.referenceEntry === NO_NUMBER
          ? NO_NUMBER
          : this.references.addFrom(f.referenceArena, f.referenceEntry)
        : f.referenceEnd === NO_NUMBER
          ? NO_NUMBER
          : f.referenceBytes !== null
            ? this.references.addBytes(f.referenceBytes, f.referenceStart, f.referenceEnd)
            : this.references.addRange(f.referenceText, f.referenceStart, f.referenceEnd);
    return row;
  }

  private flagsOfRow(f: RowFields): number {
    if (!this.flagging) return 0;
    if (f.ipv4 >= 0) return this.flagTable.id(checkIPv4(f.ipv4));
    const value =
      f.valueArena !== null
        ? f.valueArena.get(f.valueEntry)
        : f.valueBytes !== null
          ? f.valueBytes.toString('utf8', f.valueStart, f.valueEnd)
          : f.valueStart === 0 && f.valueEnd === f.valueText.length
            ? f.valueText
            : f.valueText.slice(f.valueStart, f.valueEnd);
    return this.flagTable.id(flagsFor({ type: INDICATOR_TYPES[f.typeCode], value, host: f.host }));
  }

  private mergeRow(row: number, f: RowFields): void {
    const confidence = this.confidence.data[row];
    if (f.confidence !== NO_NUMBER && (confidence === NO_NUMBER || f.confidence > confidence))
      this.confidence.data[row] = f.confidence;
    this.firstSeen.foldSeconds(row, f.firstSeen, false);
    this.lastSeen.foldSeconds(row, f.lastSeen, true);
    this.attribution.data[row] = this.attributions.merge(
      this.attribution.data[row],
      this.attributions.get(f.attribution),
    );
    const { file, format, reporter } = this.sourceFiles[f.sourceFile];
    const source = new LineSource(file, format, f.line, referenceText(f), reporter);
    const more = this.moreSources.get(row);
    if (more) more.push(source);
    else this.moreSources.set(row, [source]);
  }

  /** Folds `next` into an existing row: the rules of merge.ts's mergeInto, column by column. */
  private merge(row: number, next: Indicator): void {
    const confidence = this.confidence.data[row];
    if (next.confidence !== null && (confidence === NO_NUMBER || next.confidence > confidence))
      this.confidence.data[row] = next.confidence;
    this.firstSeen.fold(row, next.firstSeen, false);
    this.lastSeen.fold(row, next.lastSeen, true);
    this.validUntil.fold(row, next.validUntil, true);
    this.attribution.data[row] = this.attributions.merge(this.attribution.data[row], next);
    const more = this.moreSources.get(row);
    if (more) more.push(...next.sources);
    else this.moreSources.set(row, [...next.sources]);
  }

  /**
   * The rows as plain columns for another thread (`transfer` lists the buffers to move, not copy).
   * Only stores of line formats can be sent: every source is a LineSource.
   */
  toColumns(): { columns: StoreColumns; transfer: ArrayBuffer[] } {
    this.settle();
    if (this.objectSources.size > 0) throw new Error('only stores of line sources can be sent');
    const n = this.count;
    // First: it adds to the references arena and the source files.
    const moreSources = this.moreSourceColumns();
    const columns: StoreColumns = {
      count: n,
      hashes: this.hashes.data.subarray(0, n),
      type: this.type.data.subarray(0, n),
      port: this.port.data.subarray(0, n),
      confidence: this.confidence.data.subarray(0, n),
      attribution: this.attribution.data.subarray(0, n),
      sourceFile: this.sourceFile.data.subarray(0, n),
      sourceLine: this.sourceLine.data.subarray(0, n),
      hostOf: this.hostOf.data.subarray(0, n),
      referenceOf: this.referenceOf.data.subarray(0, n),
      values: this.values.toColumns(),
      hosts: this.hosts.toColumns(),
      references: this.references.toColumns(),
      firstSeen: this.firstSeen.toColumns(n),
      lastSeen: this.lastSeen.toColumns(n),
      validUntil: this.validUntil.toColumns(n),
      attributions: this.attributions.all(),
      flagSet: this.flagSet.data.subarray(0, n),
      flagSets: this.flagTable.all(),
      sourceFiles: this.sourceFiles,
      moreSources,
    };
    return { columns, transfer: this.toColumnsBuffers(columns) };
  }

  /**
   * The sources beyond the first as MoreSourceColumns. Their references are added to the
   * references arena (entries no row points at), so that they travel with its pages.
   */
  private moreSourceColumns(): MoreSourceColumns {
    let total = 0;
    for (const sources of this.moreSources.values()) total += sources.length;
    const rows = new Int32Array(this.moreSources.size);
    const ends = new Int32Array(rows.length);
    const files = new Int32Array(total);
    const lines = new Int32Array(total);
    const references = new Int32Array(total);
    let k = 0;
    let i = 0;
    for (const [row, sources] of this.moreSources) {
      for (const source of sources) {
        if (!(source instanceof LineSource)) throw new Error('only stores of line sources can be sent');
        files[i] = this.sourceFileId(source);
        lines[i] = source.line;
        references[i] = source.reference === undefined ? NO_NUMBER : this.references.add(source.reference);
        i++;
      }
      rows[k] = row;
      ends[k++] = i;
    }
    return { rows, ends, files, lines, references };
  }

  /** Every buffer of sent columns, once each (a transfer list must not repeat one). */
  private toColumnsBuffers(columns: StoreColumns): ArrayBuffer[] {
    const buffers = new Set<ArrayBuffer>();
    const add = (value: unknown) => {
      if (ArrayBuffer.isView(value)) buffers.add(value.buffer as ArrayBuffer);
      else if (Array.isArray(value)) for (const item of value) add(item);
      else if (value !== null && typeof value === 'object')
        for (const inner of Object.values(value)) add(inner);
    };
    // The top-level lists (attributions, sources) hold no buffers.
    for (const value of Object.values(columns)) if (!Array.isArray(value)) add(value);
    return [...buffers];
  }

  /**
   * Merges the rows of a store read from a later part of the input (sent by toColumns), in their
   * order, as if they had been added here one by one: `lineOffset` is the number of lines before
   * that part, so its line numbers become line numbers of the whole input. Returns the sent
   * buffers the store will not read (none while the part's new rows are pending, see settle).
   */
  mergeColumns(c: StoreColumns, lineOffset: number): ArrayBuffer[] {
    this.settle();
    const part = this.receive(c, lineOffset);
    if (this.count + c.count >= this.taggedRows) {
      this.mergePartByRow(part);
      const kept = new Set<ArrayBufferLike>(
        [...c.values.pages, ...c.hosts.pages, ...c.references.pages].map((p) => p.buffer),
      );
      return this.toColumnsBuffers(c).filter((buffer) => !kept.has(buffer));
    }
    this.pending = this.probePart(part);
    return [];
  }

  /** A sent part, its arenas' pages taken over (nothing is copied, nothing held twice). */
  private receive(c: StoreColumns, lineOffset: number): ReceivedPart {
    const part: ReceivedPart = {
      c,
      lineOffset,
      values: StringArena.fromColumns(c.values),
      hosts: StringArena.fromColumns(c.hosts),
      references: StringArena.fromColumns(c.references),
      firstSeen: TimeColumn.fromColumns(c.firstSeen),
      lastSeen: TimeColumn.fromColumns(c.lastSeen),
      validUntil: TimeColumn.fromColumns(c.validUntil),
      attributionIds: new Int32Array(c.attributions.length).fill(NO_NUMBER),
      sourceFileIds: new Int32Array(c.sourceFiles.length).fill(NO_NUMBER),
      flagSetIds: new Int32Array(c.flagSets.length).fill(NO_NUMBER),
      moreSourcesOf: new Int32Array(c.count),
    };
    c.moreSources.rows.forEach((r, k) => {
      part.moreSourcesOf[r] = k + 1;
    });
    this.values.adopt(part.values);
    this.hosts.adopt(part.hosts);
    this.references.adopt(part.references);
    return part;
  }

  // A part has a handful of attributions, source files and flag sets: each is numbered here once.
  private attributionOfPart(part: ReceivedPart, a: number): number {
    if (part.attributionIds[a] === NO_NUMBER)
      part.attributionIds[a] = this.attributions.id(ownLists(part.c.attributions[a]));
    return part.attributionIds[a];
  }

  private sourceFileOfPart(part: ReceivedPart, file: number): number {
    if (part.sourceFileIds[file] === NO_NUMBER)
      part.sourceFileIds[file] = this.sourceFileId(part.c.sourceFiles[file]);
    return part.sourceFileIds[file];
  }

  private flagSetOfPart(part: ReceivedPart, flags: number): number {
    if (part.flagSetIds[flags] === NO_NUMBER)
      part.flagSetIds[flags] = this.flagTable.id(part.c.flagSets[flags]);
    return part.flagSetIds[flags];
  }

  /** Row `r` of a part as RowFields (value, host and reference as entries of its arenas). */
  private partRow(part: ReceivedPart, r: number, f: RowFields): RowFields {
    const c = part.c;
    f.valueArena = part.values;
    f.referenceArena = part.references;
    f.hostArena = part.hosts;
    f.typeCode = c.type[r];
    f.valueEntry = r;
    f.hash = c.hashes[r];
    f.port = c.port[r];
    f.hostEntry = c.hostOf[r];
    f.confidence = c.confidence[r];
    f.firstSeen = part.firstSeen.secondsOf(r);
    f.lastSeen = part.lastSeen.secondsOf(r);
    f.attribution = this.attributionOfPart(part, c.attribution[r]);
    f.sourceFile = this.sourceFileOfPart(part, c.sourceFile[r]);
    f.flagSet = this.flagSetOfPart(part, c.flagSet[r]);
    f.line = c.sourceLine[r] + part.lineOffset;
    f.referenceEntry = c.referenceOf[r];
    return f;
  }

  /** What the part's row `r` adds to `row` besides its fields: times kept as text, valid-until, sources. */
  private foldPartExtras(part: ReceivedPart, r: number, row: number): void {
    // Times outside the encoding (kept as text) and valid-until fold in as add() folds them.
    const firstText = part.firstSeen.textOf(r);
    if (firstText !== null) this.firstSeen.fold(row, firstText, false);
    const lastText = part.lastSeen.textOf(r);
    if (lastText !== null) this.lastSeen.fold(row, lastText, true);
    const valid = part.validUntil.get(r);
    if (valid !== null) this.validUntil.fold(row, valid, true);
    const sources = this.partMoreSources(part, r);
    if (sources !== undefined) {
      const existing = this.moreSources.get(row);
      if (existing) existing.push(...sources);
      else this.moreSources.set(row, sources);
    }
  }

  /** The part's rows one by one through addRow (a store past the rows its table tags). */
  private mergePartByRow(part: ReceivedPart): void {
    const f = new RowFields();
    for (let r = 0; r < part.c.count; r++) {
      const row = this.addRow(this.partRow(part, r, f));
      this.foldPartExtras(part, r, row);
    }
  }

  /**
   * The first of a part's two passes: the rows of a part are distinct identities (its own store
   * merged them), so each either merges into a row this store has (found by a probe of the
   * identity table, merged now) or is new. The new rows stay in the part's columns, pending,
   * until the store next changes (settle). Numbers of attributions, sources and flag sets may be
   * handed out in another order than addRow's, which no indicator shows.
   */
  private probePart(part: ReceivedPart): PendingPart {
    const c = part.c;
    const values = part.values;
    const fresh = new Int32Array(c.count);
    let added = 0;
    const f = new RowFields();
    const slots = this.slots;
    const mask = slots.length - 1;
    const tagMask = this.tagMask;
    for (let r = 0; r < c.count; r++) {
      const hash = c.hashes[r];
      const tag = hash & tagMask;
      for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
        const entry = slots[slot];
        if (entry === 0) {
          fresh[added++] = r;
          break;
        }
        if ((entry & tagMask) !== tag) continue;
        const row = (entry & ~tagMask) - 1;
        if (
          this.hashes.data[row] === hash &&
          this.type.data[row] === c.type[r] &&
          this.port.data[row] === c.port[r] &&
          this.values.equalsEntry(row, values, r)
        ) {
          this.mergeRow(row, this.partRow(part, r, f));
          this.foldPartExtras(part, r, row);
          break;
        }
      }
    }
    // Every number of the part translated up front (a handful), so reading a row only indexes.
    for (let a = 0; a < c.attributions.length; a++) this.attributionOfPart(part, a);
    for (let file = 0; file < c.sourceFiles.length; file++) this.sourceFileOfPart(part, file);
    for (let flags = 0; flags < c.flagSets.length; flags++) this.flagSetOfPart(part, flags);
    return { part, fresh: fresh.subarray(0, added) };
  }

  /**
   * The second pass: the pending rows become rows of this store's own columns and identity
   * table. Called before anything changes the store; a read whose last part is merged last never
   * needs it.
   */
  private settle(): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    const { part, fresh } = pending;
    const before = this.count;
    const added = fresh.length;
    const hashes = part.c.hashes;
    for (const column of this.rowColumns) column.reserve(before + added);
    this.capacity = this.hashes.data.length;
    let slots = this.slots;
    let mask = slots.length - 1;
    const tagMask = this.tagMask;
    for (let k = 0; k < added; k++) {
      const hash = hashes[fresh[k]];
      let slot = hash & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = (hash & tagMask) | (before + k + 1);
      this.hashes.data[before + k] = hash;
      this.count++;
      if (this.count * 2 > slots.length) {
        this.grow();
        slots = this.slots;
        mask = slots.length - 1;
      }
    }
    this.appendPartRows(part, fresh, added, before);
  }

  /** The columns of settle: rows `fresh[0, added)` of the part become rows `before`, … */
  private appendPartRows(part: ReceivedPart, fresh: Int32Array, added: number, before: number): void {
    const c = part.c;
    const type = this.type.data;
    const port = this.port.data;
    const confidence = this.confidence.data;
    for (let k = 0; k < added; k++) {
      const r = fresh[k];
      type[before + k] = c.type[r];
      port[before + k] = c.port[r];
      confidence[before + k] = c.confidence[r];
    }
    const { attributionIds, sourceFileIds, flagSetIds, lineOffset } = part;
    const attribution = this.attribution.data;
    const sourceFile = this.sourceFile.data;
    const sourceLine = this.sourceLine.data;
    const flagSet = this.flagSet.data;
    for (let k = 0; k < added; k++) {
      const r = fresh[k];
      attribution[before + k] = attributionIds[c.attribution[r]];
      sourceFile[before + k] = sourceFileIds[c.sourceFile[r]];
      sourceLine[before + k] = c.sourceLine[r] + lineOffset;
      flagSet[before + k] = flagSetIds[c.flagSet[r]];
    }
    const hostOf = this.hostOf.data;
    const referenceOf = this.referenceOf.data;
    this.values.reserve(before + added);
    for (let k = 0; k < added; k++) {
      const r = fresh[k];
      // Row i's value is entry i of the values arena: entries are added in row order.
      this.values.addFrom(part.values, r);
      const host = c.hostOf[r];
      hostOf[before + k] = host === NO_NUMBER ? NO_NUMBER : this.hosts.addFrom(part.hosts, host);
      const reference = c.referenceOf[r];
      referenceOf[before + k] =
        reference === NO_NUMBER ? NO_NUMBER : this.references.addFrom(part.references, reference);
    }
    for (let k = 0; k < added; k++) {
      const r = fresh[k];
      this.firstSeen.setSeconds(before + k, part.firstSeen.secondsOf(r));
      this.lastSeen.setSeconds(before + k, part.lastSeen.secondsOf(r));
      this.foldPartExtras(part, r, before + k);
    }
  }

  /**
   * Makes room for `rows` rows in all (the identity table for `tableRows` of them, when fewer
   * come first), when the caller can estimate them (a file's size): no
   * column then grows by doubling, which copies it and briefly holds both copies. Typed arrays
   * are zero-filled lazily by the system, so room that stays unused costs little memory.
   */
  reserve(rows: number, tableRows = rows): void {
    this.settle();
    for (const column of this.rowColumns) column.reserve(rows);
    this.capacity = this.hashes.data.length;
    this.firstSeen.reserve(rows);
    this.lastSeen.reserve(rows);
    // Sized for the estimate at two thirds full (the estimate is high; add() still grows the
    // table past half full): a table twice as large would be resident, every slot touched.
    // `tableRows` when fewer rows come first (the part a thread reads before merging others).
    let slots = this.slots.length;
    while (tableRows * 1.5 > slots) slots *= 2;
    if (slots > this.slots.length) this.grow(slots);
  }

  /**
   * Readies room for about `rows` more rows while the caller would otherwise wait (for a worker
   * to finish its part): the identity table grown to hold them (rehashing the rows so far now,
   * not during the merge) and the columns' pages for them written once, so that the system maps
   * fresh memory now rather than while the rows are appended (~10 µs a page on some machines).
   */
  prepare(rows: number): void {
    const total = this.count + rows;
    this.reserve(total);
    this.values.reserve(total);
    for (const column of this.rowColumns) column.data.fill(0, this.count, total);
  }

  /** Keeps the table at most half full, and its entries able to hold the next row number. */
  private afterAppend(): void {
    if (this.count * 2 > this.slots.length) this.grow();
    else if (this.tagMask !== 0 && this.count >= this.taggedRows) this.grow(this.slots.length);
  }

  private grow(size = this.slots.length * 2): void {
    if (this.count >= this.taggedRows) this.tagMask = 0;
    const tagMask = this.tagMask;
    const slots = new Int32Array(size);
    const mask = slots.length - 1;
    for (let row = 0; row < this.count; row++) {
      const hash = this.hashes.data[row];
      let slot = hash & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = (hash & tagMask) | (row + 1);
    }
    this.slots = slots;
  }

  /** Row `row` as a fresh Indicator (with its flags if the store flags rows). */
  materialise(row: number): Indicator {
    if (row >= this.count) return this.materialisePending(row - this.count);
    const port = this.port.data[row];
    const confidence = this.confidence.data[row];
    const host = this.hostOf.data[row];
    const a = this.attributions.get(this.attribution.data[row]);
    return {
      type: INDICATOR_TYPES[this.type.data[row]],
      value: this.values.get(row),
      port: port === NO_NUMBER ? null : port,
      host: host === NO_NUMBER ? null : this.hosts.get(host),
      malware: a.malware,
      malwareIds: a.malwareIds,
      malwareAliases: a.malwareAliases,
      threatType: a.threatType,
      firstSeen: this.firstSeen.get(row),
      lastSeen: this.lastSeen.get(row),
      validUntil: this.validUntil.get(row),
      confidence: confidence === NO_NUMBER ? null : confidence,
      tags: a.tags,
      sources: this.sourcesOf(row),
      flags: this.flagsOf(row),
    };
  }

  /**
   * Pending row `k` (row count + k) as a fresh Indicator, built as materialise builds a row: the
   * same properties in the same order, so both build objects of one shape. (One helper building
   * the literal for both made the first iteration over 1M rows slower, median of 6: 172 → ~230 ms.)
   */
  private materialisePending(k: number): Indicator {
    const { part } = this.pending as PendingPart;
    const c = part.c;
    const r = (this.pending as PendingPart).fresh[k];
    const port = c.port[r];
    const confidence = c.confidence[r];
    const host = c.hostOf[r];
    const a = this.attributions.get(part.attributionIds[c.attribution[r]]);
    const flags = part.flagSetIds[c.flagSet[r]];
    return {
      type: INDICATOR_TYPES[c.type[r]],
      value: part.values.get(r),
      port: port === NO_NUMBER ? null : port,
      host: host === NO_NUMBER ? null : part.hosts.get(host),
      malware: a.malware,
      malwareIds: a.malwareIds,
      malwareAliases: a.malwareAliases,
      threatType: a.threatType,
      firstSeen: part.firstSeen.get(r),
      lastSeen: part.lastSeen.get(r),
      validUntil: part.validUntil.get(r),
      confidence: confidence === NO_NUMBER ? null : confidence,
      tags: a.tags,
      sources: this.pendingSources(part, r),
      flags: flags === 0 ? EMPTY : [...this.flagTable.get(flags)],
    };
  }

  /** A pending row's sources (all LineSources: only such stores are sent), as sourcesOf. */
  private pendingSources(part: ReceivedPart, r: number): Source[] {
    const c = part.c;
    const { file, format, reporter } = this.sourceFiles[part.sourceFileIds[c.sourceFile[r]]];
    const ref = c.referenceOf[r];
    const reference = ref === NO_NUMBER ? undefined : part.references.get(ref);
    const first = new LineSource(file, format, c.sourceLine[r] + part.lineOffset, reference, reporter);
    const more = this.partMoreSources(part, r);
    return more === undefined ? [first] : [first, ...more];
  }

  /** The sources beyond the first of a part's row `r`, as LineSources numbered in the whole input. */
  private partMoreSources(part: ReceivedPart, r: number): LineSource[] | undefined {
    const k = part.moreSourcesOf[r] - 1;
    if (k < 0) return undefined;
    const { ends, files, lines, references } = part.c.moreSources;
    const sources: LineSource[] = [];
    for (let i = k === 0 ? 0 : ends[k - 1]; i < ends[k]; i++) {
      const { file, format, reporter } = this.sourceFiles[this.sourceFileOfPart(part, files[i])];
      const reference = references[i] === NO_NUMBER ? undefined : part.references.get(references[i]);
      sources.push(new LineSource(file, format, lines[i] + part.lineOffset, reference, reporter));
    }
    return sources;
  }

  /** A row's flags as a list of its own (the model lets a caller change an indicator's lists). */
  private flagsOf(row: number): Flag[] {
    const id = this.flagSet.data[row];
    return id === 0 ? EMPTY : [...this.flagTable.get(id)];
  }

  /**
   * A row's sources as a list of its own. Built as a literal of its final length: a list grown
   * from empty by push takes room for 17 entries, a million times over.
   */
  private sourcesOf(row: number): Source[] {
    const file = this.sourceFile.data[row];
    let first: Source | undefined;
    if (file !== NO_NUMBER) {
      const { file: name, format, reporter } = this.sourceFiles[file];
      const ref = this.referenceOf.data[row];
      const reference = ref === NO_NUMBER ? undefined : this.references.get(ref);
      first = new LineSource(name, format, this.sourceLine.data[row], reference, reporter);
    } else first = this.objectSources.get(row);
    const more = this.moreSources.get(row);
    if (more === undefined) return first === undefined ? [] : [first];
    return first === undefined ? [...more] : [first, ...more];
  }

  /** Every row as an Indicator, in the order first seen; each call builds fresh objects. */
  [Symbol.iterator](): IterableIterator<Indicator> {
    return new RowIterator(this);
  }
}

/**
 * The store's rows materialised in order: a plain iterator, which costs less a step than a
 * generator's suspend and resume (a million steps per read).
 */
class RowIterator implements IterableIterator<Indicator> {
  private row = 0;

  constructor(private readonly store: IndicatorStore) {}

  next(): IteratorResult<Indicator> {
    const row = this.row;
    if (row >= this.store.size) return { done: true, value: undefined };
    this.row = row + 1;
    return { done: false, value: this.store.materialise(row) };
  }

  [Symbol.iterator](): IterableIterator<Indicator> {
    return this;
  }
}

/** Identity hash of (type, value, port): FNV-1a over the value's characters, then type and port. */
function hashOf(typeCode: number, value: string, port: number): number {
  let h = 0x811c9dc5 ^ typeCode;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (port + 1), 0x01000193);
  return (h ^ (h >>> 15)) & 0x7fffffff;
}
