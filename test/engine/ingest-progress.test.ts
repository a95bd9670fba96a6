import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProgress, formatProgressLine } from '../../src/cli/progress.js';
import { openDatabase } from '../../src/engine/database.js';
import { type IngestProgress, ingestLogs } from '../../src/engine/ingest/index.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (t: string) => writes.push(t) > 0 } };
}

test('the progress line shows done/total, rate and ETA', () => {
  assert.equal(
    formatProgressLine('ingest', 5_000_000, 10_000_000, 'bytes', 2, 100),
    'ingest [###############---------------] 50% 5.0/10.0 MB 2.5 MB/s ETA 2s',
  );
  assert.match(formatProgressLine('hunt', 3, 4, 'files', 3, 80), /75% 3\/4 files 1\.0 files\/s ETA 1s$/);
});

test('a bar is drawn on a terminal and nothing is written otherwise', () => {
  let clock = 0;
  const tty = fakeStream(true);
  const bar = createProgress('ingest', 100, 'files', tty.stream, () => clock);
  clock = 1000;
  bar.update(50);
  clock = 1050;
  bar.update(60); // throttled: under 100 ms since the last draw
  bar.finish();
  assert.equal(tty.writes.length, 3);
  assert.match(tty.writes[0], /^\ringest \[.*\] 50% 50\/100 files/);
  assert.match(tty.writes[1], /100% 100\/100 files/);
  assert.equal(tty.writes[2], '\n');

  const piped = fakeStream(false);
  const quiet = createProgress('ingest', 100, 'bytes', piped.stream);
  quiet.update(50);
  quiet.finish();
  assert.deepEqual(piped.writes, []);
});

test('ingestLogs reports progress per file up to the total', async () => {
  const db = await openDatabase();
  try {
    const seen: IngestProgress[] = [];
    await ingestLogs(db, ['test/fixtures/engine/ingest/json', 'test/fixtures/engine/ingest/zeek-tsv'], {
      onProgress: (p) => seen.push(p),
    });
    const last = seen.at(-1)!;
    assert.equal(last.filesTotal, 4);
    assert.equal(last.filesDone, 4);
    assert.equal(last.bytesDone, last.bytesTotal);
    assert.ok(last.bytesTotal > 0);
    assert.deepEqual(seen[0], { bytesDone: 0, bytesTotal: last.bytesTotal, filesDone: 0, filesTotal: 4 });
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].bytesDone >= seen[i - 1].bytesDone);
  } finally {
    db.close();
  }
});
