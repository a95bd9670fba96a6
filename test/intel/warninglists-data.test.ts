import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import ipaddr from 'ipaddr.js';
import { validateWarninglist, type Warninglist } from '../../src/intel/warninglists/index.js';
import { entryValue } from '../../src/intel/warninglists/schema.js';
import { dataPath } from '../../src/paths.js';

const dir = dataPath('warninglists');
const files = readdirSync(dir).filter((name) => name.endsWith('.json'));
const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Warninglist;

describe('bundled warninglist files', () => {
  test('the folder holds the expected lists', () => {
    assert.ok(files.length >= 10, `only ${files.length} files`);
  });

  for (const file of files) {
    test(`${file} is valid, names its source and date, and is named after its list`, () => {
      const list = read(file);
      assert.deepEqual(validateWarninglist(list), []);
      assert.equal(`${list.name}.json`, file);
      assert.match(list.source, /^https:\/\//);
      assert.ok(Date.parse(list.retrieved) <= Date.parse('2026-12-31'), 'retrieved is a plausible date');
      if (list.type === 'cidr') {
        for (const entry of list.entries) assert.ok(ipaddr.isValidCIDR(entryValue(entry)), entryValue(entry));
      }
    });
  }

  test('Cloudflare: all 15 IPv4 and 7 IPv6 published ranges', () => {
    const values = read('cloudflare.json').entries.map(entryValue);
    const expected = [
      '173.245.48.0/20',
      '103.21.244.0/22',
      '103.22.200.0/22',
      '103.31.4.0/22',
      '141.101.64.0/18',
      '108.162.192.0/18',
      '190.93.240.0/20',
      '188.114.96.0/20',
      '197.234.240.0/22',
      '198.41.128.0/17',
      '162.158.0.0/15',
      '104.16.0.0/13',
      '104.24.0.0/14',
      '172.64.0.0/13',
      '131.0.72.0/22',
      '2400:cb00::/32',
      '2606:4700::/32',
      '2803:f800::/32',
      '2405:b500::/32',
      '2405:8100::/32',
      '2a06:98c0::/29',
      '2c0f:f248::/32',
    ];
    assert.deepEqual([...values].sort(), [...expected].sort());
  });

  test('every reserved range names its RFC', () => {
    for (const entry of read('reserved-ranges.json').entries) {
      assert.equal(typeof entry, 'object');
      assert.match((entry as { reason: string }).reason, /\(RFC \d+/, entryValue(entry));
    }
  });

  test('each category has at least one list', () => {
    const categories = new Set(files.map((file) => read(file).category));
    assert.deepEqual(categories, new Set(['shared-infrastructure', 'benign', 'reserved', 'dynamic-dns']));
  });
});

describe('validateWarninglist', () => {
  const good: Warninglist = {
    name: 'ok',
    description: 'd',
    category: 'benign',
    source: 'https://example.org/list',
    retrieved: '2026-01-02',
    type: 'cidr',
    reason: 'r {entry}',
    entries: ['192.0.2.0/24', { value: '2001:db8::/32', reason: 'x' }],
  };

  test('accepts a well-formed list', () => {
    assert.deepEqual(validateWarninglist(good), []);
  });

  test('names each problem', () => {
    const cases: [Partial<Record<keyof Warninglist, unknown>>, RegExp][] = [
      [{ source: '' }, /source is missing/],
      [{ source: 'ftp://x' }, /source is not an http/],
      [{ retrieved: '28/11/2026' }, /retrieved is not YYYY-MM-DD/],
      [{ retrieved: undefined }, /retrieved is missing/],
      [{ category: 'good' }, /category must be one of/],
      [{ type: 'regex' }, /type must be one of/],
      [{ entries: [] }, /non-empty array/],
      [{ entries: ['192.0.2.1/24'] }, /host bits set \(network is 192\.0\.2\.0\/24\)/],
      [{ entries: ['300.0.0.0/8'] }, /not a CIDR range/],
      [{ entries: ['192.0.2.0/24', '192.0.2.0/24'] }, /listed twice/],
      [{ entries: [{ reason: 'no value' }] }, /has no value/],
      [{ type: 'domain-suffix', entries: ['Evil.COM'] }, /not a lowercase hostname/],
      [{ type: 'domain-suffix', entries: ['.duckdns.org'] }, /not a lowercase hostname/],
      [{ type: 'hash', entries: ['abc'] }, /not a lowercase md5/],
      [{ name: 'Bad Name' }, /name must be lowercase/],
    ];
    for (const [change, problem] of cases) {
      const problems = validateWarninglist({ ...good, ...change });
      assert.ok(
        problems.some((p) => problem.test(p)),
        `${JSON.stringify(change)} gave ${JSON.stringify(problems)}`,
      );
    }
    assert.deepEqual(validateWarninglist([]), ['not a JSON object']);
    assert.deepEqual(validateWarninglist(null), ['not a JSON object']);
  });
});
