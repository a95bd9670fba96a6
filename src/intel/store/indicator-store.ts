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
import { LineSource } from '../source.js';
import { INDICATOR_TYPES, type Indicator, type IndicatorType, type Source } from '../types.js';
import { AttributionTable } from './attribution-table.js';
import { Column } from './columns.js';
import { StringArena } from './string-arena.js';
import { TimeColumn } from './time-column.js';

const TYPE_CODE = new Map<IndicatorType, number>(INDICATOR_TYPES.map((t, i) => [t, i]));
const NO_NUMBER = -1;

export class IndicatorStore {
  private count = 0;
  /** Rows every per-row column can hold without growing. */
  private capacity = 0;
  // Identity table: slot → row + 1 (0 = empty), linear probing, kept at most half full.
  private slots = new Int32Array(1 << 16);
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

  get size(): number {
    return this.count;
  }

  /** Adds a canonical indicator, merging it into the row of the same (type, value, port). */
  add(next: Indicator): void {
    const typeCode = TYPE_CODE.get(next.type) as number;
    const port = next.port ?? NO_NUMBER;
    const hash = hashOf(typeCode, next.value, port);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot];
      if (entry === 0) {
        this.slots[slot] = this.append(next, typeCode, port, hash) + 1;
        if (this.count * 2 > this.slots.length) this.grow();
        return;
      }
      const row = entry - 1;
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
  private sourceFileId(source: LineSource): number {
    const { file, format, reporter } = source;
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

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let row = 0; row < this.count; row++) {
      let slot = this.hashes.data[row] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = row + 1;
    }
    this.slots = slots;
  }

  /** Row `row` as a fresh Indicator (flags empty: they are set after merging). */
  materialise(row: number): Indicator {
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
      flags: [],
    };
  }

  private sourcesOf(row: number): Source[] {
    const out: Source[] = [];
    const file = this.sourceFile.data[row];
    if (file !== NO_NUMBER) {
      const { file: name, format, reporter } = this.sourceFiles[file];
      const ref = this.referenceOf.data[row];
      const reference = ref === NO_NUMBER ? undefined : this.references.get(ref);
      out.push(new LineSource(name, format, this.sourceLine.data[row], reference, reporter));
    } else {
      const source = this.objectSources.get(row);
      if (source !== undefined) out.push(source);
    }
    const more = this.moreSources.get(row);
    if (more) out.push(...more);
    return out;
  }

  /** Every row as an Indicator, in the order first seen; each call builds fresh objects. */
  *[Symbol.iterator](): IterableIterator<Indicator> {
    for (let row = 0; row < this.count; row++) yield this.materialise(row);
  }
}

/** Identity hash of (type, value, port): FNV-1a over the value's characters, then type and port. */
function hashOf(typeCode: number, value: string, port: number): number {
  let h = 0x811c9dc5 ^ typeCode;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (port + 1), 0x01000193);
  return (h ^ (h >>> 15)) & 0x7fffffff;
}
