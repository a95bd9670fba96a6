/** Bytes [start, end) of a file as chunks, the way the whole file is read (1 MiB chunks). */
import { open } from 'node:fs/promises';

export const CHUNK_BYTES = 1 << 20;

/**
 * Chunk boundaries fall on multiples of CHUNK_BYTES from the start of the file whatever `start`
 * is, so a part of a file is cut into lines exactly where a read of the whole file would cut it
 * (a line longer than the limit is noticed at the same chunk). `end` Infinity: to the end.
 */
export async function* fileRange(path: string, start: number, end: number): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    let at = start;
    while (at < end) {
      const next = Math.min(end, (Math.floor(at / CHUNK_BYTES) + 1) * CHUNK_BYTES);
      const buffer = Buffer.allocUnsafe(next - at);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
      if (bytesRead === 0) return;
      yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
      at += bytesRead;
    }
  } finally {
    await handle.close();
  }
}
