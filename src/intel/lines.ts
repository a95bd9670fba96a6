/** Line input: decoded chunks → numbered lines for a LineReader. */
import { isAscii } from 'node:buffer';
import type { StringDecoder } from 'node:string_decoder';
import type { LineReader, ReaderSink } from './readers/types.js';
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

export async function feedLines(
  chunks: AsyncIterable<Buffer>,
  decoder: StringDecoder,
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
  // Pure-ASCII chunks of UTF-8 input decode as latin1, which needs no validation. The decoder
  // takes over for good at the first chunk that is not ASCII, so it never holds a partial
  // character when a chunk bypasses it.
  let ascii = utf8;
  for await (const chunk of chunks) {
    if (ascii && !isAscii(chunk)) ascii = false;
    consume(carry + (ascii ? chunk.toString('latin1') : decoder.write(chunk)));
  }
  consume(carry + decoder.end());
  if (carry !== '') deliver(carry);
  reader.end();
  return lineNumber - lineOffset;
}
