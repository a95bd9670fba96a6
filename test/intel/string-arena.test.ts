import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StringArena } from '../../src/intel/store/string-arena.js';

// 16-byte values fill the 1 MiB pages to the last byte: the next value must start a new page,
// not overwrite the start of the full one.
const values = Array.from({ length: 200_000 }, (_, i) => `v${i}-`.padEnd(16, 'x'));

function mismatches(arena: StringArena, expected: string[]): string[] {
  const wrong: string[] = [];
  for (let i = 0; i < expected.length && wrong.length < 3; i++)
    if (arena.get(i) !== expected[i]) wrong.push(`${i}: ${expected[i]} read back as ${arena.get(i)}`);
  return wrong;
}

test('values that fill pages exactly read back unchanged, added from a line or from another arena', () => {
  const fromLines = new StringArena();
  for (const v of values) fromLines.addRange(`,${v},`, 1, 1 + v.length);
  assert.deepEqual(mismatches(fromLines, values), []);

  const copied = new StringArena();
  for (let i = 0; i < values.length; i++) copied.addFrom(fromLines, i);
  assert.deepEqual(mismatches(copied, values), []);
});

test('an arena sent as columns keeps every byte of a page it filled exactly', () => {
  const arena = new StringArena();
  // 64 KiB + 128 KiB + 256 KiB + 512 KiB + 1 MiB of 16-byte values: the current page is full
  const exact = values.slice(0, (31 * 65_536) / 16);
  for (const v of exact) arena.addRange(v, 0, v.length);
  const received = StringArena.fromColumns(arena.toColumns());
  assert.deepEqual(mismatches(received, exact), []);
  // and a value added after the transfer lands on a page of its own
  const id = received.add('after-transfer');
  assert.equal(received.get(id), 'after-transfer');
  assert.deepEqual(mismatches(received, exact), []);
});

test('values added as bytes read back as their characters, compare equal, and keep non-ASCII text', () => {
  const arena = new StringArena();
  const texts = [...values.slice(0, 5000), '', 'a', 'x'.repeat(40), 'Bücher.de', 'https://x.com/ü'];
  for (const text of texts) {
    const line = Buffer.from(`"${text}", `, 'utf8');
    arena.addBytes(line, 1, line.length - 3);
  }
  assert.deepEqual(mismatches(arena, texts), []);
  texts.forEach((text, id) => {
    const bytes = Buffer.from(`<${text}>`, 'utf8');
    assert.ok(arena.equalsBytes(id, bytes, 1, bytes.length - 1), text);
    const other = Buffer.from(`<${text}!>`, 'utf8');
    assert.ok(!arena.equalsBytes(id, other, 1, other.length - 1), text);
  });
});

test('entries read back while more are added, in order, backwards and across pages, are never stale', () => {
  const arena = new StringArena();
  const expected: string[] = [];
  // Reading each entry right after adding it decodes a window of the page being filled; the
  // entries added after that land in bytes the window did not cover when it was decoded.
  for (let i = 0; i < 120_000; i++) {
    const v = `e${i}.${'x'.repeat(i % 40)}`;
    expected.push(v);
    assert.equal(arena.get(arena.add(v)), v);
    if (i % 997 === 0) assert.equal(arena.get(i >> 1), expected[i >> 1]);
  }
  assert.deepEqual(mismatches(arena, expected), []);
  for (let i = expected.length - 1; i >= 0; i -= 7) assert.equal(arena.get(i), expected[i]);
  // Pages taken over from another arena read back the same way.
  const merged = new StringArena();
  merged.add('first');
  merged.adopt(arena);
  for (let i = 0; i < expected.length; i++) merged.addFrom(arena, i);
  assert.equal(merged.get(0), 'first');
  for (let i = 0; i < expected.length; i += 3) assert.equal(merged.get(i + 1), expected[i]);
});
