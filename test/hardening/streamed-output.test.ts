/**
 * `iocs --json` and `iocs --csv` stream their output (a feed of millions of indicators is never one
 * array or one string): the streamed text must be byte for byte what building it whole gave, also
 * across the CSV batches and through a stream that pushes back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { indicatorToJson } from '../../src/intel/json.js';
import { indicatorsToCsv } from '../../src/intel/present.js';
import { readIndicators } from '../../src/intel/read.js';
import { ChunkedWriter, writePrettyJsonWithArray } from '../../src/io/streamed-output.js';
import { runCli } from '../support/cli.js';

let work: string;
let feed: string;
const ROWS = 10_000;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'huntforge-streamed-'));
  feed = join(work, 'threatfox.csv');
  const header =
    '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","is_compromised","reference","tags","anonymous","reporter"\n';
  const rows: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const [value, type] =
      i % 3 === 0
        ? [`10${i}.example-${i % 7}.com`, 'domain']
        : [`${1 + (i % 200)}.${(i >> 8) & 255}.${i & 255}.7:${1024 + i}`, 'ip:port'];
    // every 10th row the same value again, so merging has work to do
    const shown =
      i % 10 === 9 ? `${1 + ((i - 1) % 200)}.${((i - 1) >> 8) & 255}.${(i - 1) & 255}.7:${1023 + i}` : value;
    rows.push(
      `"2026-04-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00", "${i}", "${shown}", "${type}", "botnet_cc", "win.nanocore", "None", "Nanocore RAT", "", "75", "False", "None", "=cmd,c2", "0", "abuse_ch"`,
    );
  }
  writeFileSync(feed, `${header}${rows.join('\n')}\n`);
});
after(() => rmSync(work, { recursive: true, force: true }));

/** A stream that accepts one chunk, then asks the writer to wait until it drains. */
function slowSink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: 1,
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      setImmediate(done);
    },
  });
  return { stream, text: () => chunks.join('') };
}

test('writePrettyJsonWithArray gives the bytes of JSON.stringify(doc, null, 2)', async () => {
  const docs = [
    { items: [], rejected: [] },
    { items: [{ a: 1 }], rejected: [{ location: 'f:1', reason: 'bad\nline', raw: '"\u202e' }] },
    {
      items: Array.from({ length: 5000 }, (_, i) => ({
        i,
        tags: [`t${i}`],
        nested: { s: 'x'.repeat(i % 300) },
      })),
      more: { n: null },
    },
  ];
  for (const doc of docs) {
    const { items, ...rest } = doc;
    const sink = slowSink();
    await writePrettyJsonWithArray(new ChunkedWriter(sink.stream), 'items', items, () => rest);
    assert.equal(sink.text(), `${JSON.stringify(doc, null, 2)}\n`);
  }
});

test('iocs --json and --csv on a 10,000-row feed: the same bytes as the whole document', async () => {
  const read = await readIndicators([feed]);
  assert.ok(read.indicators.length > 8192, 'more indicators than two CSV batches');
  const json = await runCli(['iocs', feed, '--json'], { timeoutMs: 60_000 });
  assert.equal(json.status, 0, json.stderr);
  const expected = { indicators: read.indicators.map(indicatorToJson), rejected: read.rejected };
  assert.equal(json.stdout, `${JSON.stringify(expected, null, 2)}\n`);
  const csv = await runCli(['iocs', feed, '--csv'], { timeoutMs: 60_000 });
  assert.equal(csv.status, 0, csv.stderr);
  assert.equal(csv.stdout, indicatorsToCsv(read.indicators));
});
