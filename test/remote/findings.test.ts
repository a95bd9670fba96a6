import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoUtc, rowsToFindings } from '../../src/remote/findings.js';

const CLOUDFLARE = [
  { list: 'cloudflare', category: 'shared-infrastructure' as const, reason: 'Cloudflare anycast' },
];
const hunt = {
  id: 'hunt-ip',
  table: 'CommonSecurityLog',
  indicators: [
    { type: 'ipv4' as const, value: '104.21.9.66', port: 443, flags: CLOUDFLARE },
    { type: 'domain' as const, value: 'theponzu.com', port: null, flags: [] },
  ],
};
const columns = [
  'TimeGenerated',
  'Computer',
  'SourceUserName',
  'SourceProcessName',
  'DestinationIP',
  'MatchedIndicator',
].map((name) => ({ name, type: 'string' }));

test('maps MatchedIndicator to the hunt indicator, with port and flags, and host/user/process via the table fields', () => {
  const [f] = rowsToFindings(hunt, columns, [
    ['2026-04-25T10:11:12.1234567Z', 'fw01', 'bob', 'chrome.exe', '104.21.9.66', '104.21.9.66:443'],
  ]);
  assert.deepEqual(f, {
    huntId: 'hunt-ip',
    table: 'CommonSecurityLog',
    indicator: '104.21.9.66',
    indicatorType: 'ipv4',
    indicatorPort: 443,
    flags: CLOUDFLARE,
    timestamp: '2026-04-25T10:11:12.123Z',
    host: 'fw01',
    user: 'bob',
    process: 'chrome.exe',
    row: {
      TimeGenerated: '2026-04-25T10:11:12.1234567Z',
      Computer: 'fw01',
      SourceUserName: 'bob',
      SourceProcessName: 'chrome.exe',
      DestinationIP: '104.21.9.66',
      MatchedIndicator: '104.21.9.66:443',
    },
  });
});

test('domain matches are case- and trailing-dot-insensitive; unknown values get an inferred type', () => {
  const rows = [
    ['2026-04-25 10:00:00', null, null, null, null, 'ThePonzu.com.'],
    ['2026-04-25 10:00:00', null, null, null, null, 'd41d8cd98f00b204e9800998ecf8427e'],
    ['2026-04-25 10:00:00', null, null, null, null, '2001:db8::1'],
  ];
  const [domain, md5, v6] = rowsToFindings(hunt, columns, rows);
  assert.equal(domain.indicator, 'theponzu.com');
  assert.equal(domain.indicatorType, 'domain');
  assert.equal(domain.timestamp, '2026-04-25T10:00:00.000Z');
  assert.equal(domain.host, null);
  assert.equal(md5.indicatorType, 'md5');
  assert.equal(v6.indicatorType, 'ipv6');
  assert.equal(v6.indicatorPort, null);
});

test('Defender rows use Timestamp; a table without a mapping leaves host/user/process empty', () => {
  const [f] = rowsToFindings(
    { id: 'q', table: 'SomeCustom_CL', indicators: [] },
    [
      { name: 'Timestamp', type: 'datetime' },
      { name: 'x', type: 'long' },
    ],
    [['2026-01-02T03:04:05Z', 7]],
  );
  assert.equal(f.timestamp, '2026-01-02T03:04:05.000Z');
  assert.equal(f.host, null);
  assert.equal(f.indicator, '');
  assert.equal(f.indicatorType, 'behaviour');
});

test('isoUtc handles Kusto datetimes, epoch numbers and junk', () => {
  assert.equal(isoUtc('2026-04-25T10:11:12Z'), '2026-04-25T10:11:12.000Z');
  assert.equal(isoUtc(0), '1970-01-01T00:00:00.000Z');
  assert.equal(isoUtc(''), null);
  assert.equal(isoUtc('not a date'), 'not a date');
});
