import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isKustoLoaded, kustoGlobals, loadKusto, platformTables } from '../../src/kql/kusto.js';
import { type KqlDiagnostic, validateKql } from '../../src/kql/validate.js';

const SEED_DIR = 'test/fixtures/kql/seed';

function brief(diagnostics: KqlDiagnostic[]) {
  return diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}`);
}

// Runs first (tests in a file run in order, each file in its own process): the parser load is
// measured cold. Figures are printed, never asserted.
test('the parser loads lazily; load, first-analysis and warm per-query times are reported', (t) => {
  assert.equal(isKustoLoaded(), false, 'importing the modules must not load the parser');
  let start = performance.now();
  loadKusto();
  const loadMs = performance.now() - start;
  assert.equal(isKustoLoaded(), true);

  const seed = readFileSync(join(SEED_DIR, 'commonsecuritylog.kql'), 'utf8');
  start = performance.now();
  assert.deepEqual(validateKql(seed), []);
  const firstMs = performance.now() - start;

  const queries = readdirSync(SEED_DIR)
    .filter((f) => f.endsWith('.kql'))
    .map((f) => readFileSync(join(SEED_DIR, f), 'utf8'));
  for (const q of queries) validateKql(q); // warm-up
  const rounds = 30;
  start = performance.now();
  for (let i = 0; i < rounds; i++) for (const q of queries) validateKql(q);
  const warmMs = (performance.now() - start) / (rounds * queries.length);
  start = performance.now();
  for (let i = 0; i < rounds; i++) for (const q of queries) validateKql(q, { warnings: true });
  const warmWithWarningsMs = (performance.now() - start) / (rounds * queries.length);
  t.diagnostic(
    `parser load ${loadMs.toFixed(0)} ms; first analysis (globals + JIT) ${firstMs.toFixed(0)} ms; ` +
      `warm ${warmMs.toFixed(1)} ms/query, with analyzers ${warmWithWarningsMs.toFixed(1)} ms/query`,
  );
});

test("the seed's three queries validate with zero errors (Sentinel)", () => {
  const files = readdirSync(SEED_DIR).filter((f) => f.endsWith('.kql'));
  assert.equal(files.length, 3);
  for (const f of files) assert.deepEqual(validateKql(readFileSync(join(SEED_DIR, f), 'utf8')), [], f);
});

test('the seed DeviceNetworkEvents query also validates on Defender XDR', () => {
  const q = readFileSync(join(SEED_DIR, 'devicenetworkevents.kql'), 'utf8');
  assert.deepEqual(validateKql(q, { platform: 'defender' }), []);
});

test('an unknown column is KS142 at its exact line:col with offsets', () => {
  const q = 'DnsEvents\n| where TimeGenerated > ago(1d)\n| project TimeGenerated, Nmae';
  const [d, ...rest] = validateKql(q);
  assert.equal(rest.length, 0);
  assert.equal(d.code, 'KS142');
  assert.equal(d.severity, 'error');
  assert.match(d.message, /'Nmae'/);
  assert.deepEqual([d.line, d.column], [3, 26]);
  assert.equal(q.slice(d.start, d.end), 'Nmae');
});

test('an unknown table is KS204', () => {
  assert.deepEqual(brief(validateKql('let x = 1;\nNoSuchTable | take 10')), ['2:1 error KS204']);
});

test('syntax errors are reported with their position', () => {
  assert.deepEqual(brief(validateKql('DnsEvents | where')), ['1:18 error KS006']);
  const unclosed = validateKql('DnsEvents\n| where Name == "abc\n| take 1');
  assert.ok(unclosed.length > 0);
  assert.ok(unclosed.every((d) => d.severity === 'error'));
  assert.equal(unclosed[0].line, 2);
  assert.ok(validateKql('DnsEvents | project ,').length > 0);
});

test('CRLF line endings count as one line break', () => {
  assert.deepEqual(brief(validateKql('DnsEvents\r\n| where Foo == 1')), ['2:9 error KS142']);
});

test('let sequences, several statements and comments validate', () => {
  const q = [
    '// header comment',
    'let lookback = 14d;',
    'let ips = dynamic(["1.2.3.4"]);',
    'let hits = (t:(RemoteIP:string)) { t | where RemoteIP in (ips) };',
    'DnsEvents | where TimeGenerated > ago(lookback) | take 1;',
    'DeviceNetworkEvents | invoke hits() | project RemoteIP',
  ].join('\n');
  assert.deepEqual(validateKql(q), []);
  // an error in the second statement is found too
  assert.deepEqual(brief(validateKql('DnsEvents | take 1;\nDnsEvents | project Bogus')), [
    '2:21 error KS142',
  ]);
});

test('ASIM parsers are functions with optional filtering parameters and ASim*Logs columns', () => {
  assert.deepEqual(validateKql('_Im_Dns | project TimeGenerated, DnsQuery, SrcIpAddr'), []);
  assert.deepEqual(
    validateKql(
      '_Im_Dns(starttime=ago(1d), endtime=now(), domain_has_any=dynamic(["theponzu.com"]), responsecodename="NXDOMAIN")\n' +
        '| project DnsQuery, DnsResponseName',
    ),
    [],
  );
  assert.deepEqual(
    validateKql(
      '_Im_NetworkSession(starttime=ago(14d), dstipaddr_has_any_prefix=dynamic(["104.21.9.66"]), dstportnumber=443)\n' +
        '| project TimeGenerated, SrcIpAddr, DstIpAddr, DstPortNumber',
    ),
    [],
  );
  assert.deepEqual(brief(validateKql('_Im_Dns(no_such_parameter=1)')), ['1:9 error KS196']);
  assert.deepEqual(brief(validateKql('_Im_NetworkSession | project DnsQuery')), ['1:30 error KS142']);
});

test('_GetWatchlist returns SearchKey and accepts the watchlist’s own columns', () => {
  assert.deepEqual(validateKql("_GetWatchlist('nanocore') | project SearchKey"), []);
  assert.deepEqual(
    validateKql(
      "let wl = _GetWatchlist('nanocore') | project SearchKey, IPAddress;\n" +
        'CommonSecurityLog | where DestinationIP in (wl | project SearchKey)',
    ),
    [],
  );
  assert.deepEqual(brief(validateKql('_GetWatchlist() | project SearchKey')), ['1:1 error KS119']);
});

test('ThreatIntelIndicators is known on Sentinel', () => {
  assert.deepEqual(validateKql('ThreatIntelIndicators | take 1'), []);
});

test('Defender XDR: Timestamp instead of TimeGenerated, Defender tables only', () => {
  const timeGenerated = 'DeviceNetworkEvents | where TimeGenerated > ago(1d)';
  assert.deepEqual(validateKql(timeGenerated), []);
  assert.deepEqual(brief(validateKql(timeGenerated, { platform: 'defender' })), ['1:29 error KS142']);
  assert.deepEqual(
    validateKql('DeviceNetworkEvents | where Timestamp > ago(1d)', { platform: 'defender' }),
    [],
  );
  assert.deepEqual(
    validateKql('UrlClickEvents | where Timestamp > ago(1d) | project Url', { platform: 'defender' }),
    [],
  );
  assert.deepEqual(brief(validateKql('CommonSecurityLog | take 1', { platform: 'defender' })), [
    '1:1 error KS204',
  ]);
  assert.deepEqual(brief(validateKql('_Im_Dns | take 1', { platform: 'defender' })), ['1:1 error KS204']);
  const tables = Object.keys(platformTables('defender')).sort();
  assert.ok(tables.every((t) => t.startsWith('Device') || t === 'UrlClickEvents' || t === 'EmailUrlInfo'));
  assert.ok(tables.includes('EmailUrlInfo'));
});

test('extra tables join the globals and are cached per schema', () => {
  const extra = { LocalDns_CL: [{ name: 'Query', type: 'string' as const }] };
  assert.deepEqual(validateKql('LocalDns_CL | project Query', { extraTables: extra }), []);
  assert.equal(kustoGlobals(extra), kustoGlobals({ LocalDns_CL: [{ name: 'Query', type: 'string' }] }));
  const other = { LocalDns_CL: [{ name: 'Other', type: 'string' as const }] };
  assert.deepEqual(brief(validateKql('LocalDns_CL | project Query', { extraTables: other })), [
    '1:23 error KS142',
  ]);
});

test('warnings are opt-in: analyzer diagnostics such as KS500 (contains) and KS508 (join kind)', () => {
  const q = 'DnsEvents | where Name contains "theponzu" | join (DnsEvents) on Name';
  assert.deepEqual(validateKql(q), []);
  const withWarnings = validateKql(q, { warnings: true });
  assert.deepEqual(
    withWarnings.map((d) => [d.code, d.severity]),
    [
      ['KS500', 'suggestion'],
      ['KS508', 'warning'],
    ],
  );
  assert.ok(!withWarnings.some((d) => d.message.includes('\n')), 'messages are one line');
});

test('large string arrays: errors after, inside and around them keep their exact positions', (t) => {
  const values = Array.from({ length: 5000 }, (_, i) => `"host${i}.example.com"`);
  const oneLine = `let iocs = dynamic([${values.join(', ')}]);\nDnsEvents | where Nmae has_any (iocs)`;
  const start = performance.now();
  // the same two errors as with a short (exactly analysed) array: unknown name, then its type
  assert.deepEqual(brief(validateKql(oneLine)), ['2:19 error KS107', '2:19 error KS142']);
  t.diagnostic(`5,000-string dynamic array: ${(performance.now() - start).toFixed(0)} ms`);
  // one element per line: line numbers after the array are unchanged
  const perLine = `let iocs = dynamic([\n${values.join(',\n')}\n]);\nDnsEvents | where Nmae has_any (iocs)`;
  assert.deepEqual(brief(validateKql(perLine)), ['5003:19 error KS107', '5003:19 error KS142']);
  // a syntax error inside the array is still found, at the same place as in a short array
  const gapped = (n: number) =>
    `let iocs = dynamic([${values.slice(0, n).join(', ')}, , ${values.slice(n, 2 * n).join(', ')}]);\nDnsEvents`;
  const gapDelta = (n: number) => {
    const text = gapped(n);
    const errors = validateKql(text);
    return errors.map((d) => `${d.code}@${d.start - text.indexOf(', , ')}`);
  };
  assert.ok(gapDelta(5).length > 0);
  assert.deepEqual(gapDelta(2000), gapDelta(5));
  // a non-literal element is analysed, not blanked
  const name = `let iocs = dynamic([${values.join(', ')}]);\nlet x = dynamic([${values.join(', ')}, Bogus]);\nprint x`;
  assert.ok(validateKql(name).length > 0);
  // the array keeps its type: dynamic array of string
  assert.deepEqual(validateKql(`${oneLine.replace('Nmae', 'Name')} | where array_length(iocs) > 0`), []);
});
