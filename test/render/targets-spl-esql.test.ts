import assert from 'node:assert/strict';
import { test } from 'node:test';
import { esqlString, renderEsql } from '../../src/render/targets/esql.js';
import { renderSpl, SplLiteralError, splString } from '../../src/render/targets/spl.js';
import { scanEsql, scanSpl } from './targets-query-strings.js';
import { CONTEXT, exclusion, HOSTILE_VALUES, hunt, indicator, seedHunts } from './targets-support.js';

function file(output: { files: { path: string; content: string }[] }, suffix: string): string {
  const found = output.files.find((f) => f.path.endsWith(suffix));
  assert.ok(found, `no file ending in ${suffix}: ${output.files.map((f) => f.path).join(', ')}`);
  return found.content;
}

/** SPL wildcard semantics for the tests: `*` any run, case-insensitive. */
function splWildcardMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(value);
}

test('SPL: tstats over Network_Traffic with the port, and a raw variant with the same match', () => {
  const output = renderSpl(seedHunts(), CONTEXT);
  const tstats = file(output, 'nanocore-rat-ip.tstats.spl');
  const raw = file(output, 'nanocore-rat-ip.raw.spl');
  assert.match(tstats, /^\| tstats .* from datamodel=Network_Traffic\.All_Traffic where earliest=-30d /m);
  assert.match(
    tstats,
    /All_Traffic\.dest_ip IN \("104\.21\.9\.66", "172\.67\.159\.51", "172\.67\.208\.215"\) AND All_Traffic\.dest_port=443/,
  );
  assert.match(tstats, /^\| rename All_Traffic\.\* as \*$/m);
  assert.match(
    raw,
    /^index=\* tag=network tag=communicate earliest=-30d \(\(dest_ip IN \(.*\) AND dest_port=443\)\)$/m,
  );
  assert.match(tstats, /^``` flagged: 104\.21\.9\.66:443: shared-infrastructure/m);
  assert.doesNotMatch(tstats, /drop_dm_object_name/, 'core SPL only, no Enterprise Security macros');
});

test('SPL: domains match the name and its subdomains (query="x" OR query="*.x")', () => {
  const tstats = file(renderSpl(seedHunts(), CONTEXT), 'domain.tstats.spl');
  assert.match(tstats, /from datamodel=Network_Resolution\.DNS where/);
  const patterns = scanSpl(tstats).strings;
  const hits = (name: string) => patterns.some((p) => splWildcardMatches(p, name));
  assert.equal(hits('theponzu.com'), true);
  assert.equal(hits('a.b.theponzu.com'), true);
  assert.equal(hits('nottheponzu.com'), false);
  assert.equal(hits('theponzu.com.evil.net'), false);
});

test('SPL: exclusions become NOT (...), behaviour hunts use Endpoint.Processes, unknown fields are notes', () => {
  const behaviour = hunt('behaviour', [], {
    table: 'DeviceProcessEvents',
    selection: { field: 'parentProcess', operator: 'equals', values: ['wscript.exe'] },
    exclusions: [
      exclusion('signed-updater', { field: 'commandLine', operator: 'contains', values: ['/update'] }),
      exclusion('defender-only', {
        field: 'DeviceProcessEvents.ProcessIntegrityLevel',
        operator: 'equals',
        values: ['System'],
      }),
    ],
  });
  const output = renderSpl([behaviour], CONTEXT);
  const tstats = file(output, '.tstats.spl');
  assert.match(
    tstats,
    /from datamodel=Endpoint\.Processes where earliest=-30d \(Processes\.parent_process_name="wscript\.exe"\) NOT \(Processes\.process="\*\/update\*"\) by /,
  );
  assert.ok(output.notes.some((n) => /exclusion defender-only .* not applied in SPL/.test(n.message)));
});

test('SPL: regular expressions and literal * go to a | where with match(), after tstats and in the raw search', () => {
  const behaviour = hunt('behaviour', [], {
    table: 'DeviceProcessEvents',
    selection: {
      all: [
        { field: 'process', operator: 'equals', values: ['schtasks.exe'] },
        { field: 'commandLine', operator: 'regex', values: ['(?i)\\temp\\tmp[0-9a-f]{1,8}\\.tmp'] },
      ],
    },
    exclusions: [exclusion('star', { field: 'commandLine', operator: 'contains', values: ['*ok*'] })],
  });
  const output = renderSpl([behaviour], CONTEXT);
  const tstats = file(output, '.tstats.spl');
  const raw = file(output, '.raw.spl');
  const where =
    '| where (match(coalesce(process_name, ""), "(?i)^schtasks\\\\.exe$") AND match(coalesce(process, ""), "(?i)\\\\temp\\\\tmp[0-9a-f]{1,8}\\\\.tmp")) AND NOT (match(coalesce(process, ""), "(?i)\\\\*ok\\\\*"))';
  assert.ok(tstats.includes(`| rename Processes.* as *\n${where}\n`), tstats);
  assert.match(tstats, /from datamodel=Endpoint\.Processes where earliest=-30d by /);
  assert.ok(raw.includes(`index=* tag=process tag=report earliest=-30d\n${where}\n| stats `), raw);
  // The pattern SPL passes to match() is the regex unchanged.
  assert.ok(scanSpl(where).strings.includes('(?i)\\temp\\tmp[0-9a-f]{1,8}\\.tmp'));
  assert.ok(scanSpl(where).strings.includes('(?i)\\*ok\\*'));
});

test('SPL: a literal * cannot be escaped, so such a value is refused, not widened', () => {
  assert.throws(() => splString('a*b'), SplLiteralError);
  const output = renderSpl([hunt('url', [indicator('url', 'http://x.example/a*b')])], CONTEXT);
  assert.equal(output.files.length, 0);
  assert.ok(output.notes.some((n) => /wildcard/.test(n.message)));
});

test('ES|QL: case-insensitive domain match with TO_LOWER and ENDS_WITH, port required, time filter', () => {
  const output = renderEsql(seedHunts(), CONTEXT);
  const domain = file(output, 'nanocore-rat-domain.esql');
  assert.match(domain, /^FROM logs-\* METADATA _id, _index$/m);
  assert.match(domain, /^\| WHERE @timestamp >= NOW\(\) - 30 days$/m);
  assert.match(
    domain,
    /TO_LOWER\(dns\.question\.name\) IN \("airtellwireless\.it\.com", "sc88884\.com", "theponzu\.com"\)/,
  );
  assert.match(domain, /ENDS_WITH\(TO_LOWER\(dns\.question\.name\), "\.theponzu\.com"\)/);
  const ip = file(output, 'nanocore-rat-ip.esql');
  assert.match(
    ip,
    /destination\.ip IN \(TO_IP\("104\.21\.9\.66"\), TO_IP\("172\.67\.159\.51"\), TO_IP\("172\.67\.208\.215"\)\) AND destination\.port == 443/,
  );
  assert.match(ip, /^\/\/ flagged: 104\.21\.9\.66:443/m);
});

test('ES|QL: exclusions are AND NOT with nulls read as false; URLs keep the path case-sensitive', () => {
  const h = hunt('url', [indicator('url', 'https://evil.example/Gate.php')], {
    exclusions: [exclusion('proxy-health', { field: 'user', operator: 'equals', values: ['SVC-Probe'] })],
  });
  const query = file(renderEsql([h], CONTEXT), '.esql');
  assert.match(
    query,
    /TO_LOWER\(SUBSTRING\(url\.full, 1, 20\)\) == "https:\/\/evil\.example" AND SUBSTRING\(url\.full, 21\) == "\/Gate\.php"/,
  );
  assert.match(query, /^\| WHERE NOT COALESCE\(TO_LOWER\(user\.name\) IN \("svc-probe"\), FALSE\)$/m);
});

test('ES|QL: indicator-match rules and ECS indicator documents as NDJSON', () => {
  const output = renderEsql(seedHunts(), CONTEXT);
  const rules = file(output, 'threatfox-indicator-match-rules.ndjson')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    rules.map((r) => r.type),
    ['threat_match', 'threat_match'],
  );
  const ipRule = rules.find((r) => r.threat_mapping[0].entries.length === 2);
  assert.deepEqual(
    ipRule.threat_mapping[0].entries.map((e: { field: string }) => e.field),
    ['destination.ip', 'destination.port'],
  );
  const docs = file(output, 'threatfox-indicators.ndjson')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(docs.length, 6);
  const flagged = docs.find((d) => d.threat.indicator.ip === '104.21.9.66');
  assert.equal(flagged.threat.indicator.port, 443);
  assert.ok(flagged.tags.includes('huntforge-flag:shared-infrastructure'));
  assert.ok(output.notes.some((n) => /indicator-match rule compares exact names/.test(n.message)));
});

test('SPL and ES|QL string literals unescape to the hostile value unchanged', () => {
  for (const value of HOSTILE_VALUES) {
    if (value.includes('*')) assert.throws(() => splString(value), SplLiteralError);
    else assert.deepEqual(scanSpl(`x=${splString(value)}`).strings, [value]);
    assert.deepEqual(scanEsql(`x == ${esqlString(value)}`).strings, [value]);
  }
});
