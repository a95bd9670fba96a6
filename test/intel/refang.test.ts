import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defang, isDefanged, refang } from '../../src/intel/refang.js';

test('refang undoes every common defang style', () => {
  const cases: [string, string][] = [
    ['hxxp://evil[.]com/a', 'http://evil.com/a'],
    ['hXXp://evil[.]com', 'http://evil.com'],
    ['hxxps://evil(.)com', 'https://evil.com'],
    ['HXXPS://evil{.}com', 'https://evil.com'],
    ['h**p://evil[dot]com', 'http://evil.com'],
    ['fxp://files[DOT]evil[.]com', 'ftp://files.evil.com'],
    ['http[:]//evil[.]com', 'http://evil.com'],
    ['hxxp[://]evil[.]com', 'http://evil.com'],
    ['hxxp[:]//evil[.]com', 'http://evil.com'],
    ['https://evil.com[/]path', 'https://evil.com/path'],
    ['evil\\.example\\.com', 'evil.example.com'],
    ['user[at]evil[.]com', 'user@evil.com'],
    ['user[@]evil(dot)com', 'user@evil.com'],
    ['104[.]21[.]9[.]66:443', '104.21.9.66:443'],
    ['[2606:4700::1]:443', '[2606:4700::1]:443'],
  ];
  for (const [input, expected] of cases) assert.equal(refang(input), expected, input);
});

test('refang leaves ordinary text, paths and IPv6 brackets alone', () => {
  for (const text of [
    'C:\\Windows\\System32\\ntbackup.exe',
    'plain text, no markers',
    'HTTP://Example.com',
    '[1] see (a) {b}',
  ])
    assert.equal(refang(text), text);
  assert.equal(isDefanged('evil[.]com'), true);
  assert.equal(isDefanged('evil.com'), false);
});

test('defang gives the display form', () => {
  assert.equal(defang('104.21.9.66'), '104[.]21[.]9[.]66');
  assert.equal(defang('theponzu.com'), 'theponzu[.]com');
  assert.equal(defang('https://sc88884.com/a.php'), 'hxxps://sc88884[.]com/a.php');
  assert.equal(defang('http://x.example.org'), 'hxxp://x[.]example[.]org');
  assert.equal(defang('ftp://files.example.com/x'), 'fxp://files[.]example[.]com/x');
  assert.equal(defang('ops@evil.com'), 'ops[@]evil[.]com');
  assert.equal(defang('d41d8cd98f00b204e9800998ecf8427e'), 'd41d8cd98f00b204e9800998ecf8427e');
  assert.equal(defang('2001:db8::1'), '2001:db8::1');
  assert.equal(defang('constructor://evil.example.com/'), 'constructor://evil[.]example[.]com/');
});
