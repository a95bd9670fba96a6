import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderSuricata, suricataString } from '../../src/render/targets/suricata.js';
import { renderZeek, ZEEK_FIELDS } from '../../src/render/targets/zeek.js';
import { CONTEXT, HOSTILE_VALUES, hunt, indicator, seedHunts } from './targets-support.js';
import { contentBytes, parseRule, parseRulesFile, unquote } from './targets-suricata-grammar.js';

function rulesText(output: ReturnType<typeof renderSuricata>): string {
  return output.files.find((f) => f.path === 'suricata/huntforge.rules')!.content;
}

function option(rule: ReturnType<typeof parseRule>, keyword: string): string | null | undefined {
  return rule.options.find((o) => o.keyword === keyword)?.value;
}

test('the Suricata grammar check rejects broken rules (it can fail)', () => {
  const good =
    'alert dns any any -> any any (msg:"a\\;b"; dns.query; content:"x|2E|y"; nocase; sid:1; rev:1; classtype:domain-c2;)';
  assert.ok(parseRule(good));
  const broken = [
    good.replace('a\\;b', 'a;b'),
    good.replace('"x|2E|y"', '"x|2E y"'),
    good.replace('"x|2E|y"', '"x"y"'),
    good.replace('sid:1; ', ''),
    good.replace('dns.query; content', 'nocase; content'),
    good.replace('alert dns', 'alert bogus'),
    good.replace('msg:"a\\;b"', 'msg:"a\\qb"'),
    good.slice(0, -1),
  ];
  for (const rule of broken) assert.throws(() => parseRule(rule), Error, rule);
  assert.throws(() => parseRulesFile(`${good}\n${good}`), /duplicate sid/);
});

test('Suricata: every rule of the seed passes the grammar check, sids count up from the base', () => {
  const rules = parseRulesFile(rulesText(renderSuricata(seedHunts(), CONTEXT)));
  assert.equal(rules.length, 3 + 3 * 3);
  assert.deepEqual(
    rules.map((r) => Number(option(r, 'sid'))),
    rules.map((_, i) => CONTEXT.suricataSidBase! + i),
  );
  for (const rule of rules) {
    assert.equal(option(rule, 'rev'), '1');
    assert.match(
      option(rule, 'metadata')!,
      /malware_family NanoCore_RAT, source ThreatFox, created_at 2026_11_28/,
    );
  }
  const ipRule = rules.find((r) => r.destination === '104.21.9.66')!;
  assert.equal(ipRule.protocol, 'tcp');
  assert.equal(ipRule.destinationPort, '443');
  assert.equal(option(ipRule, 'classtype'), 'command-and-control');
  assert.match(option(ipRule, 'metadata')!, /huntforge_flag shared-infrastructure/);
  assert.match(unquote(option(ipRule, 'msg')!), /\[flagged\]/);
});

test('Suricata DNS/TLS/HTTP rules match the domain and its subdomains only (dotprefix + endswith)', () => {
  const rules = parseRulesFile(rulesText(renderSuricata(seedHunts(), CONTEXT)));
  const theponzu = rules.filter((r) => unquote(option(r, 'msg')!).endsWith('theponzu.com'));
  assert.deepEqual(
    theponzu.map((r) => r.options.find((o) => o.value === null)?.keyword),
    ['dns.query', 'tls.sni', 'http.host'],
  );
  for (const rule of theponzu) {
    const keywords = rule.options.map((o) => o.keyword);
    assert.ok(keywords.indexOf('dotprefix') < keywords.indexOf('content'));
    assert.ok(keywords.includes('endswith'));
    const content = contentBytes(option(rule, 'content')!).toString('utf8');
    // dotprefix prepends a dot to the buffer; endswith anchors the content at its end.
    const matches = (name: string) => `.${name}`.toLowerCase().endsWith(content.toLowerCase());
    assert.equal(matches('theponzu.com'), true);
    assert.equal(matches('x.theponzu.com'), true);
    assert.equal(matches('nottheponzu.com'), false);
    assert.equal(matches('theponzu.com.evil.net'), false);
  }
});

test('Suricata: IP rules without a port when the hunt ignores ports; behaviour and exclusions are notes', () => {
  const match = { indicatorType: 'ip' as const, ignorePort: true };
  const output = renderSuricata(
    [
      hunt('ip', [indicator('ipv6', '2001:db8::1', { port: 8443 }), indicator('ipv4', '10.0.0.0/8')], {
        match,
        exclusions: [
          {
            id: 'x',
            reason: 'r',
            scope: [],
            origin: 't',
            condition: { field: 'host', operator: 'equals', values: ['a'] },
          },
        ],
      }),
      hunt('behaviour', [], { selection: { field: 'process', operator: 'equals', values: ['a.exe'] } }),
      hunt('hash', [indicator('sha256', 'c'.repeat(64))]),
      hunt('url', [indicator('url', 'http://evil.example/a;b"c?d=|1|')]),
    ],
    CONTEXT,
  );
  const rules = parseRulesFile(rulesText(output));
  assert.deepEqual(
    rules.slice(0, 2).map((r) => [r.protocol, r.destination, r.destinationPort]),
    [
      ['ip', '10.0.0.0/8', 'any'],
      ['ip', '2001:db8::1', 'any'],
    ],
  );
  const urlRule = rules.find(
    (r) => r.protocol === 'http' && r.options.some((o) => o.keyword === 'http.uri.raw'),
  )!;
  const contents = urlRule.options
    .filter((o) => o.keyword === 'content')
    .map((o) => contentBytes(o.value!).toString());
  assert.deepEqual(contents, ['evil.example', '/a;b%22c?d=|1|']);
  assert.ok(output.files.some((f) => f.path.endsWith('.sha256.txt') && f.content === `${'c'.repeat(64)}\n`));
  assert.ok(output.notes.some((n) => /not visible to a network sensor/.test(n.message)));
  assert.ok(output.notes.some((n) => /exclusion x .* not applied in Suricata/.test(n.message)));
});

test('suricataString keeps hostile contents byte-exact and msg text on one line', () => {
  for (const value of HOSTILE_VALUES) {
    const content = suricataString(value, { hex: true });
    const msg = suricataString(value, { hex: false });
    const rule = parseRule(
      `alert dns any any -> any any (msg:${msg}; dns.query; content:${content}; sid:1; rev:1; classtype:x;)`,
    );
    assert.equal(contentBytes(option(rule, 'content')!).toString('utf8'), value);
    assert.equal(
      unquote(option(rule, 'msg')!),
      value.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' '),
    );
  }
});

test('Zeek intel file: header, five tab-separated fields, - for empty, types and URL without scheme', () => {
  const output = renderZeek(
    [
      ...seedHunts(),
      hunt('url', [indicator('url', 'https://evil.example/gate.php', { sources: [], confidence: null })]),
      hunt('hash', [indicator('md5', 'd'.repeat(32))]),
    ],
    CONTEXT,
  );
  const lines = output.files[0].content.trimEnd().split('\n');
  assert.equal(lines[0], `#fields\t${ZEEK_FIELDS.join('\t')}`);
  const rows = lines.slice(1).map((l) => l.split('\t'));
  for (const row of rows) assert.equal(row.length, 5);
  const byIndicator = new Map(rows.map((r) => [r[0], r]));
  assert.equal(byIndicator.get('104.21.9.66')![1], 'Intel::ADDR');
  assert.match(byIndicator.get('104.21.9.66')![3], /port 443; confidence 100; FLAGGED shared-infrastructure/);
  assert.equal(byIndicator.get('theponzu.com')![1], 'Intel::DOMAIN');
  assert.equal(byIndicator.get('evil.example/gate.php')![1], 'Intel::URL');
  assert.equal(byIndicator.get('evil.example/gate.php')![4], '-');
  assert.equal(byIndicator.get('d'.repeat(32))![1], 'Intel::FILE_HASH');
  assert.ok(output.notes.some((n) => /no port/.test(n.message)));
  assert.ok(output.notes.some((n) => /exact name only/.test(n.message)));
});

test('Suricata: an exclusion of client addresses leaves them out of every rule source; others are notes', () => {
  const scanner = { id: 'scanner', reason: 'vulnerability scanner', scope: [], origin: 't' };
  const output = renderSuricata(
    [
      hunt('domain', [indicator('domain', 'theponzu.com')], {
        table: 'DnsEvents',
        exclusions: [
          {
            ...scanner,
            condition: { field: 'srcIp', operator: 'cidr', values: ['10.20.0.0/16', '2001:db8:1::/48'] },
          },
          { ...scanner, id: 'user', condition: { field: 'user', operator: 'equals', values: ['svc'] } },
        ],
      }),
      hunt('hash', [indicator('md5', 'a'.repeat(32))], {
        exclusions: [{ ...scanner, condition: { field: 'srcIp', operator: 'equals', values: ['10.0.0.9'] } }],
      }),
    ],
    CONTEXT,
  );
  const rules = parseRulesFile(rulesText(output));
  assert.deepEqual(
    rules.map((r) => r.source),
    [
      '[$HOME_NET,!10.20.0.0/16,!2001:db8:1::/48]',
      '[$HOME_NET,!10.20.0.0/16,!2001:db8:1::/48]',
      '[$HOME_NET,!10.20.0.0/16,!2001:db8:1::/48]',
      '![10.0.0.9]',
    ],
  );
  assert.ok(output.notes.some((n) => /exclusion user .* not applied in Suricata/.test(n.message)));
  assert.ok(!output.notes.some((n) => /exclusion scanner/.test(n.message)));
});
