import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CHUNK_BYTES, fileRange } from '../../src/intel/parts/file-range.js';

const dir = mkdtempSync(join(tmpdir(), 'huntforge-range-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const bytes = Buffer.alloc(2 * CHUNK_BYTES + 12_345);
for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
const path = join(dir, 'file.bin');
writeFileSync(path, bytes);

test('file ranges: the bytes of the range, cut at the whole file chunk boundaries, buffers reused', async () => {
  const ranges: [number, number][] = [
    [0, Number.POSITIVE_INFINITY],
    [0, bytes.length],
    [1, CHUNK_BYTES],
    [CHUNK_BYTES - 5, CHUNK_BYTES + 5],
    [CHUNK_BYTES, 2 * CHUNK_BYTES + 1],
    [123_456, Number.POSITIVE_INFINITY],
    [bytes.length, Number.POSITIVE_INFINITY],
    [10, 10],
  ];
  for (const [start, end] of ranges) {
    const copies: Buffer[] = [];
    const cuts: number[] = [];
    let at = start;
    for await (const chunk of fileRange(path, start, end)) {
      // Each chunk is read before the next is asked for, as the line splitter does.
      copies.push(Buffer.from(chunk));
      at += chunk.length;
      cuts.push(at);
    }
    const label = `${start}..${end}`;
    assert.deepEqual(Buffer.concat(copies), bytes.subarray(start, Math.min(end, bytes.length)), label);
    for (const cut of cuts.slice(0, -1)) assert.equal(cut % CHUNK_BYTES, 0, label);
  }
});

test('file ranges: a caller that stops early leaves no read behind', async () => {
  for await (const chunk of fileRange(path, 0, Number.POSITIVE_INFINITY)) {
    assert.equal(chunk.length, CHUNK_BYTES);
    break;
  }
});
