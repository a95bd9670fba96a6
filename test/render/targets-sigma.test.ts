import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { renderSigma, sigmaValue } from '../../src/render/targets/sigma.js';
import { sigmaMatches, sigmaUnescape } from './targets-sigma-eval.js';
import { CONTEXT, exclusion, HOSTILE_VALUES, hunt, indicator, seedHunts } from './targets-support.js';

const schema = JSON.parse(readFileSync('data/schemas/sigma-detection-rule-schema.json', 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

interface SigmaRule {
  id: string;
  date: string;
  level: string;
  tags: string[];
  logsource: Record<string, string>;
  detection: Record<string, unknown>;
  falsepositives: string[];
}

function parseSigma(text: string): SigmaRule {
  return parse(text) as SigmaRule;
}

function rules(output: ReturnType<typeof renderSigma>) {
  return output.files.map((f) => ({ path: f.path, rule: parseSigma(f.content) }));
}

test('the bundled Sigma schema rejects a rule without detection and a bad tag (the check can fail)', () => {
  assert.equal(
    validate({ title: 'x', logsource: {}, detection: { condition: 'a' }, tags: ['Attack.T1071'] }),
    false,
  );
  assert.equal(validate({ title: 'x', logsource: {} }), false);
});

test('seed hunts become one Sigma rule per kind and family, valid against the Sigma JSON schema', () => {
  const output = renderSigma(seedHunts(), CONTEXT);
  const parsed = rules(output);
  assert.deepEqual(
    parsed.map((r) => r.path),
    ['sigma/nanocore-rat-ip.yml', 'sigma/nanocore-rat-domain.yml'],
  );
  for (const { path, rule } of parsed) {
    assert.ok(validate(rule), `${path}: ${ajv.errorsText(validate.errors)}`);
    assert.match(rule.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(rule.date, '2026-11-28');
    assert.equal(rule.level, 'high');
    assert.deepEqual(rule.tags, ['attack.command-and-control', 'attack.t1071.001']);
  }
  // The second ip hunt (another Sentinel table) is merged, and says so.
  assert.ok(output.notes.some((n) => /rendered together with hunt/.test(n.message)));
});

test('regenerating gives the same rule ids', () => {
  const a = rules(renderSigma(seedHunts(), CONTEXT)).map((r) => r.rule.id);
  const b = rules(renderSigma(seedHunts(), CONTEXT)).map((r) => r.rule.id);
  assert.deepEqual(a, b);
});

test('the domain rule matches the domain and its subdomains only', () => {
  const domain = rules(renderSigma(seedHunts(), CONTEXT)).find((r) => r.path.endsWith('domain.yml'))!.rule;
  assert.deepEqual(domain.logsource, { category: 'dns_query', product: 'windows' });
  const hits = (name: string) => sigmaMatches(domain.detection, { QueryName: name });
  assert.equal(hits('theponzu.com'), true);
  assert.equal(hits('x.theponzu.com'), true);
  assert.equal(hits('THEPONZU.COM'), true);
  assert.equal(hits('nottheponzu.com'), false);
  assert.equal(hits('theponzu.com.evil.net'), false);
});

test('ip:port indicators require their port; flagged indicators carry their flag', () => {
  const output = renderSigma(seedHunts(), CONTEXT);
  const file = output.files.find((f) => f.path.endsWith('ip.yml'))!;
  const rule = parseSigma(file.content);
  assert.equal(sigmaMatches(rule.detection, { DestinationIp: '104.21.9.66', DestinationPort: 443 }), true);
  assert.equal(sigmaMatches(rule.detection, { DestinationIp: '104.21.9.66', DestinationPort: 80 }), false);
  assert.match(file.content, /^# flagged: 104\.21\.9\.66:443: shared-infrastructure/m);
  assert.ok(rule.falsepositives.some((f: string) => f.includes('104.21.9.66:443 is flagged')));
});

test('the port-less variant is explicit: ignorePort on every merged hunt drops the port', () => {
  const inds = [indicator('ipv4', '1.2.3.4', { port: 8080 })];
  const match = { indicatorType: 'ip' as const, ignorePort: true };
  const rule = parseSigma(renderSigma([hunt('ip', inds, { match })], CONTEXT).files[0].content);
  assert.equal(sigmaMatches(rule.detection, { DestinationIp: '1.2.3.4', DestinationPort: 443 }), true);
});

test('exclusions become filter selections; one the log source cannot express is left out with a note', () => {
  const h = hunt('ip', [indicator('ipv4', '1.2.3.4', { port: 443 })], {
    exclusions: [
      exclusion('browser-cdn', {
        all: [
          { field: 'process', operator: 'equals', values: ['chrome.exe', 'msedge.exe'] },
          { not: { field: 'commandLine', operator: 'contains', values: ['--evil'] } },
        ],
      }),
      exclusion('lab-host', { field: 'host', operator: 'equals', values: ['LAB01'] }),
      exclusion('sentinel-only', {
        field: 'DeviceNetworkEvents.RemoteUrl',
        operator: 'equals',
        values: ['x'],
      }),
    ],
  });
  const output = renderSigma([h], CONTEXT);
  const rule = parseSigma(output.files[0].content);
  assert.ok(validate(rule), ajv.errorsText(validate.errors));
  assert.match(
    String(rule.detection.condition),
    /^selection and not \(filter_browser_cdn and not filter_browser_cdn_2\)$/,
  );
  const event = { DestinationIp: '1.2.3.4', DestinationPort: 443 };
  assert.equal(
    sigmaMatches(rule.detection, { ...event, Image: 'C:\\Program Files\\Google\\chrome.exe' }),
    false,
  );
  assert.equal(
    sigmaMatches(rule.detection, {
      ...event,
      Image: 'C:\\Program Files\\Google\\chrome.exe',
      CommandLine: 'chrome --evil',
    }),
    true,
  );
  assert.equal(sigmaMatches(rule.detection, { ...event, Image: 'C:\\x\\notchrome.exe' }), true);
  assert.equal(output.notes.filter((n) => /not applied in Sigma/.test(n.message)).length, 2);
});

test('behaviour hunts become process_creation rules; a selection Sigma cannot express is not widened', () => {
  const ok = hunt('behaviour', [], {
    selection: {
      all: [
        { field: 'parentProcess', operator: 'equals', values: ['wscript.exe'] },
        { field: 'commandLine', operator: 'contains', values: ['AppData'] },
      ],
    },
  });
  const bad = hunt('behaviour', [], {
    family: 'Other',
    selection: { field: 'process', operator: 'startswith', values: ['nano'] },
  });
  const output = renderSigma([ok, bad], CONTEXT);
  assert.equal(output.files.length, 1);
  const rule = parseSigma(output.files[0].content);
  assert.deepEqual(rule.logsource, { category: 'process_creation', product: 'windows' });
  assert.equal(
    sigmaMatches(rule.detection, { ParentImage: 'C:\\Windows\\wscript.exe', CommandLine: 'x AppData y' }),
    true,
  );
  assert.ok(output.notes.some((n) => n.huntId === bad.id && /not rendered in Sigma/.test(n.message)));
});

test('hashes match Sysmon Hashes; urls match the full URL or host and case-sensitive path', () => {
  const sha = 'a'.repeat(64);
  const output = renderSigma(
    [
      hunt('hash', [indicator('sha256', sha)]),
      hunt('url', [indicator('url', 'http://evil.example/Gate.php?id=1')]),
    ],
    CONTEXT,
  );
  const [hashRule, urlRule] = output.files.map((f) => parseSigma(f.content));
  assert.ok(validate(hashRule) && validate(urlRule));
  assert.equal(
    sigmaMatches(hashRule.detection, { Hashes: `MD5=00,SHA256=${sha.toUpperCase()},IMPHASH=1` }),
    true,
  );
  assert.equal(
    sigmaMatches(urlRule.detection, { 'cs-host': 'EVIL.example', 'c-uri': '/Gate.php?id=1' }),
    true,
  );
  assert.equal(
    sigmaMatches(urlRule.detection, { 'cs-host': 'evil.example', 'c-uri': '/gate.php?id=1' }),
    false,
  );
  assert.equal(sigmaMatches(urlRule.detection, { 'c-uri': 'http://evil.example/Gate.php?id=1' }), true);
});

test('dns-then-connect cannot be one Sigma rule and says so', () => {
  const output = renderSigma([hunt('dns-then-connect', [indicator('domain', 'x.example')])], CONTEXT);
  assert.equal(output.files.length, 0);
  assert.match(output.notes[0].message, /correlation/);
});

test('sigmaValue escapes wildcards and keeps every literal', () => {
  for (const value of [...HOSTILE_VALUES, 'a*b?c', 'ends\\', '\\*', 'C:\\Temp\\*.exe']) {
    const escaped = sigmaValue(value);
    assert.equal(sigmaUnescape(escaped), value);
    assert.ok(sigmaMatches({ s: { f: escaped }, condition: 's' }, { f: value }), value);
  }
  assert.equal(sigmaMatches({ s: { f: sigmaValue('a*b') }, condition: 's' }, { f: 'aXXb' }), false);
});
