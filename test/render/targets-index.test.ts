import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { renderTarget, TARGETS } from '../../src/render/targets/index.js';
import { sigmaMatches } from './targets-sigma-eval.js';
import { CONTEXT, exclusion, hunt, indicator, seedHunts } from './targets-support.js';

function mixedHunts() {
  return [
    ...seedHunts(),
    hunt('url', [indicator('url', 'http://evil-gate.com/gate.php')]),
    hunt('hash', [indicator('sha256', 'e'.repeat(64))]),
    hunt('behaviour', [], { selection: { field: 'process', operator: 'equals', values: ['nanocore.exe'] } }),
    hunt('dns-then-connect', [indicator('domain', 'theponzu.com')], { table: 'DeviceNetworkEvents' }),
  ];
}

test('TARGETS names the eight targets; an unknown one is an error', () => {
  assert.deepEqual([...TARGETS], ['sigma', 'spl', 'esql', 'suricata', 'zeek', 'stix', 'misp', 'watchlist']);
  assert.throws(() => renderTarget('qradar', seedHunts(), CONTEXT), /unknown target 'qradar'/);
});

test('every target writes files for the seed and for a mixed feed, with relative paths under its folder', () => {
  for (const hunts of [seedHunts(), mixedHunts()]) {
    const ids = new Set(hunts.map((h) => h.id));
    for (const target of TARGETS) {
      const output = renderTarget(target, hunts, CONTEXT);
      assert.ok(output.files.length > 0, `${target} wrote nothing`);
      const folder = target === 'esql' ? 'esql' : target;
      for (const file of output.files) {
        assert.match(file.path, new RegExp(`^${folder}/[a-z0-9.-]+$`), `${target}: ${file.path}`);
        assert.ok(file.content.endsWith('\n'));
      }
      assert.equal(
        new Set(output.files.map((f) => f.path)).size,
        output.files.length,
        `${target}: duplicate paths`,
      );
      for (const note of output.notes)
        assert.ok(ids.has(note.huntId), `${target}: note for unknown hunt ${note.huntId}`);
    }
  }
});

test('no hunt disappears silently: each hunt is in an output or named in a note, for every target', () => {
  const hunts = mixedHunts();
  for (const target of TARGETS) {
    const output = renderTarget(target, hunts, CONTEXT);
    const text = output.files.map((f) => f.content).join('\n');
    for (const h of hunts) {
      const mentioned = text.includes(h.id) || output.notes.some((n) => n.huntId === h.id);
      const exported =
        h.indicators.length > 0 &&
        h.indicators.every((i) => text.includes(i.value.replace(/^https?:\/\//, '')));
      assert.ok(
        mentioned || exported,
        `${target}: hunt ${h.kind} (${h.table}) is neither rendered nor noted`,
      );
    }
  }
});

test('domain hunts over proxy or firewall tables also get a web-request form (Sigma, SPL, ES|QL)', () => {
  const domains = [indicator('domain', 'theponzu.com')];
  const hunts = [
    hunt('domain', domains, { table: 'DnsEvents' }),
    hunt('domain', domains, { table: 'CommonSecurityLog' }),
  ];
  const sigma = renderTarget('sigma', hunts, CONTEXT);
  assert.deepEqual(
    sigma.files.map((f) => f.path),
    ['sigma/nanocore-rat-domain.yml', 'sigma/nanocore-rat-domain-web.yml'],
  );
  const web = parse(sigma.files[1].content) as {
    id: string;
    logsource: unknown;
    detection: Record<string, unknown>;
  };
  assert.deepEqual(web.logsource, { category: 'proxy' });
  assert.notEqual(web.id, (parse(sigma.files[0].content) as { id: string }).id);
  assert.equal(sigmaMatches(web.detection, { 'cs-host': 'cdn.theponzu.com' }), true);
  assert.equal(sigmaMatches(web.detection, { 'cs-host': 'theponzu.com.evil.net' }), false);
  const spl = renderTarget('spl', hunts, CONTEXT);
  const splWeb = spl.files.find((f) => f.path === 'spl/nanocore-rat-domain-web.tstats.spl')!;
  assert.match(
    splWeb.content,
    /from datamodel=Web\.Web where earliest=-30d \(Web\.url_domain IN \("theponzu\.com", "\*\.theponzu\.com"\)\)/,
  );
  const esql = renderTarget('esql', hunts, CONTEXT);
  const esqlWeb = esql.files.find((f) => f.path === 'esql/nanocore-rat-domain-web.esql')!;
  assert.match(esqlWeb.content, /ENDS_WITH\(TO_LOWER\(url\.domain\), "\.theponzu\.com"\)/);
  // A DNS-only domain detection has no web form.
  assert.equal(renderTarget('sigma', [hunts[0]], CONTEXT).files.length, 1);
});

test('an exclusion that concerns only some merged tables is not applied to the merged rule, and is noted', () => {
  const ips = [indicator('ipv4', '1.2.3.4', { port: 443 })];
  const everywhere = exclusion('scanner', { field: 'srcIp', operator: 'equals', values: ['10.0.0.5'] });
  const firewallOnly = exclusion(
    'fw-blocked',
    { field: 'action', operator: 'equals', values: ['deny'] },
    { scope: ['CommonSecurityLog'] },
  );
  const hunts = [
    hunt('ip', ips, { table: 'CommonSecurityLog', exclusions: [everywhere, firewallOnly] }),
    hunt('ip', ips, { table: 'DeviceNetworkEvents', exclusions: [everywhere] }),
  ];
  const spl = renderTarget('spl', hunts, CONTEXT);
  const tstats = spl.files.find((f) => f.path.endsWith('.tstats.spl'))!.content;
  assert.match(tstats, /NOT \(All_Traffic\.src_ip="10\.0\.0\.5"\)/);
  assert.doesNotMatch(tstats, /deny/);
  assert.ok(
    spl.notes.some(
      (n) => n.huntId === hunts[0].id && /fw-blocked .* concerns only CommonSecurityLog/.test(n.message),
    ),
  );
});

test('a behaviour hunt on SecurityEvent (4688 filter) and its DeviceProcessEvents twin are one detection; registry ones are noted', () => {
  const selection = { field: 'process' as const, operator: 'equals' as const, values: ['dhcpmon.exe'] };
  const hunts = [
    hunt('behaviour', [], { table: 'DeviceProcessEvents', selection }),
    hunt('behaviour', [], {
      table: 'SecurityEvent',
      selection: {
        all: [{ field: 'SecurityEvent.EventID', operator: 'equals', values: ['4688'] }, selection],
      },
    }),
    hunt('behaviour', [], {
      table: 'DeviceRegistryEvents',
      title: 'Run key',
      selection: {
        all: [
          { field: 'DeviceRegistryEvents.ActionType', operator: 'equals', values: ['RegistryValueSet'] },
          { field: 'DeviceRegistryEvents.RegistryKey', operator: 'endswith', values: ['\\Run'] },
        ],
      },
    }),
  ];
  for (const target of ['sigma', 'spl', 'esql']) {
    const output = renderTarget(target, hunts, CONTEXT);
    const perForm = target === 'spl' ? 2 : 1;
    assert.equal(output.files.length, perForm, `${target}: ${output.files.map((f) => f.path).join(', ')}`);
    assert.doesNotMatch(output.files[0].content, /4688|EventID/);
    assert.ok(
      output.notes.some((n) => n.huntId === hunts[1].id && /rendered together with hunt/.test(n.message)),
    );
    assert.ok(
      output.notes.some(
        (n) => n.huntId === hunts[2].id && /DeviceRegistryEvents is not process creation/.test(n.message),
      ),
    );
  }
});
