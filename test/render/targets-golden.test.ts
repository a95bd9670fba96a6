/**
 * Golden outputs: the seed's Nanocore case and a mixed feed rendered for every target, compared
 * byte for byte with test/fixtures/targets/. A deliberate change of output is recorded with
 * `HUNTFORGE_UPDATE_FIXTURES=1 npm run test:only -- targets-golden`, and reviewed in the diff.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { Hunt } from '../../src/hunts/types.js';
import { renderTarget, TARGETS } from '../../src/render/targets/index.js';
import { CONTEXT, exclusion, hunt, indicator, seedHunts } from './targets-support.js';

const FIXTURES = 'test/fixtures/targets';
const UPDATE = process.env.HUNTFORGE_UPDATE_FIXTURES === '1';

function mixedHunts(): Hunt[] {
  const scanner = exclusion('vuln-scanner', { field: 'srcIp', operator: 'cidr', values: ['10.20.0.0/16'] });
  return [
    hunt('ip', [indicator('ipv4', '45.133.1.20', { port: 8808 }), indicator('ipv6', '2001:db8::5')], {
      table: 'DeviceNetworkEvents',
      exclusions: [scanner],
    }),
    hunt('domain', [indicator('domain', 'theponzu.com')], { table: 'DnsEvents' }),
    hunt('domain', [indicator('domain', 'theponzu.com')], { table: 'CommonSecurityLog' }),
    hunt('url', [indicator('url', 'http://sc88884.com/panel/Gate.php?id=7')], { table: 'CommonSecurityLog' }),
    hunt('hash', [indicator('sha256', 'f'.repeat(64)), indicator('md5', '9'.repeat(32))], {
      table: 'DeviceFileEvents',
    }),
    hunt('behaviour', [], {
      table: 'DeviceProcessEvents',
      title: 'NanoCore RAT: dhcpmon.exe started from AppData',
      selection: {
        all: [
          { field: 'process', operator: 'equals', values: ['dhcpmon.exe'] },
          { field: 'processPath', operator: 'contains', values: ['\\AppData\\'] },
        ],
      },
      exclusions: [
        exclusion('it-inventory', { field: 'parentProcess', operator: 'equals', values: ['inventory.exe'] }),
      ],
      severity: 'Medium',
      tactics: ['Persistence'],
      techniques: ['T1053.005'],
    }),
  ];
}

for (const [name, make] of [
  ['seed', seedHunts],
  ['mixed', mixedHunts],
] as const) {
  for (const target of TARGETS) {
    test(`${name} feed: ${target} output matches its golden files`, () => {
      const output = renderTarget(target, make(), CONTEXT);
      const notes = `${output.notes.map((n) => `${n.huntId} ${n.message}`).join('\n')}\n`;
      const files = [...output.files, { path: `${target}/NOTES.txt`, content: notes }];
      for (const file of files) {
        const path = join(FIXTURES, name, file.path);
        if (UPDATE) {
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, file.content);
          continue;
        }
        assert.ok(existsSync(path), `${path} is missing: run with HUNTFORGE_UPDATE_FIXTURES=1 and review`);
        assert.equal(file.content, readFileSync(path, 'utf8'), path);
      }
    });
  }
}
