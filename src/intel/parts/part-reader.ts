/**
 * Reads one part of a ThreatFox CSV export into a store: on the calling thread (the first part,
 * or a part a worker could not read) or in a worker (worker.ts).
 */
import { StringDecoder } from 'node:string_decoder';
import { feedLines } from '../lines.js';
import { ThreatFoxCsvByteReader } from '../readers/threatfox-csv-bytes.js';
import { canonicalisingSink, type RejectFn } from '../sink.js';
import type { IndicatorStore } from '../store/indicator-store.js';
import { fileRange } from './file-range.js';

export interface PartInput {
  file: string;
  start: number;
  /** Infinity for the last part (to the end of the file, however long it is by then). */
  end: number;
  /** The header in effect where the part starts (null at the start of the file). */
  columns: string[] | null;
  /** Lines before the part, when known; a worker numbers from 1 and is renumbered on merging. */
  lineOffset: number;
  maxLineLength: number;
}

export interface PartResult {
  /** The header in effect at the end of the part. */
  columns: string[] | null;
  lines: number;
}

export async function readPart(
  part: PartInput,
  store: IndicatorStore,
  reject: RejectFn,
): Promise<PartResult> {
  const sink = canonicalisingSink(part.file, store, reject);
  const reader = new ThreatFoxCsvByteReader(sink, store, part.columns);
  const lines = await feedLines(
    fileRange(part.file, part.start, part.end),
    new StringDecoder('utf8'),
    reader,
    sink,
    {
      utf8: true,
      maxLineLength: part.maxLineLength,
      lineOffset: part.lineOffset,
      startOfFile: part.start === 0,
    },
  );
  return { columns: reader.columns, lines };
}
