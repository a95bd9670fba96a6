/** The first bytes of a (possibly gzip'd) file as text, to recognise its format without reading it all. */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export async function readHead(path: string, gzip: boolean, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  const file = createReadStream(path, gzip ? {} : { end: maxBytes - 1 });
  const stream = gzip ? file.pipe(createGunzip()) : file;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= maxBytes) break;
    }
  } catch (err) {
    // a truncated or corrupt gzip still yields its first bytes
    if (total === 0) throw err;
  } finally {
    file.destroy();
    if (stream !== file) stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}
