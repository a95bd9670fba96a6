/** The contract between read.ts and the format readers. */
import type { IndicatorCandidate } from '../types.js';

export type FormatName =
  | 'threatfox-api'
  | 'threatfox-json'
  | 'threatfox-csv'
  | 'stix'
  | 'misp'
  | 'plain-list'
  | 'text';

/** Where readers deliver their output; read.ts canonicalises and merges as items arrive. */
export interface ReaderSink {
  /** The input's display name (file path, `-`, or a pseudo-name). */
  readonly file: string;
  candidate(candidate: IndicatorCandidate): void;
  reject(location: string, reason: string, raw: string): void;
}

/** A reader over lines, fed one line at a time so large files stream. */
export interface LineReader {
  line(text: string, lineNumber: number): void;
  /** Called once after the last line (readers that buffer flush here). */
  end(): void;
}

/**
 * A line reader that can also take a line as bytes, read in place (lines.ts does so for chunks
 * of ASCII input): bytes [start, end) of `bytes`, without the line break, valid during the call.
 */
export interface ByteLineReader extends LineReader {
  byteLine(bytes: Buffer, start: number, end: number, lineNumber: number): void;
}

/** A reader over a whole parsed JSON document. */
export type JsonReader = (document: unknown, sink: ReaderSink) => void;

/** Thrown by a JSON reader when the document as a whole is unusable (e.g. API error status). */
export class InputError extends Error {
  override name = 'InputError';
}
