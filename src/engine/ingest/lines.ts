/** Line-by-line reading of (possibly gzip'd) text files, and locating bad JSON lines on the error path. */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

/**
 * Calls `onLine` for every line (1-based numbers, CR of CRLF removed), synchronously within each 1 MB
 * chunk — no await per line — and awaits `afterChunk` between chunks (for write back-pressure).
 * `onLine` returning false stops the reading.
 */
export async function eachLine(
  path: string,
  gzip: boolean,
  onLine: (text: string, line: number) => unknown,
  afterChunk?: (bytesRead: number) => Promise<void> | void,
): Promise<void> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const input = gzip ? file.pipe(createGunzip()) : file;
  if (gzip) file.on('error', (err) => input.destroy(err));
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        line += 1;
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        if (onLine(text.slice(start, end), line) === false) return;
        start = nl + 1;
      }
      rest = text.slice(start);
      await afterChunk?.(file.bytesRead);
    }
    rest += decoder.end();
    if (rest.length > 0) onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest, line + 1);
  } finally {
    input.destroy();
    file.destroy();
  }
}

export interface JsonLinesScan {
  /** The first `limit` lines that are not a JSON object, with why. */
  bad: { line: number; reason: string }[];
  /** All lines that are not a JSON object. */
  badCount: number;
  /**
   * Good lines that come right after a line cut off where a value was due (`[[[`, `{"a":`): DuckDB's
   * newline-delimited reader may read on into the next line for that value and lose it with the bad
   * one (it does not always: the count of its malformed records tells).
   */
  swallowed: { line: number; text: string }[];
  /** A good first record behind a UTF-8 byte-order mark (without it), which DuckDB never reads. */
  behindMark: { line: number; text: string }[];
}

/**
 * Reads a JSON Lines file once DuckDB has reported malformed records: where they are, and which good
 * records DuckDB lost with them. Never called for a file DuckDB read without complaint.
 */
export async function scanJsonLines(path: string, gzip: boolean, limit = 5): Promise<JsonLinesScan> {
  const scan: JsonLinesScan = { bad: [], badCount: 0, swallowed: [], behindMark: [] };
  let cutOff = false;
  await eachLine(path, gzip, (text, line) => {
    if (text.trim() === '') return;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) {
      const record = text.slice(1);
      const verdict = judgeJsonLine(record);
      if (!verdict.reason) {
        scan.behindMark.push({ line, text: record });
        return;
      }
    }
    const verdict = judgeJsonLine(text);
    if (verdict.reason) {
      scan.badCount += 1;
      if (scan.bad.length < limit) scan.bad.push({ line, reason: verdict.reason });
    } else if (cutOff) scan.swallowed.push({ line, text });
    cutOff = verdict.cutOff;
  });
  return scan;
}

function judgeJsonLine(text: string): { reason?: string; cutOff: boolean } {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { reason: 'not a JSON object', cutOff: false };
    if (Object.keys(value).length === 0) return { reason: 'empty JSON object', cutOff: false };
    // DuckDB reads it as a row of nulls, which is how it reports a malformed record
    if (Object.values(value).every((v) => v === null))
      return { reason: 'every value is null', cutOff: false };
    // the decoder turned bytes that are not UTF-8 into U+FFFD; DuckDB rejects such a line
    if (text.includes('\uFFFD')) return { reason: 'not valid UTF-8', cutOff: false };
    return { cutOff: false };
  } catch (err) {
    const message = (err as Error).message;
    // V8's words for text that ends where a value (or more of one) was due
    return { reason: `invalid JSON: ${message}`, cutOff: /Unexpected end of JSON input/.test(message) };
  }
}
