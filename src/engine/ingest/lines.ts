/** Line-by-line reading of (possibly gzip'd) text files, and locating bad JSON lines on the error path. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

export async function* readLines(path: string, gzip: boolean): AsyncGenerator<string> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const input = gzip ? file.pipe(createGunzip()) : file;
  if (gzip) file.on('error', (err) => input.destroy(err));
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    yield* lines;
  } finally {
    // also when the caller stops early
    lines.close();
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
  let line = 0;
  for await (const text of readLines(path, gzip)) {
    line += 1;
    if (text.trim() === '') continue;
    let reason: string | undefined;
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) reason = 'not a JSON object';
      else if (Object.keys(value).length === 0) reason = 'empty JSON object';
    } catch (err) {
      reason = `invalid JSON: ${(err as Error).message}`;
    }
    if (reason) {
      found.push({ line, reason });
      if (found.length >= limit) break;
    }
  }
  return found;
}
