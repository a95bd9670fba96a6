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

/**
 * The first `limit` lines of a JSON Lines file that are not a JSON object. Only called once DuckDB has
 * reported malformed records, to say where they are; the rows themselves are read by DuckDB.
 */
export async function findBadJsonLines(
  path: string,
  gzip: boolean,
  limit = 5,
): Promise<{ line: number; reason: string }[]> {
  const found: { line: number; reason: string }[] = [];
  await eachLine(path, gzip, (text, line) => {
    if (text.trim() === '') return true;
    let reason: string | undefined;
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) reason = 'not a JSON object';
      else if (Object.keys(value).length === 0) reason = 'empty JSON object';
      // the decoder turned bytes that are not UTF-8 into U+FFFD; DuckDB rejects such a line
      else if (text.includes('\uFFFD')) reason = 'not valid UTF-8';
    } catch (err) {
      reason = `invalid JSON: ${(err as Error).message}`;
    }
    if (reason) found.push({ line, reason });
    return found.length < limit;
  });
  return found;
}
