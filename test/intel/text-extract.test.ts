import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findIndicators } from '../../src/intel/readers/text.js';
import { refang } from '../../src/intel/refang.js';

const found = (line: string) =>
  findIndicators(refang(line), line).map(
    (f) => `${f.kind} ${f.value}${f.port === undefined ? '' : `:${f.port}`}`,
  );

test('addresses with and without ports, next to punctuation', () => {
  assert.deepEqual(found('dst:1.2.3.4:443 and ::ffff:5.6.7.8'), ['ip 1.2.3.4:443', 'ip ::ffff:5.6.7.8']);
  assert.deepEqual(found('C2 (104[.]21[.]9[.]66:443), then 9.9.9.9.'), ['ip 104.21.9.66:443', 'ip 9.9.9.9']);
  assert.deepEqual(found('[2606:4700::1]:8443 or 2606:4700::2'), ['ip 2606:4700::1:8443', 'ip 2606:4700::2']);
});

test('file names, paths, versions and times are not indicators', () => {
  for (const line of [
    'C:\\Windows\\System32\\ntbackup.exe /backup',
    'certutil.exe -addstore; msiexec.exe /i',
    'see report.pdf and invoice.zip, install.sh, README.md',
    'runtime v2.0.50727 at 10:31:22 e.g. i.e.',
    '/usr/local/share/evil.com/config',
  ])
    assert.deepEqual(found(line), [], line);
});

test('a defanged token is an indicator even when it looks like a file name', () => {
  assert.deepEqual(found('download invoice[.]zip now'), ['domain invoice.zip']);
  assert.deepEqual(found('bad host evil[.]notatld'), ['domain evil.notatld']);
});

test('URLs are cut at closing punctuation and unbalanced brackets; their hosts are not extra domains', () => {
  assert.deepEqual(found('(see hxxps://evil[.]com/a_(b)/c).'), ['url https://evil.com/a_(b)/c']);
  assert.deepEqual(found('[link](http://x.example.org/p?q=1)'), ['url http://x.example.org/p?q=1']);
  assert.deepEqual(found('mail ops[at]evil[.]com or <user@example.org>'), [
    'email ops@evil.com',
    'email user@example.org',
  ]);
});

test('hashes of the three lengths, case-insensitive, not inside longer hex', () => {
  assert.deepEqual(
    found('md5 D41D8CD98F00B204E9800998ECF8427E sha1 aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d'),
    ['hash D41D8CD98F00B204E9800998ECF8427E', 'hash aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d'],
  );
  assert.deepEqual(found(`${'a'.repeat(48)}`), []);
});
