import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTarget, TARGETS } from '../../src/render/targets/index.js';
import { CONTEXT, hunt, indicator, seedHunts } from './targets-support.js';

function mixedHunts() {
  return [
    ...seedHunts(),
    hunt('url', [indicator('url', 'http://evil-gate.com/gate.php')]),
    hunt('hash', [indicator('sha256', 'e'.repeat(64))]),
    hunt('behaviour', [], { selection: { field: 'process', operator: 'equals', values: ['nanocore.exe'] } }),
    hunt('dns-then-connect', [indicator('domain', 'theponzu.com')], { table: 'DeviceNetworkEvents' }),
  ];
}

test('TARGETS names the eight targets; an unknown one is an error', () => {
  assert.deepEqual([...TARGETS], ['sigma', 'spl', 'esql', 'suricata', 'zeek', 'stix', 'misp', 'watchlist']);
  assert.throws(() => renderTarget('qradar', seedHunts(), CONTEXT), /unknown target 'qradar'/);
});

test('every target writes files for the seed and for a mixed feed, with relative paths under its folder', () => {
  for (const hunts of [seedHunts(), mixedHunts()]) {
    const ids = new Set(hunts.map((h) => h.id));
    for (const target of TARGETS) {
      const output = renderTarget(target, hunts, CONTEXT);
      assert.ok(output.files.length > 0, `${target} wrote nothing`);
      const folder = target === 'esql' ? 'esql' : target;
      for (const file of output.files) {
        assert.match(file.path, new RegExp(`^${folder}/[a-z0-9.-]+$`), `${target}: ${file.path}`);
        assert.ok(file.content.endsWith('\n'));
      }
      assert.equal(
        new Set(output.files.map((f) => f.path)).size,
        output.files.length,
        `${target}: duplicate paths`,
      );
      for (const note of output.notes)
        assert.ok(ids.has(note.huntId), `${target}: note for unknown hunt ${note.huntId}`);
    }
  }
});

test('no hunt disappears silently: each hunt is in an output or named in a note, for every target', () => {
  const hunts = mixedHunts();
  for (const target of TARGETS) {
    const output = renderTarget(target, hunts, CONTEXT);
    const text = output.files.map((f) => f.content).join('\n');
    for (const h of hunts) {
      const mentioned = text.includes(h.id) || output.notes.some((n) => n.huntId === h.id);
      const exported =
        h.indicators.length > 0 &&
        h.indicators.every((i) => text.includes(i.value.replace(/^https?:\/\//, '')));
      assert.ok(
        mentioned || exported,
        `${target}: hunt ${h.kind} (${h.table}) is neither rendered nor noted`,
      );
    }
  }
});
