import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonicalConfidence,
  canonicalDomain,
  canonicalIp,
  canonicalUrl,
  canonicalValue,
} from '../../src/intel/canonical.js';
import { toIsoUtc } from '../../src/intel/timestamps.js';

const value = (raw: string, hint?: string) => {
  const r = canonicalValue(raw, hint);
  return r.ok ? r.value : { reason: r.reason };
};

test('IPs: canonical text, ip:port split, IPv4-mapped IPv6 becomes IPv4, ambiguous forms rejected', () => {
  assert.deepEqual(value('104.21.9.66:443', 'ip:port'), {
    type: 'ipv4',
    value: '104.21.9.66',
    port: 443,
    host: null,
  });
  assert.deepEqual(value('[2001:DB8:0:0::1]:8443'), {
    type: 'ipv6',
    value: '2001:db8::1',
    port: 8443,
    host: null,
  });
  assert.deepEqual(value('2001:0db8::0001'), { type: 'ipv6', value: '2001:db8::1', port: null, host: null });
  assert.deepEqual(value('::ffff:45.133.1.7', 'ip-dst'), {
    type: 'ipv4',
    value: '45.133.1.7',
    port: null,
    host: null,
  });
  assert.match((value('010.1.1.1') as { reason: string }).reason, /leading zero/);
  assert.match((value('10.0.0.0/8', 'ip-dst') as { reason: string }).reason, /CIDR/);
  assert.match((value('1.2.3.4:0', 'ip:port') as { reason: string }).reason, /port '0'/);
  assert.match((value('1.2.3.4:70000', 'ip:port') as { reason: string }).reason, /port/);
  assert.equal(canonicalIp('256.1.1.1').ok, false);
});

test('domains: lowercase, trailing dot, IDN to punycode, public suffix required', () => {
  assert.deepEqual(canonicalDomain('Theponzu.COM.'), { ok: true, value: 'theponzu.com' });
  assert.deepEqual(canonicalDomain('bücher.example.de'), { ok: true, value: 'xn--bcher-kva.example.de' });
  assert.deepEqual(canonicalDomain('airtellwireless.it.com'), { ok: true, value: 'airtellwireless.it.com' });
  for (const bad of [
    'ntbackup.exe',
    'certutil.exe',
    'report.pdf',
    'co.uk',
    'localhost',
    'a..b.com',
    '-bad.com',
    'x.123',
  ])
    assert.equal(canonicalDomain(bad).ok, false, bad);
  // .zip and .mov are real TLDs: a typed feed value is a domain.
  assert.equal(canonicalDomain('invoice.zip').ok, true);
});

test('URLs: scheme and host lowercased, path case kept, default port dropped, explicit port kept', () => {
  assert.deepEqual(canonicalUrl('HTTP://Evil.Example.COM:80/Gate.PHP?a=B'), {
    ok: true,
    value: { value: 'http://evil.example.com/Gate.PHP?a=B', host: 'evil.example.com', port: null },
  });
  assert.deepEqual(canonicalUrl('https://188.131.211.152:8443'), {
    ok: true,
    value: { value: 'https://188.131.211.152:8443/', host: '188.131.211.152', port: 8443 },
  });
  assert.deepEqual(canonicalUrl('http://[2001:DB8::1]/x'), {
    ok: true,
    value: { value: 'http://[2001:db8::1]/x', host: '2001:db8::1', port: null },
  });
  // What a client sends and a proxy logs: "/" before a bare query, no user info, no fragment.
  for (const [raw, value] of [
    ['http://evil.example.com?id=1', 'http://evil.example.com/?id=1'],
    ['http://evil.example.com/login#victim@corp.com', 'http://evil.example.com/login'],
    ['https://evil.example.com#top', 'https://evil.example.com/'],
    ['http://paypal.com:secure@Evil.Example.com/x?a#b', 'http://evil.example.com/x?a'],
  ]) {
    assert.deepEqual(
      canonicalUrl(raw),
      { ok: true, value: { value, host: 'evil.example.com', port: null } },
      raw,
    );
  }
  // Other schemes keep all they were given.
  assert.deepEqual(canonicalUrl('smb://user@Files.Example.com?x#y'), {
    ok: true,
    value: { value: 'smb://user@files.example.com?x#y', host: 'files.example.com', port: null },
  });
  assert.equal(canonicalUrl('http://bad.notatld/').ok, false);
  assert.equal(canonicalUrl('not a url').ok, false);
});

test('hashes are typed by length, lowercased, and must agree with the feed type', () => {
  assert.equal((value('D41D8CD98F00B204E9800998ECF8427E') as { type: string }).type, 'md5');
  assert.equal((value('aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d') as { type: string }).type, 'sha1');
  assert.equal(
    (
      value('2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824', 'sha256_hash') as {
        value: string;
      }
    ).value,
    '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
  );
  assert.match(
    (value('d41d8cd98f00b204e9800998ecf8427e', 'sha256_hash') as { reason: string }).reason,
    /md5/,
  );
  assert.match((value('abc', 'sha3_384_hash') as { reason: string }).reason, /not supported/);
});

test('e-mail addresses are lowercased with a validated domain', () => {
  assert.deepEqual(value('Invoice@Airtellwireless.IT.com'), {
    type: 'email',
    value: 'invoice@airtellwireless.it.com',
    port: null,
    host: null,
  });
  assert.equal('reason' in (value('a@b.exe') as object), true);
});

test('timestamps become ISO 8601 UTC; impossible ones become null', () => {
  assert.equal(toIsoUtc('2026-04-25 08:12:01 UTC'), '2026-04-25T08:12:01Z');
  assert.equal(toIsoUtc('2026-04-25 08:12:01'), '2026-04-25T08:12:01Z');
  assert.equal(toIsoUtc('2026-04-25'), '2026-04-25T00:00:00Z');
  assert.equal(toIsoUtc('2026-04-20T10:00:00.000000+02:00'), '2026-04-20T08:00:00Z');
  assert.equal(toIsoUtc('2014-05-08T09:00:00.000000Z'), '2014-05-08T09:00:00Z');
  assert.equal(toIsoUtc('1777100000'), '2026-04-25T06:53:20Z');
  assert.equal(toIsoUtc('2026-02-30 00:00:00'), null);
  assert.equal(toIsoUtc('2025-02-29'), null);
  assert.equal(toIsoUtc('2024-02-29'), '2024-02-29T00:00:00Z');
  for (const empty of ['', 'None', null, undefined, {}, 'yesterday']) assert.equal(toIsoUtc(empty), null);
});

test('confidence is clamped to 0-100', () => {
  assert.equal(canonicalConfidence(140), 100);
  assert.equal(canonicalConfidence(-5), 0);
  assert.equal(canonicalConfidence('75%'), 75);
  assert.equal(canonicalConfidence('None'), null);
  assert.equal(canonicalConfidence('high'), null);
});
