import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readIndicators, readIndicatorsFromText } from '../../src/intel/read.js';
import { find, fixture, keys } from './helpers.js';

test('ThreatFox API JSON: records, aliases, ids, clamped confidence, rejected records with reasons', async () => {
  const r = await readIndicators([fixture('threatfox-api.json')]);
  assert.deepEqual(r.formats, [{ input: fixture('threatfox-api.json'), format: 'threatfox-api' }]);
  assert.deepEqual(keys(r.indicators), [
    'domain theponzu.com',
    'ipv4 104.21.9.66:443',
    'ipv6 2606:4700:3033::6815:942:8443',
    'sha256 cf87c474b0154c536cdf0e771c8ca97d9c4ba1d5530f669b677cd3b9346fe37d',
    'url https://188.131.211.152/activity',
  ]);
  const ip = find(r.indicators, '104.21.9.66', 443);
  assert.equal(ip.malware, 'Nanocore RAT');
  assert.deepEqual(ip.malwareIds, ['win.nanocore']);
  assert.deepEqual(ip.malwareAliases, ['nancrat', 'nanocore']);
  assert.equal(ip.threatType, 'botnet_cc');
  assert.equal(ip.firstSeen, '2026-04-25T08:12:01Z');
  assert.equal(ip.lastSeen, '2026-04-26T10:00:00Z');
  assert.deepEqual(ip.tags, ['NanoCore', 'RAT']);
  assert.equal(ip.sources[0].location, `${fixture('threatfox-api.json')}#1400001`);
  assert.equal(ip.sources[0].reporter, 'abuse_ch');
  assert.equal(find(r.indicators, '2606:4700:3033::6815:942', 8443).confidence, 100);
  const url = find(r.indicators, 'https://188.131.211.152/activity');
  assert.equal(url.host, '188.131.211.152');
  assert.deepEqual(url.tags, ['CobaltStrike', 'Cobalt Strike']);
  assert.deepEqual(
    r.rejected.map((x) => [x.location.split('#')[1], x.reason]),
    [
      [
        '1400003',
        "indicator type 'sha3_384_hash' is not supported (supported: ipv4, ipv6, domain, url, md5, sha1, sha256, email)",
      ],
      ['1400004', 'record has no ioc value'],
    ],
  );
});

test('ThreatFox API error status is a clear error, not an empty result', async () => {
  const r = await readIndicators([fixture('threatfox-api-error.json')]);
  assert.equal(r.indicators.length, 0);
  assert.equal(r.errors.length, 1);
  assert.match(
    r.errors[0],
    /threatfox-api-error\.json: ThreatFox API answered query_status 'illegal_search_term': Your search term is not valid/,
  );
});

test('ThreatFox JSON export: keyed by id, several records per id merged, null/empty fields', async () => {
  const r = await readIndicators([fixture('threatfox-export.json')]);
  assert.equal(r.formats[0].format, 'threatfox-json');
  assert.deepEqual(keys(r.indicators), [
    'domain anefank.mom',
    'ipv4 111.170.148.132:10086',
    'url http://vlxx.bz/wp-content/x.php?a=1,b=2',
  ]);
  const merged = find(r.indicators, '111.170.148.132', 10086);
  assert.equal(merged.malware, 'Nanocore RAT', 'unknown malware does not win over a named family');
  assert.equal(merged.confidence, 90);
  assert.equal(merged.firstSeen, '2026-01-15T06:00:00Z');
  assert.equal(merged.lastSeen, '2026-03-01T00:00:00Z');
  assert.deepEqual(
    merged.sources.map((s) => s.location.split('#')[1]),
    ['1876555/0', '1876555/1'],
  );
  assert.deepEqual(find(r.indicators, 'anefank.mom').tags, ['SideWinder', 'apt']);
  assert.equal(r.rejected.length, 1);
  assert.match(r.rejected[0].location, /#1999999$/);
});

test('ThreatFox CSV 2024 export: banner, commented header, ", " separators, None nulls, commas in URLs, trailer', async () => {
  const r = await readIndicators([fixture('threatfox-2024.csv')]);
  assert.equal(r.formats[0].format, 'threatfox-csv');
  assert.deepEqual(r.rejected, []);
  assert.deepEqual(keys(r.indicators), [
    'ipv4 172.245.184.135:8888',
    'ipv4 8.134.12.90:7777',
    'ipv4 8.223.20.63:443',
    'url http://rocheholding.top/rudolph/five/fre.php',
    'url https://drfitness.fit/path?q=a,b',
  ]);
  const loki = find(r.indicators, 'http://rocheholding.top/rudolph/five/fre.php');
  assert.equal(loki.malware, 'Loki Password Stealer (PWS)');
  assert.equal(loki.lastSeen, '2024-07-16T08:11:39Z');
  assert.equal(loki.sources[0].location, `${fixture('threatfox-2024.csv')}:10`);
  assert.match(loki.sources[0].reference ?? '', /^https:\/\/bazaar\.abuse\.ch\/sample\//);
  const cs = find(r.indicators, '8.134.12.90', 7777);
  assert.equal(cs.lastSeen, null);
  assert.equal(cs.sources[0].reference, undefined, "'None' reference is no reference");
  assert.deepEqual(cs.tags, ['CobaltStrike', 'cs-watermark-987654321']);
  assert.deepEqual(find(r.indicators, 'https://drfitness.fit/path?q=a,b').tags, []);
});

test('ThreatFox CSV 2026 export: is_compromised moves columns, CRLF, quoted quotes, bad rows rejected with line numbers', async () => {
  const file = fixture('threatfox-2026-crlf.csv');
  const r = await readIndicators([file]);
  assert.deepEqual(keys(r.indicators), [
    'domain airtellwireless.it.com',
    'domain cache-dist-5.vitagrazia.in.net',
    'ipv4 104.21.9.66:443',
    'ipv4 172.67.159.51:443',
    'url http://evil.example.com/a",b',
  ]);
  // Columns after is_compromised are read by name: reference, tags, reporter land in place.
  const ip = find(r.indicators, '172.67.159.51', 443);
  assert.equal(ip.sources[0].reference, 'https://threatfox.abuse.ch/ioc/1400007/');
  assert.equal(ip.sources[0].reporter, 'abuse_ch');
  assert.equal(ip.lastSeen, '2026-04-26T00:00:00Z');
  assert.deepEqual(find(r.indicators, 'http://evil.example.com/a",b').tags, ['quoted', '"tag"']);
  assert.equal(find(r.indicators, 'cache-dist-5.vitagrazia.in.net').malwareAliases.length, 0);
  assert.deepEqual(
    r.rejected.map((x) => [x.location, x.reason]),
    [
      [`${file}:11`, 'not a well-formed CSV row'],
      [
        `${file}:12`,
        "indicator type 'sha3_384_hash' is not supported (supported: ipv4, ipv6, domain, url, md5, sha1, sha256, email)",
      ],
    ],
  );
  assert.ok(r.rejected.every((x) => x.raw.length <= 120 && !x.raw.includes('\r')));
});

test('STIX 2.1: network-traffic ip:port, OR lists, hashes, url, ipv6, email; family via indicates; bad ones rejected', async () => {
  const r = await readIndicators([fixture('stix-bundle.json')]);
  assert.equal(r.formats[0].format, 'stix');
  assert.deepEqual(keys(r.indicators), [
    'domain sc88884.com',
    'domain theponzu.com',
    'email operator@theponzu.com',
    'ipv4 104.21.9.66:443',
    'ipv4 172.67.208.215',
    'ipv6 2606:4700:3033::6815:942',
    'md5 d41d8cd98f00b204e9800998ecf8427e',
    'sha256 aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f',
    'url http://evil.example.com/Gate.php?id=1',
  ]);
  const c2 = find(r.indicators, '104.21.9.66', 443);
  assert.equal(c2.malware, 'NanoCore');
  assert.deepEqual(c2.malwareAliases, ['nancrat', 'nanocore rat']);
  assert.equal(c2.confidence, 100);
  assert.equal(c2.firstSeen, '2026-04-25T08:12:01Z');
  assert.equal(c2.validUntil, '2026-10-25T00:00:00Z');
  assert.deepEqual(c2.tags, ['NanoCore', 'c2']);
  assert.equal(find(r.indicators, 'sc88884.com').malware, 'NanoCore');
  assert.equal(find(r.indicators, 'd41d8cd98f00b204e9800998ecf8427e').malware, null);
  const reasons = r.rejected.map((x) => x.reason);
  assert.deepEqual(reasons, [
    "'112.64.0.0/15' is a CIDR range, not a single address",
    "pattern_type 'yara' is not supported (only stix patterns)",
    'pattern does not parse: unterminated string',
    'indicator is revoked',
  ]);
  assert.match(r.rejected[0].location, /#indicator--7f0cb5d4-1b7a-4bd9-8f3d-7a1c2b3d4e5f$/);
});

test('MISP event: attributes and object attributes, composite values, to_ids honoured, galaxy family', async () => {
  const r = await readIndicators([fixture('misp-event.json')]);
  assert.equal(r.formats[0].format, 'misp');
  assert.deepEqual(keys(r.indicators), [
    'domain airtellwireless.it.com',
    'domain c2.theponzu.com',
    'domain nanocore-panel.duckdns.org',
    'domain sc88884.com',
    'email invoice@airtellwireless.it.com',
    'ipv4 104.21.9.66:443',
    'ipv4 172.67.159.51',
    'ipv4 172.67.208.215',
    'ipv4 45.133.1.7',
    'ipv6 2001:db8::1:8443',
    'md5 5d41402abc4b2a76b9719d911017c592',
    'sha1 aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d',
    'sha256 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    'url https://sc88884.com/panel/Login.php',
  ]);
  const ip = find(r.indicators, '172.67.159.51');
  assert.equal(ip.malware, 'NanoCore');
  assert.deepEqual(ip.tags, ['tlp:green', 'c2']);
  assert.equal(ip.firstSeen, '2026-04-25T00:00:00Z');
  assert.equal(find(r.indicators, 'airtellwireless.it.com').firstSeen, '2026-04-20T08:00:00Z');
  assert.deepEqual(
    r.rejected.map((x) => x.reason),
    [
      'to_ids is false: not marked for detection',
      "MISP attribute type 'sha512' is not supported",
      "port '99999' is not 1–65535",
    ],
  );
  assert.ok(!keys(r.indicators).some((k) => k.includes('google.com') || k.includes('deleted.example.com')));
});

test('plain list: comments, defanged values, inline comments; every bad line rejected with its line', async () => {
  const file = fixture('plain-list.txt');
  const r = await readIndicators([file]);
  assert.equal(r.formats[0].format, 'plain-list');
  assert.deepEqual(keys(r.indicators), [
    'domain airtellwireless.it.com',
    'domain theponzu.com',
    'ipv4 104.21.9.66:443',
    'ipv6 2606:4700:3033::6815:942:443',
    'md5 d41d8cd98f00b204e9800998ecf8427e',
    'url https://sc88884.com/gate.php',
  ]);
  assert.deepEqual(
    r.rejected.map((x) => x.location),
    [`${file}:7`, `${file}:8`, `${file}:10`],
  );
});

test('Markdown report: refangs every style, reads the table columns and family, skips file names', async () => {
  const r = await readIndicators([fixture('report.md')]);
  assert.equal(r.formats[0].format, 'text');
  assert.deepEqual(keys(r.indicators), [
    'domain evil.example.net',
    'domain theponzu.com',
    'email admin@sc88884.com',
    'ipv4 104.21.9.66:443',
    'url ftp://files.sc88884.com/nano.exe',
    'url http://blog.example.org/nanocore-2026',
    'url https://airtellwireless.it.com/Panel/Login.php',
  ]);
  assert.ok(r.indicators.every((i) => i.malware === 'Nanocore RAT'));
  const ip = find(r.indicators, '104.21.9.66', 443);
  assert.equal(ip.confidence, 100);
  assert.equal(ip.threatType, 'botnet_cc');
  assert.equal(ip.firstSeen, '2026-04-25T00:00:00Z');
  const domain = find(r.indicators, 'theponzu.com');
  assert.equal(domain.confidence, 75);
  assert.equal(domain.sources.length, 2, 'prose mention and table row are one indicator');
  assert.equal(find(r.indicators, 'evil.example.net').threatType, 'payload_delivery');
  // Only the defanged, broken value is reported; prose words like Node.js or invoice.zip are not.
  assert.deepEqual(
    r.rejected.map((x) => x.reason),
    ["URL host: '.notatld' is not a public top-level domain"],
  );
});

test('HTML report: tags, entities, tables, scripts and comments', async () => {
  const r = await readIndicators([fixture('report.html')]);
  assert.deepEqual(keys(r.indicators), [
    'domain theponzu.com',
    'ipv4 172.67.159.51:443',
    'sha256 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    'url http://sc88884.com/a?x=1&y=2',
  ]);
  assert.equal(find(r.indicators, '172.67.159.51', 443).confidence, 100);
  assert.equal(find(r.indicators, 'http://sc88884.com/a?x=1&y=2').confidence, 90);
  assert.ok(r.indicators.every((i) => i.malware === 'Nanocore RAT'));
});

test('e-mail: headers skipped, quoted-printable decoded across soft line breaks', async () => {
  const r = await readIndicators([fixture('phish.eml')]);
  assert.deepEqual(keys(r.indicators), [
    'domain airtellwireless.it.com',
    'ipv4 172.67.208.215:443',
    'url https://sc88884.com/very/long/path/that/was/wrapped/by/the/mail/client/payload.bin',
  ]);
});

test('PDF-extracted text: page furniture, times and version numbers are not indicators', async () => {
  const r = await readIndicators([fixture('pdf-extract.txt')]);
  assert.deepEqual(keys(r.indicators), [
    'domain theponzu.com',
    'ipv4 104.21.9.66:443',
    'ipv6 2606:4700:3033::6815:942',
    'sha256 aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f',
  ]);
});

test('hostile values (quotes, newlines, HTML) are kept as data, never break the read', async () => {
  const r = await readIndicators([fixture('hostile.json')]);
  assert.equal(r.indicators.length, 1);
  const [i] = r.indicators;
  assert.equal(i.malware, `Evil "RAT" <script>alert('x')</script> | drop`);
  assert.equal(i.threatType, 'botnet_cc" | DROP');
  assert.deepEqual(i.malwareAliases, ['a\nb', "'quoted'", '<b>bold</b>']);
  assert.ok(i.tags.includes('line\nbreak'));
});

test('JSON keys named like object methods (toString, valueOf) are data, not an internal error', async () => {
  // `String({"toString": false})` throws; a feed may carry such keys by accident or on purpose.
  const methodKeyed = { toString: false, valueOf: { x: 1 } };
  const stix = await readIndicatorsFromText(
    JSON.stringify({
      type: 'bundle',
      objects: [
        { type: 'indicator', id: 'indicator--a', pattern: methodKeyed },
        { type: 'indicator', id: 'indicator--b', pattern: "[domain-name:value = 'theponzu.com']" },
        { type: 'malware', id: 'malware--m', name: 'NanoCore' },
        {
          type: 'relationship',
          relationship_type: 'indicates',
          source_ref: 'indicator--b',
          target_ref: methodKeyed,
        },
      ],
    }),
    'stix.json',
  );
  assert.deepEqual(stix.errors, []);
  assert.deepEqual(keys(stix.indicators), ['domain theponzu.com']);
  assert.deepEqual(
    stix.rejected.map((x) => [x.location, x.reason, x.raw]),
    [['stix.json#indicator--a', 'indicator has no pattern', '{"toString":false,"valueOf":{"x":1}}']],
  );

  const misp = await readIndicatorsFromText(
    JSON.stringify({
      Event: {
        Galaxy: [{ type: methodKeyed, GalaxyCluster: [{ type: 'malpedia', value: 'NanoCore' }] }],
        Attribute: [{ type: 'domain', value: 'theponzu.com', to_ids: true }],
      },
    }),
    'misp.json',
  );
  assert.deepEqual(misp.errors, []);
  assert.equal(find(misp.indicators, 'theponzu.com').malware, 'NanoCore');

  const api = await readIndicatorsFromText(
    JSON.stringify({ query_status: methodKeyed, data: [] }),
    'api.json',
  );
  assert.deepEqual(api.errors, [
    `api.json: ThreatFox API answered query_status '{"toString":false,"valueOf":{"x":1}}'`,
  ]);
  const exported = await readIndicatorsFromText(
    JSON.stringify({
      1400001: [{ ioc_value: methodKeyed, ioc_type: 'domain', malware_printable: methodKeyed }],
      1400002: [
        { ioc_value: 'theponzu.com', ioc_type: 'domain', tags: methodKeyed, confidence_level: methodKeyed },
      ],
    }),
    'export.json',
  );
  assert.deepEqual(exported.errors, []);
  assert.deepEqual(keys(exported.indicators), ['domain theponzu.com']);
  assert.deepEqual(
    exported.rejected.map((x) => [x.location, x.reason]),
    [['export.json#1400001', 'record has no ioc value']],
  );
});

test('type names every object inherits (constructor, __proto__, toString) are unknown types', async () => {
  const misp = await readIndicatorsFromText(
    JSON.stringify({
      Event: {
        Attribute: ['__proto__', 'constructor', 'toString'].map((type) => ({
          type,
          value: 'evil.example.com',
          to_ids: true,
        })),
      },
    }),
    'misp.json',
  );
  assert.deepEqual(misp.indicators, []);
  assert.deepEqual(
    misp.rejected.map((x) => x.reason),
    [
      "MISP attribute type '__proto__' is not supported",
      "MISP attribute type 'constructor' is not supported",
      "MISP attribute type 'tostring' is not supported",
    ],
  );
  const stix = await readIndicatorsFromText(
    JSON.stringify({
      type: 'bundle',
      objects: [
        { type: 'indicator', id: 'indicator--a', pattern: "[constructor:value = 'evil.example.com']" },
        {
          type: 'indicator',
          id: 'indicator--b',
          pattern: "[file:hashes.constructor = 'd41d8cd98f00b204e9800998ecf8427e']",
        },
      ],
    }),
    'stix.json',
  );
  assert.deepEqual(stix.indicators, []);
  assert.deepEqual(
    stix.rejected.map((x) => x.location),
    ['stix.json#indicator--a', 'stix.json#indicator--b'],
  );
});

test('a bad entry of a ThreatFox export or a MISP event list costs only itself', async () => {
  const good = { ioc_value: 'evil1.example.com', ioc_type: 'domain' };
  const exported = await readIndicatorsFromText(
    JSON.stringify({ 1: null, 2: [{ ioc_type: 'domain' }], 3: { ioc_value: 'x' }, 4: [good] }),
    'export.json',
  );
  assert.deepEqual(exported.formats, [{ input: 'export.json', format: 'threatfox-json' }]);
  assert.deepEqual(keys(exported.indicators), ['domain evil1.example.com']);
  assert.deepEqual(
    exported.rejected.map((x) => [x.location, x.reason]),
    [
      ['export.json#1', 'export entry is not a list of records'],
      ['export.json#2', 'record has no ioc value'],
      ['export.json#3', 'export entry is not a list of records'],
    ],
  );

  const event = { Event: { Attribute: [{ type: 'domain', value: 'evil1.example.com', to_ids: true }] } };
  for (const doc of [[{ Event: null }, event, 'x'], { response: [{}, event] }]) {
    const misp = await readIndicatorsFromText(JSON.stringify(doc), 'misp.json');
    assert.deepEqual(misp.formats, [{ input: 'misp.json', format: 'misp' }]);
    assert.deepEqual(keys(misp.indicators), ['domain evil1.example.com']);
    assert.ok(misp.rejected.every((x) => x.reason === 'list entry is not a MISP event'));
  }
  const listed = await readIndicatorsFromText(JSON.stringify([{ Event: null }, event, 'x']), 'misp.json');
  assert.deepEqual(
    listed.rejected.map((x) => [x.location, x.raw]),
    [
      ['misp.json#[0]', '{"Event":null}'],
      ['misp.json#[2]', 'x'],
    ],
  );
});

test('inputs are merged across formats in one read', async () => {
  const r = await readIndicators([
    fixture('threatfox-2026-crlf.csv'),
    fixture('stix-bundle.json'),
    fixture('misp-event.json'),
  ]);
  const ip = find(r.indicators, '104.21.9.66', 443);
  assert.deepEqual(
    ip.sources.map((s) => s.format),
    ['threatfox-csv', 'stix', 'misp'],
  );
  assert.equal(ip.malware, 'Nanocore RAT', 'the first input with a family names it');
  assert.deepEqual(ip.tags, ['NanoCore', 'RAT', 'c2', 'tlp:green']);
});

test('unreadable and unknown inputs are errors naming the file; the other inputs are still read', async () => {
  const r = await readIndicators(['/nonexistent/feed.csv', fixture('threatfox-2024.csv'), fixture('')]);
  assert.equal(r.indicators.length, 5);
  assert.deepEqual(r.errors, ['/nonexistent/feed.csv: no such file', `${fixture('')}: is a directory`]);
});
