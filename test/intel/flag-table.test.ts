import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagTable } from '../../src/intel/store/flag-table.js';
import type { Flag } from '../../src/intel/types.js';

const flag = (list: string, reason: string): Flag => ({ list, category: 'benign', reason });

test('flag table: one number per distinct flag list, whether or not the objects are shared', () => {
  const table = new FlagTable();
  const a = Object.freeze(flag('a', 'why a'));
  const b = Object.freeze(flag('b', 'why b'));
  assert.equal(table.id([]), 0);
  const idA = table.id([a]);
  assert.equal(table.id([a]), idA);
  // An equal flag in another object (one that crossed threads) is the same list.
  assert.equal(table.id([flag('a', 'why a')]), idA);
  const idB = table.id([b]);
  assert.notEqual(idB, idA);
  const idAB = table.id([a, b]);
  assert.notEqual(idAB, idA);
  assert.equal(table.id([flag('a', 'why a'), flag('b', 'why b')]), idAB);
  assert.deepEqual(table.get(idA), [a]);
  assert.deepEqual(table.get(idAB), [a, b]);
});

test('flag table: a flag changed after it was numbered is numbered by what it says now', () => {
  const table = new FlagTable();
  const mutable = flag('a', 'first');
  const first = table.id([mutable]);
  mutable.reason = 'second';
  const second = table.id([mutable]);
  assert.notEqual(second, first);
  assert.deepEqual(table.get(first), [flag('a', 'first')]);
  assert.deepEqual(table.get(second), [flag('a', 'second')]);
});
