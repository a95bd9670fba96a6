import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Flag } from '../../src/intel/types.js';
import {
  checkDomain,
  checkHash,
  checkIp,
  flagsFor,
  listWarninglists,
  loadWarninglists,
  type Warninglist,
  WarninglistIndex,
} from '../../src/intel/warninglists/index.js';

const lists = (flags: Flag[]) => flags.map((f) => f.list).sort();
const only = (flags: Flag[], list: string) => {
  const hit = flags.filter((f) => f.list === list);
  assert.equal(hit.length, 1, `expected exactly one '${list}' flag, got ${JSON.stringify(flags)}`);
  return hit[0];
};

describe('the seed indicators', () => {
  test('104.21.9.66 is Cloudflare 104.16.0.0/13', () => {
    const flags = checkIp('104.21.9.66');
    assert.deepEqual(flags, [
      {
        list: 'cloudflare',
        category: 'shared-infrastructure',
        reason: 'Cloudflare anycast range 104.16.0.0/13 — shared by many sites',
      },
    ]);
  });

  for (const ip of ['172.67.159.51', '172.67.208.215']) {
    test(`${ip} is Cloudflare 172.64.0.0/13`, () => {
      const flag = only(checkIp(ip), 'cloudflare');
      assert.equal(flag.category, 'shared-infrastructure');
      assert.match(flag.reason, /^Cloudflare anycast range 172\.64\.0\.0\/13 — /);
    });
  }

  test('the seed domains carry no flag', () => {
    for (const domain of ['airtellwireless.it.com', 'theponzu.com', 'sc88884.com']) {
      assert.deepEqual(flagsFor({ type: 'domain', value: domain, host: null }), [], domain);
    }
  });
});

describe('IP ranges', () => {
  test('IPv6 Cloudflare ranges are flagged', () => {
    assert.match(only(checkIp('2606:4700:10::6816:942'), 'cloudflare').reason, /2606:4700::\/32/);
    assert.match(
      only(checkIp('2a06:98c7:ffff:ffff:ffff:ffff:ffff:ffff'), 'cloudflare').reason,
      /2a06:98c0::\/29/,
    );
    assert.deepEqual(checkIp('2a06:98c8::'), []);
  });

  test('first and last address of a range are in it; one past either end is not', () => {
    assert.equal(only(checkIp('172.64.0.0'), 'cloudflare').reason.includes('172.64.0.0/13'), true);
    assert.equal(only(checkIp('172.71.255.255'), 'cloudflare').reason.includes('172.64.0.0/13'), true);
    assert.deepEqual(checkIp('172.72.0.0'), []);
    assert.deepEqual(checkIp('172.63.255.255'), []);
    assert.match(only(checkIp('198.41.255.255'), 'cloudflare').reason, /198\.41\.128\.0\/17/);
    assert.deepEqual(checkIp('198.42.0.0'), []);
    assert.deepEqual(checkIp('198.41.127.255'), []);
  });

  test('ranges at the very ends of the address space', () => {
    assert.match(only(checkIp('0.0.0.0'), 'reserved-ranges').reason, /0\.0\.0\.0\/8/);
    assert.match(only(checkIp('255.255.255.255'), 'reserved-ranges').reason, /255\.255\.255\.255\/32/);
    assert.match(only(checkIp('255.255.255.254'), 'reserved-ranges').reason, /240\.0\.0\.0\/4/);
    assert.match(only(checkIp('::'), 'reserved-ranges').reason, /::\/128/);
    assert.match(only(checkIp('ff02::1'), 'reserved-ranges').reason, /ff00::\/8/);
  });

  test('an IP on several lists gets every flag', () => {
    assert.deepEqual(lists(checkIp('8.8.8.8')), ['google', 'public-dns-resolvers']);
    assert.deepEqual(lists(checkIp('2001:4860:4860::8888')), ['google', 'public-dns-resolvers']);
    assert.deepEqual(lists(checkIp('2606:4700:4700::1111')), ['cloudflare', 'public-dns-resolvers']);
  });

  test('other CDNs and clouds are flagged shared-infrastructure', () => {
    assert.match(only(checkIp('151.101.1.69'), 'fastly').reason, /^Fastly CDN edge range 151\.101\.0\.0\/16/);
    assert.match(only(checkIp('2a04:4e42::1'), 'fastly').reason, /2a04:4e42::\/32/);
    assert.match(
      only(checkIp('13.32.1.1'), 'amazon-cloudfront').reason,
      /^Amazon CloudFront edge range 13\.32\.0\.0\/15/,
    );
    assert.match(only(checkIp('142.250.74.78'), 'google').reason, /142\.250\.0\.0\/15/);
    for (const ip of ['151.101.1.69', '13.32.1.1', '142.250.74.78']) {
      assert.ok(
        checkIp(ip).every((f) => f.category === 'shared-infrastructure'),
        ip,
      );
    }
  });

  test('an IPv4-mapped IPv6 address is checked as its IPv4 address', () => {
    assert.match(only(checkIp('::ffff:104.21.9.66'), 'cloudflare').reason, /104\.16\.0\.0\/13/);
  });

  test('text that is not an address gets no flag and does not throw', () => {
    for (const junk of [
      '',
      'not-an-ip',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '1..2.3',
      ':::',
      '[',
      '104.21.9.66/13',
    ]) {
      assert.deepEqual(checkIp(junk), [], JSON.stringify(junk));
    }
  });
});

describe('categories', () => {
  test('reserved ranges name their RFC', () => {
    const cases: [string, RegExp][] = [
      ['10.1.2.3', /RFC 1918/],
      ['172.16.0.1', /RFC 1918/],
      ['192.168.1.1', /RFC 1918/],
      ['127.0.0.1', /RFC 1122/],
      ['169.254.169.254', /RFC 3927/],
      ['100.64.0.1', /RFC 6598/],
      ['192.0.2.10', /TEST-NET-1.*RFC 5737/],
      ['198.51.100.7', /TEST-NET-2.*RFC 5737/],
      ['203.0.113.99', /TEST-NET-3.*RFC 5737/],
      ['224.0.0.251', /multicast.*RFC 5771/],
      ['2001:db8::1', /RFC 3849/],
      ['fd12:3456::1', /RFC 4193/],
      ['fe80::1', /link-local.*RFC 4291/],
      ['::1', /loopback.*RFC 4291/],
    ];
    for (const [ip, rfc] of cases) {
      const flag = only(checkIp(ip), 'reserved-ranges');
      assert.equal(flag.category, 'reserved', ip);
      assert.match(flag.reason, rfc, ip);
    }
  });

  test('public DNS resolvers are benign', () => {
    for (const ip of ['1.1.1.1', '1.0.0.1', '9.9.9.9', '149.112.112.112', '208.67.222.222', '2620:fe::fe']) {
      const flag = only(checkIp(ip), 'public-dns-resolvers');
      assert.equal(flag.category, 'benign', ip);
      assert.match(flag.reason, /^public DNS resolver /, ip);
    }
  });

  test('dynamic-DNS zones: a subdomain matches, a look-alike does not', () => {
    const flag = only(checkDomain('x.duckdns.org'), 'dynamic-dns');
    assert.equal(flag.category, 'dynamic-dns');
    assert.match(flag.reason, /duckdns\.org/);
    for (const name of [
      'a.b.ddns.net',
      'c2.no-ip.biz',
      'evil.hopto.org',
      'x.zapto.org',
      'y.sytes.net',
      'duckdns.org',
    ]) {
      assert.equal(only(checkDomain(name), 'dynamic-dns').category, 'dynamic-dns', name);
    }
    for (const name of [
      'duckdns.org.evil.com',
      'notduckdns.org',
      'duckdns.org-evil.com',
      'xduckdns.org',
      'org',
    ]) {
      assert.deepEqual(checkDomain(name), [], name);
    }
  });

  test('tenant zones of hosting and tunnelling services are shared infrastructure, not benign', () => {
    for (const name of [
      'evil.workers.dev',
      'x.pages.dev',
      'abc123.ngrok.io',
      'app.herokuapp.com',
      'x.azurewebsites.net',
    ]) {
      const flags = checkDomain(name);
      assert.deepEqual(lists(flags), ['hosting-suffixes'], name);
      assert.equal(flags[0].category, 'shared-infrastructure', name);
    }
  });

  test('well-known vendor domains are benign, subdomains included', () => {
    for (const name of [
      'microsoft.com',
      'download.windowsupdate.com',
      'www.google.com',
      'github.com',
      'apple.com',
    ]) {
      assert.equal(only(checkDomain(name), 'benign-domains').category, 'benign', name);
    }
    assert.deepEqual(checkDomain('microsoft.com.evil.net'), []);
    assert.deepEqual(checkDomain('notmicrosoft.com'), []);
  });

  test('hashes of the empty file are benign, any case', () => {
    assert.match(only(checkHash('d41d8cd98f00b204e9800998ecf8427e'), 'empty-file-hashes').reason, /^MD5 /);
    assert.match(
      only(checkHash('DA39A3EE5E6B4B0D3255BFEF95601890AFD80709'), 'empty-file-hashes').reason,
      /^SHA-1 /,
    );
    const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    assert.equal(flagsFor({ type: 'sha256', value: sha256, host: null })[0].category, 'benign');
    assert.deepEqual(checkHash('d41d8cd98f00b204e9800998ecf8427f'), []);
  });
});

describe('flagsFor by indicator type', () => {
  test('domains ignore case and a trailing dot', () => {
    assert.deepEqual(lists(checkDomain('X.DuckDNS.Org.')), ['dynamic-dns']);
  });

  test('URL hosts: IPv4, bracketed IPv6, domain, and host taken from the URL when missing', () => {
    assert.deepEqual(
      lists(flagsFor({ type: 'url', value: 'http://104.21.9.66/gate.php', host: '104.21.9.66' })),
      ['cloudflare'],
    );
    assert.deepEqual(
      lists(flagsFor({ type: 'url', value: 'https://[2606:4700::1]/', host: '[2606:4700::1]' })),
      ['cloudflare'],
    );
    assert.deepEqual(lists(flagsFor({ type: 'url', value: 'https://2606:4700::1/', host: '2606:4700::1' })), [
      'cloudflare',
    ]);
    assert.deepEqual(
      lists(flagsFor({ type: 'url', value: 'http://c2.duckdns.org:8080/x', host: 'c2.duckdns.org' })),
      ['dynamic-dns'],
    );
    assert.deepEqual(lists(flagsFor({ type: 'url', value: 'http://evil.workers.dev/a', host: null })), [
      'hosting-suffixes',
    ]);
    assert.deepEqual(flagsFor({ type: 'url', value: 'not a url', host: null }), []);
  });

  test('e-mail addresses are checked by their domain', () => {
    assert.deepEqual(lists(flagsFor({ type: 'email', value: 'ops@c2.ddns.net', host: null })), [
      'dynamic-dns',
    ]);
    assert.deepEqual(flagsFor({ type: 'email', value: 'ceo@theponzu.com', host: null }), []);
  });

  test('each call returns a fresh array with immutable flags', () => {
    const first = checkIp('104.21.9.66');
    first.push({ list: 'x', category: 'benign', reason: 'x' });
    assert.throws(() => {
      (first[0] as { reason: string }).reason = 'changed';
    }, TypeError);
    assert.deepEqual(lists(checkIp('104.21.9.66')), ['cloudflare']);
  });
});

describe('listWarninglists', () => {
  test('summarises every bundled list with its source, date and size', () => {
    const summaries = listWarninglists();
    const files = loadWarninglists();
    assert.deepEqual(
      summaries.map((s) => s.name),
      files.map((f) => f.name),
    );
    for (const [i, summary] of summaries.entries()) {
      assert.equal(summary.entries, files[i].entries.length, summary.name);
      assert.match(summary.source, /^https?:\/\//, summary.name);
      assert.match(summary.retrieved, /^\d{4}-\d{2}-\d{2}$/, summary.name);
    }
    const names = summaries.map((s) => s.name);
    for (const required of ['cloudflare', 'fastly', 'amazon-cloudfront', 'google', 'public-dns-resolvers']) {
      assert.ok(names.includes(required), required);
    }
    assert.deepEqual(
      new Set(summaries.map((s) => s.category)),
      new Set(['shared-infrastructure', 'benign', 'reserved', 'dynamic-dns']),
    );
  });
});

describe('WarninglistIndex over custom lists', () => {
  const base = { description: 'd', source: 'https://example.org/', retrieved: '2026-01-01' } as const;
  const nested: Warninglist = {
    ...base,
    name: 'nested',
    category: 'reserved',
    type: 'cidr',
    reason: 'range {entry}',
    entries: ['10.0.0.0/8', '10.1.0.0/16', { value: '10.1.2.0/24', reason: 'special {entry}' }],
  };
  const other: Warninglist = {
    ...base,
    name: 'other',
    category: 'benign',
    type: 'cidr',
    reason: 'o {entry}',
    entries: ['10.0.0.0/9'],
  };
  const hosts: Warninglist = {
    ...base,
    name: 'hosts',
    category: 'benign',
    type: 'hostname',
    reason: 'host {entry}',
    entries: ['exact.example.com'],
  };

  test('one flag per list, from its most specific range; entry reasons override the list reason', () => {
    const index = new WarninglistIndex([nested, other]);
    assert.deepEqual(index.checkIp('10.1.2.3'), [
      { list: 'nested', category: 'reserved', reason: 'special 10.1.2.0/24' },
      { list: 'other', category: 'benign', reason: 'o 10.0.0.0/9' },
    ]);
    assert.deepEqual(
      index.checkIp('10.1.3.1').map((f) => f.reason),
      ['range 10.1.0.0/16', 'o 10.0.0.0/9'],
    );
    assert.deepEqual(
      index.checkIp('10.200.0.1').map((f) => f.reason),
      ['range 10.0.0.0/8'],
    );
  });

  test('hostname lists match the exact name only', () => {
    const index = new WarninglistIndex([hosts]);
    assert.equal(index.checkDomain('exact.example.com').length, 1);
    assert.deepEqual(index.checkDomain('sub.exact.example.com'), []);
    assert.deepEqual(index.checkDomain('example.com'), []);
  });

  test('two lists with one name are rejected', () => {
    assert.throws(() => new WarninglistIndex([nested, { ...other, name: 'nested' }]), /used twice/);
  });
});
