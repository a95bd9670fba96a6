import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type BundledData, compileBundled, loadBundled } from '../../src/hunts/bundled-data.js';
import { BUNDLED_PROFILES } from '../../src/hunts/profiles.js';
import { BUNDLED_IOC_SCENARIOS } from '../../src/hunts/scenarios.js';

const work = mkdtempSync(join(tmpdir(), 'huntforge-bundled-data-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('the shipped data read from its compiled JSON equals the data parsed from its YAML', () => {
  const compiled = join(work, 'shipped');
  for (const data of [BUNDLED_PROFILES, BUNDLED_IOC_SCENARIOS] as BundledData<unknown>[]) {
    const parsed = data.parse(data.files().map((path) => ({ path, text: readFileSync(path, 'utf8') })));
    compileBundled(data, compiled);
    // a value JSON cannot carry (a Map, undefined in an array, a RegExp) would differ here
    assert.deepEqual(loadBundled({ ...data, parse: () => assert.fail('parsed again') }, compiled), parsed);
  }
});

test('the compiled JSON is used only while the files are the ones it was made from', () => {
  const dir = join(work, 'own');
  const file = join(work, 'values.txt');
  writeFileSync(file, 'a\nb\n');
  let parses = 0;
  const data: BundledData<string[]> = {
    name: 'values',
    files: () => [file],
    parse: ([f]) => {
      parses++;
      return f.text.trim().split('\n');
    },
  };
  assert.deepEqual(loadBundled(data, dir), ['a', 'b'], 'no JSON yet: parsed');
  assert.equal(parses, 1);
  compileBundled(data, dir);
  assert.equal(parses, 2);
  assert.deepEqual(loadBundled(data, dir), ['a', 'b']);
  assert.equal(parses, 2, 'read from the JSON');
  writeFileSync(file, 'a\nc\n');
  assert.deepEqual(loadBundled(data, dir), ['a', 'c'], 'an edited file is parsed again');
  assert.equal(parses, 3);
});
