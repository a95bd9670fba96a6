/** Bytes [start, end) of a file as chunks, the way the whole file is read (1 MiB chunks). */
import { open } from 'node:fs/promises';

export const CHUNK_BYTES = 1 << 20;

/**
 * Chunk boundaries fall on multiples of CHUNK_BYTES from the start of the file whatever `start`
 * is, so a part of a file is cut into lines exactly where a read of the whole file would cut it
 * (a line longer than the limit is noticed at the same chunk). `end` Infinity: to the end.
 *
 * Every chunk is a view of one buffer, valid until the next is asked for: the line splitter
 * decodes each chunk before asking, and a fresh megabyte per chunk only fragments the heap.
 */
export async function* fileRange(path: string, start: number, end: number): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let at = start;
    while (at < end) {
      const next = Math.min(end, (Math.floor(at / CHUNK_BYTES) + 1) * CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, next - at, at);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
      at += bytesRead;
    }
  } finally {
    await handle.close();
  }
}
