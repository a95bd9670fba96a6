/**
 * Files too large to build as one string (a watchlist or IOC list of millions of rows): the text
 * comes in pieces from an iterable, goes out in chunks of about 1 MB to a temporary name and is
 * renamed into place, so a crash never leaves half a file.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { nodeResourceError } from '../io/resource-errors.js';
import { ChunkedWriter } from '../io/streamed-output.js';

const GATHER_CHARS = 1 << 16;

export async function writeStreamAtomic(path: string, pieces: Iterable<string>): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(temp);
    const failed = new Promise<never>((_, reject) => stream.once('error', reject));
    failed.catch(() => {});
    const out = new ChunkedWriter(stream);
    // pieces are rows: gathered here so that only every 64 KB waits on the stream
    let gathered = '';
    for (const piece of pieces) {
      gathered += piece;
      if (gathered.length >= GATHER_CHARS) {
        await Promise.race([out.write(gathered), failed]);
        gathered = '';
      }
    }
    await Promise.race([out.write(gathered), failed]);
    await Promise.race([out.flush(), failed]);
    stream.end();
    await finished(stream);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw nodeResourceError(err, `writing ${path} (left unchanged)`) ?? err;
  }
}
