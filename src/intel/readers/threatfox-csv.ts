/**
 * ThreatFox CSV export: `#` banner, a commented header line (`# "first_seen_utc","ioc_id",...`),
 * rows of double-quoted fields separated by `", "`, `None` for nulls, `# Number of entries: N`
 * trailer. Column positions come from the header, because `is_compromised` was inserted in 2025.
 *
 * Rows are split with a fast path for the export's exact shape; any row that does not fit it
 * (embedded quotes, odd spacing) goes through csv-parse, so the fast path never decides
 * anything csv-parse would decide differently.
 */
import { parse } from 'csv-parse/sync';
import { excerpt } from '../strings.js';
import type { Source } from '../types.js';
import { threatFoxCandidate } from './threatfox-record.js';
import type { LineReader, ReaderSink } from './types.js';

const FORMAT = 'threatfox-csv';
const HEADER = /^#?\s*"first_seen_utc"/;
const NEEDED = [
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
  let columns: string[] | null = null;
  let positions: number[] = [];
  const file = sink.file;
  return {
    line(text, lineNumber) {
      if (text === '') return;
      if (text.charCodeAt(0) === 35 /* # */) {
        if (HEADER.test(text)) {
          const names = splitRow(text.replace(/^#\s*/, ''), -1);
          if (names) {
            columns = names.map((n) => n.trim().toLowerCase());
            positions = NEEDED.map((name) => columns!.indexOf(name));
          }
        }
        return;
      }
      const location = `${file}:${lineNumber}`;
      if (columns === null) {
        if (HEADER.test(text)) {
          const names = splitRow(text, -1);
          if (names) {
            columns = names.map((n) => n.trim().toLowerCase());
            positions = NEEDED.map((name) => columns!.indexOf(name));
            return;
          }
        }
        sink.reject(location, 'data row before the ThreatFox CSV header line', excerpt(text));
        return;
      }
      const fields = splitRow(text, columns.length);
      if (fields === null) {
        sink.reject(location, 'not a well-formed CSV row', excerpt(text));
        return;
      }
      if (fields.length !== columns.length) {
        sink.reject(
          location,
          `row has ${fields.length} fields, the header has ${columns.length}`,
          excerpt(text),
        );
        return;
      }
      const p = positions;
      const at = (i: number) => (p[i] >= 0 ? fields[p[i]] : undefined);
      const source: Source = { file, location, format: FORMAT };
      const result = threatFoxCandidate(
        {
          ioc_value: at(0),
          ioc_type: at(1),
          threat_type: at(2),
          fk_malware: at(3),
          malware_alias: at(4),
          malware_printable: at(5),
          first_seen_utc: at(6),
          last_seen_utc: at(7),
          confidence_level: at(8),
          reference: at(9),
          tags: at(10),
          reporter: at(11),
        },
        source,
      );
      if (typeof result === 'string') sink.reject(location, result, excerpt(text));
      else sink.candidate(result);
    },
    end() {},
  };
}

/** Splits one row; `expected` is the header's field count (-1 when unknown). Null if unparseable. */
export function splitRow(text: string, expected: number): string[] | null {
  const n = text.length;
  if (n >= 2 && text.charCodeAt(0) === 34 && text.charCodeAt(n - 1) === 34) {
    const fields = text.slice(1, n - 1).split('", "');
    if (expected < 0 || fields.length === expected) {
      let clean = true;
      for (const f of fields) {
        if (f.includes('"')) {
          clean = false;
          break;
        }
      }
      if (clean) return fields;
    }
  }
  try {
    const rows = parse(text, { ltrim: true, rtrim: true, relax_column_count: true }) as string[][];
    return rows.length === 1 ? rows[0] : null;
  } catch {
    return null;
  }
}
