import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readIndicators, readIndicatorsFromText } from '../../src/intel/read.js';
import { parsePattern } from '../../src/intel/readers/stix-pattern.js';
import { fixture, keys } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'huntforge-read-input-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('gzip input is recognised by its magic bytes, whatever its name', async () => {
  const file = join(dir, 'export.dat');
  writeFileSync(file, gzipSync(readFileSync(fixture('threatfox-2024.csv'))));
  const r = await readIndicators([file]);
  assert.deepEqual(r.errors, []);
  assert.equal(r.formats[0].format, 'threatfox-csv');
  assert.equal(r.indicators.length, 5);
  assert.equal(r.indicators[0].sources[0].location, `${file}:10`);
});

test('corrupt gzip is a clear error', async () => {
  const file = join(dir, 'broken.gz');
  writeFileSync(
    file,
    Buffer.concat([gzipSync('evil.example.com\n').subarray(0, 12), Buffer.from('garbage')]),
  );
  const r = await readIndicators([file]);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0], /broken\.gz: /);
  assert.doesNotMatch(r.errors[0], /internal error/);
});

test('UTF-16 LE with BOM (Windows exports) and UTF-8 BOM are decoded', async () => {
  const utf16 = join(dir, 'list-utf16.txt');
  writeFileSync(
    utf16,
    Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('evil.example.com\r\n104[.]21[.]9[.]66:443\r\n', 'utf16le'),
    ]),
  );
  const bom = join(dir, 'api-bom.json');
  writeFileSync(bom, `\uFEFF${readFileSync(fixture('threatfox-api-error.json'), 'utf8')}`);
  const r = await readIndicators([utf16, bom]);
  assert.deepEqual(keys(r.indicators), ['domain evil.example.com', 'ipv4 104.21.9.66:443']);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0], /query_status 'illegal_search_term'/);
});

test('a line longer than the limit is rejected once and the lines around it are kept', async () => {
  const text = `evil.example.com\n${'x'.repeat(5000)}\nbad.example.org\n`;
  const r = await readIndicatorsFromText(text, 'long.txt', { maxLineLength: 1000 });
  assert.deepEqual(keys(r.indicators), ['domain bad.example.org', 'domain evil.example.com']);
  assert.equal(r.rejected.length, 1);
  assert.equal(r.rejected[0].location, 'long.txt:2');
  assert.match(r.rejected[0].reason, /longer than 1000 characters/);
});

test('rejections beyond maxRejected are counted, not kept', async () => {
  const text = `${Array.from({ length: 50 }, (_, i) => `bad${i}.notatld`).join('\n')}\nok.example.com\n`;
  const r = await readIndicatorsFromText(text, 'many.txt', { maxRejected: 10 });
  assert.equal(r.rejected.length, 10);
  assert.equal(r.rejectedTotal, 50);
  assert.equal(r.indicators.length, 1);
});

test('JSON larger than the cap is refused with advice', async () => {
  const r = await readIndicatorsFromText(JSON.stringify({ query_status: 'ok', data: [] }), 'big.json', {
    maxJsonBytes: 10,
  });
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0], /larger than/);
});

test('binary input (NUL bytes, ZIP) is refused naming the accepted formats', async () => {
  const zip = join(dir, 'threatfox.zip');
  writeFileSync(zip, Buffer.from('PK\u0003\u0004rest-of-archive', 'latin1'));
  const bin = join(dir, 'blob');
  writeFileSync(bin, Buffer.from([1, 2, 0, 3, 0, 0, 65]));
  const r = await readIndicators([zip, bin]);
  assert.match(r.errors[0], /threatfox\.zip: is a ZIP archive: unzip it first \(accepted: .*MISP event JSON/);
  assert.match(r.errors[1], /blob: is binary/);
});

test('an empty input is read (nothing in it), not an error', async () => {
  const empty = join(dir, 'empty.txt');
  writeFileSync(empty, '');
  const r = await readIndicators([empty]);
  assert.deepEqual([r.indicators.length, r.errors.length, r.rejected.length], [0, 0, 0]);
});

test('STIX patterns: IN lists, qualifiers, nested parentheses, escaped quotes', () => {
  const [obs] = parsePattern(
    "([ipv4-addr:value IN ('1.2.3.4', '5.6.7.8') AND (url:value = 'http://x.example.com/it\\'s')]) REPEATS 5 TIMES",
  );
  assert.equal(obs.length, 1);
  assert.deepEqual(obs[0][0].values, ['1.2.3.4', '5.6.7.8']);
  assert.equal(obs[0][0].operator, 'IN');
  assert.deepEqual(obs[0][1].values, ["http://x.example.com/it's"]);
  const hashes = parsePattern("[file:hashes.'SHA-256' = 'ab' OR file:hashes.MD5 = 'cd']");
  assert.deepEqual(
    hashes[0].map((c) => c[0].path),
    ['hashes.SHA-256', 'hashes.MD5'],
  );
});

test('a list starting with [v6]:port or a Markdown link is text, not JSON', async () => {
  const list = await readIndicatorsFromText('[2606:4700::1]:443\nevil.example.com\n', 'list.txt');
  assert.deepEqual(keys(list.indicators), ['domain evil.example.com', 'ipv6 2606:4700::1:443']);
  const md = await readIndicatorsFromText(
    '[report](hxxps://evil[.]example[.]com/x) names the C2.\n',
    'md.txt',
  );
  assert.deepEqual(keys(md.indicators), ['url https://evil.example.com/x']);
  const json = await readIndicatorsFromText('[1, 2]', 'numbers.json');
  assert.match(json.errors[0], /JSON, but not a recognised format/);
});
