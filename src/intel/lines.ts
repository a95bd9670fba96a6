/** Line input: decoded chunks → numbered lines for a LineReader. */
import { isAscii } from 'node:buffer';
import { latin1 } from './bytes.js';
import type { ByteLineReader, LineReader, ReaderSink } from './readers/types.js';
import { excerpt } from './strings.js';

/**
 * Splits decoded chunks into lines (LF or CRLF) and feeds them to the reader, numbered from 1
 * (after `lineOffset`); returns the number of lines.
 */
export interface LineOptions {
  /** UTF-8 input (pure-ASCII chunks may then skip the decoder). */
  utf8: boolean;
  maxLineLength: number;
  /** Lines before these chunks (a part of a file after others): numbering continues after them. */
  lineOffset?: number;
  /** False for a later part of a file: its first line keeps a leading U+FEFF. */
  startOfFile?: boolean;
}

/** Bytes to text, chunk by chunk (a StringDecoder, or a TextDecoder for UTF-16BE). */
export interface ChunkDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

function hasBom(chunk: Buffer): boolean {
  return chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
}

export async function feedLines(
  chunks: AsyncIterable<Buffer>,
  decoder: ChunkDecoder,
  reader: LineReader,
  sink: ReaderSink,
  options: LineOptions,
): Promise<number> {
  const { utf8, maxLineLength, lineOffset = 0, startOfFile = true } = options;
  let carry = '';
  let lineNumber = lineOffset;
  let skippingLongLine = false;
  const deliver = (line: string) => {
    lineNumber++;
    if (skippingLongLine) {
      skippingLongLine = false;
      return;
    }
    if (line.length > maxLineLength) {
      sink.reject(
        `${sink.file}:${lineNumber}`,
        `line is longer than ${maxLineLength} characters`,
        excerpt(line),
      );
      return;
    }
    // a byte-order mark (UTF-8, or UTF-16 once decoded) is not part of the first line
    const start = startOfFile && lineNumber === lineOffset + 1 && line.charCodeAt(0) === 0xfeff ? 1 : 0;
    const end = line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
    reader.line(start === 0 && end === line.length ? line : line.slice(start, end), lineNumber);
  };
  const consume = (text: string) => {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      deliver(text.slice(start, nl));
      start = nl + 1;
    }
    carry = text.slice(start);
    if (carry.length > maxLineLength) {
      if (!skippingLongLine)
        sink.reject(
          `${sink.file}:${lineNumber + 1}`,
          `line is longer than ${maxLineLength} characters`,
          excerpt(carry),
        );
      skippingLongLine = true;
      carry = '';
    }
  };
  // A reader that takes lines as bytes gets those of ASCII chunks in place: no text is decoded
  // for them. The line being cut by a chunk's end is kept as bytes (copied: a chunk's buffer may
  // be reused for the next), and becomes `carry` if the text path takes over.
  const byteReader = utf8 && 'byteLine' in reader ? (reader as ByteLineReader) : null;
  // (Typed by a cast: it is assigned in closures, which the compiler's narrowing does not see.)
  let carryBytes = null as Buffer | null;
  const deliverBytes = (bytes: Buffer, start: number, end: number) => {
    lineNumber++;
    if (skippingLongLine) {
      skippingLongLine = false;
      return;
    }
    // As deliver(): the length limit counts a trailing CR; a BOM never reaches here (not ASCII).
    if (end - start > maxLineLength) {
      sink.reject(
        `${sink.file}:${lineNumber}`,
        `line is longer than ${maxLineLength} characters`,
        excerpt(latin1(bytes, start, end)),
      );
      return;
    }
    (byteReader as ByteLineReader).byteLine(
      bytes,
      start,
      end > start && bytes[end - 1] === 13 ? end - 1 : end,
      lineNumber,
    );
  };
  const consumeBytes = (chunk: Buffer) => {
    let start = 0;
    if (carryBytes !== null) {
      const nl = chunk.indexOf(10);
      const pending: Buffer = Buffer.concat([carryBytes, nl < 0 ? chunk : chunk.subarray(0, nl)]);
      carryBytes = null;
      if (nl < 0) {
        keepCarry(pending, 0);
        return;
      }
      deliverBytes(pending, 0, pending.length);
      start = nl + 1;
    }
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      deliverBytes(chunk, start, nl);
      start = nl + 1;
    }
    keepCarry(chunk, start);
  };
  /** consume()'s handling of an unfinished last line, here bytes[start..]. */
  const keepCarry = (bytes: Buffer, start: number) => {
    if (start >= bytes.length) return;
    if (bytes.length - start > maxLineLength) {
      if (!skippingLongLine)
        sink.reject(
          `${sink.file}:${lineNumber + 1}`,
          `line is longer than ${maxLineLength} characters`,
          excerpt(latin1(bytes, start, bytes.length)),
        );
      skippingLongLine = true;
      return;
    }
    carryBytes = Buffer.from(bytes.subarray(start));
  };
  // Pure-ASCII chunks of UTF-8 input decode as latin1, which needs no validation. The decoder
  // takes over for good at the first chunk that is not ASCII, so it never holds a partial
  // character when a chunk bypasses it.
  let ascii = utf8;
  let first = startOfFile;
  for await (const read of chunks) {
    let chunk = read;
    // A UTF-8 byte-order mark before ASCII text: the first line without it is what deliver()
    // would read, so the bytes after it can still be taken as ASCII.
    if (first && ascii && byteReader !== null && hasBom(chunk) && isAscii(chunk.subarray(3)))
      chunk = chunk.subarray(3);
    first = false;
    if (ascii && !isAscii(chunk)) ascii = false;
    if (ascii && byteReader !== null) {
      consumeBytes(chunk);
      continue;
    }
    if (carryBytes !== null) {
      carry = latin1(carryBytes, 0, carryBytes.length);
      carryBytes = null;
    }
    consume(carry + (ascii ? chunk.toString('latin1') : decoder.write(chunk)));
  }
  const last = carryBytes;
  if (last !== null) {
    carryBytes = null;
    deliverBytes(last, 0, last.length);
  } else {
    consume(carry + decoder.end());
    if (carry !== '') deliver(carry);
  }
  reader.end();
  return lineNumber - lineOffset;
}
