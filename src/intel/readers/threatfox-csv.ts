/**
 * ThreatFox CSV export: `#` banner, a commented header line (`# "first_seen_utc","ioc_id",...`),
 * rows of double-quoted fields separated by `", "`, `None` for nulls, `# Number of entries: N`
 * trailer. Column positions come from the header, because `is_compromised` was inserted in 2025.
 *
 * Rows are split with a fast path for the export's exact shape; any row that does not fit it
 * (embedded quotes, odd spacing) goes through csv-parse, so the fast path never decides
 * anything csv-parse would decide differently.
 */
import { createRequire } from 'node:module';
import type { parse as CsvParse, Options } from 'csv-parse/sync';
import { LineSource } from '../source.js';
import { excerpt } from '../strings.js';
import { threatFoxCandidate } from './threatfox-record.js';
import type { LineReader, ReaderSink } from './types.js';

export const FORMAT = 'threatfox-csv';

/**
 * csv-parse, loaded on the first row the fast split leaves to it: export rows never are, and
 * every worker thread reading a part would otherwise compile it before its first row.
 */
let csvParse: typeof CsvParse | undefined;
function parse(text: string, options: Options): unknown {
  csvParse ??= (createRequire(import.meta.url)('csv-parse/sync') as { parse: typeof CsvParse }).parse;
  return csvParse(text, options);
}
const HEADER = /^#?\s*"first_seen_utc"/;
/** The columns the reader uses, in the order of `positions`. */
export const NEEDED = [
  'ioc_value',
  'ioc_type',
  'threat_type',
  'fk_malware',
  'malware_alias',
  'malware_printable',
  'first_seen_utc',
  'last_seen_utc',
  'confidence_level',
  'reference',
  'tags',
  'reporter',
] as const;

export function threatFoxCsvReader(sink: ReaderSink): LineReader {
  return new ThreatFoxCsvReader(sink);
}

/**
 * The reader as a class: the column state (which header is in effect) can be handed in and read
 * back, so a part of a file read elsewhere continues with the header of the part before it, and
 * `dataRow` can be replaced by a faster path that falls back to this one.
 */
export class ThreatFoxCsvReader implements LineReader {
  /** Lowercased names of the header in effect, or null before the first header line. */
  columns: string[] | null = null;
  /** Field index of each NEEDED column (-1 when the header lacks it). */
  protected positions: number[] = [];

  constructor(
    protected readonly sink: ReaderSink,
    columns: string[] | null = null,
  ) {
    if (columns !== null) this.useColumns(columns);
  }

  protected useColumns(names: string[]): void {
    const columns = names.map((n) => n.trim().toLowerCase());
    this.columns = columns;
    this.positions = NEEDED.map((name) => columns.indexOf(name));
  }

  line(text: string, lineNumber: number): void {
    if (text === '') return;
    if (text.charCodeAt(0) === 35 /* # */) {
      if (HEADER.test(text)) {
        const names = splitRow(text.replace(/^#\s*/, ''), -1);
        if (names) this.useColumns(names);
      }
      return;
    }
    if (this.columns === null) {
      if (HEADER.test(text)) {
        const names = splitRow(text, -1);
        if (names) {
          this.useColumns(names);
          return;
        }
      }
      this.sink.reject(
        `${this.sink.file}:${lineNumber}`,
        'data row before the ThreatFox CSV header line',
        excerpt(text),
      );
      return;
    }
    this.dataRow(text, lineNumber, this.columns.length);
  }

  /** One data row under a header of `width` columns: split, mapped, handed to the sink. */
  protected dataRow(text: string, lineNumber: number, width: number): void {
    const sink = this.sink;
    const file = sink.file;
    const fields = splitRow(text, width);
    if (fields === null) {
      sink.reject(`${file}:${lineNumber}`, 'not a well-formed CSV row', excerpt(text));
      return;
    }
    if (fields.length !== width) {
      sink.reject(
        `${file}:${lineNumber}`,
        `row has ${fields.length} fields, the header has ${width}`,
        excerpt(text),
      );
      return;
    }
    const p = this.positions;
    const source = new LineSource(file, FORMAT, lineNumber);
    const result = threatFoxCandidate(
      {
        ioc_value: p[0] >= 0 ? fields[p[0]] : undefined,
        ioc_type: p[1] >= 0 ? fields[p[1]] : undefined,
        threat_type: p[2] >= 0 ? fields[p[2]] : undefined,
        fk_malware: p[3] >= 0 ? fields[p[3]] : undefined,
        malware_alias: p[4] >= 0 ? fields[p[4]] : undefined,
        malware_printable: p[5] >= 0 ? fields[p[5]] : undefined,
        first_seen_utc: p[6] >= 0 ? fields[p[6]] : undefined,
        last_seen_utc: p[7] >= 0 ? fields[p[7]] : undefined,
        confidence_level: p[8] >= 0 ? fields[p[8]] : undefined,
        reference: p[9] >= 0 ? fields[p[9]] : undefined,
        tags: p[10] >= 0 ? fields[p[10]] : undefined,
        reporter: p[11] >= 0 ? fields[p[11]] : undefined,
      },
      source,
    );
    if (typeof result === 'string') sink.reject(source.location, result, excerpt(text));
    else sink.candidate(result);
  }

  end(): void {}
}

/** Splits one row; `expected` is the header's field count (-1 when unknown). Null if unparseable. */
export function splitRow(text: string, expected: number): string[] | null {
  const fields = splitExportRow(text);
  if (fields !== null && (expected < 0 || fields.length === expected)) return fields;
  try {
    const rows = parse(text, { ltrim: true, rtrim: true, relax_column_count: true }) as string[][];
    return rows.length === 1 ? rows[0] : null;
  } catch {
    return null;
  }
}

/**
 * The export's exact shape, `"a", "b", "c"` (or its header's, `"a","b","c"`), split by jumping
 * from quote to quote (indexOf is native and fast). Every quote must be the first or last
 * character or part of a `", "` or `","` separator; anything else (an escaped `""`, other spacing)
 * returns null and the row goes to csv-parse. Such a row has no quote inside a field, so csv-parse
 * (which trims the space after a comma) would read the same fields. The header taking this path
 * spares each thread that reads a part compiling csv-parse.
 */
export function splitExportRow(text: string): string[] | null {
  const n = text.length;
  if (n < 2 || text.charCodeAt(0) !== 34 || text.charCodeAt(n - 1) !== 34) return null;
  const fields: string[] = [];
  let start = 1;
  for (;;) {
    const quote = text.indexOf('"', start);
    if (quote < 0) return null; // the closing quote was taken for a separator: `"a", "`
    fields.push(text.slice(start, quote));
    if (quote === n - 1) return fields;
    if (text.charCodeAt(quote + 1) !== 44 /* , */) return null;
    const open = text.charCodeAt(quote + 2) === 32 /* space */ ? quote + 3 : quote + 2;
    if (text.charCodeAt(open) !== 34 /* " */) return null;
    start = open + 1;
  }
}
