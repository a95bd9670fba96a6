import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeFindings } from '../../src/report/findings.js';
import { CLOUDFLARE, finding, HOSTILE_HOST, HOSTILE_INDICATOR, sampleFindings } from './findings-fixtures.js';

describe('summarizeFindings', () => {
  it('counts findings per indicator, most hits first, with first and last seen and hosts', () => {
    const s = summarizeFindings(sampleFindings());
    assert.deepEqual(
      s.indicators.map((i) => [i.indicator, i.indicatorPort, i.count]),
      [
        ['theponzu.com', null, 4],
        // Ties: the most recent hit first.
        ['sc88884.com', null, 2],
        ['104.21.9.66', 443, 2],
        [HOSTILE_INDICATOR, null, 1],
      ],
    );
    const ponzu = s.indicators[0];
    assert.equal(ponzu.firstSeen, '2026-04-25T10:00:00Z');
    assert.equal(ponzu.lastSeen, '2026-04-26T21:00:00Z');
    assert.deepEqual(ponzu.hosts, ['ws-01.corp.local', 'ws-02.corp.local']);
    assert.deepEqual(ponzu.hunts, ['nanocore-dns']);
    assert.deepEqual(ponzu.tables, ['DnsEvents']);

    const ip = s.indicators[2];
    assert.equal(ip.indicatorType, 'ipv4');
    assert.deepEqual(ip.flags, [CLOUDFLARE]);
    assert.deepEqual(ip.hosts, ['ws-02.corp.local', 'ws-03.corp.local']);
    assert.equal(ip.firstSeen, '2026-04-25T11:00:00Z');
    assert.equal(ip.lastSeen, '2026-04-26T09:45:00Z');

    // A finding without a timestamp counts but does not move first/last seen; without host, no host.
    const sc = s.indicators[1];
    assert.equal(sc.firstSeen, '2026-04-26T20:00:00Z');
    assert.equal(sc.lastSeen, '2026-04-26T20:00:00Z');
    assert.deepEqual(sc.hosts, ['ws-01.corp.local']);
  });

  it('counts per host, with the indicators each hit and its flagged hits', () => {
    const s = summarizeFindings(sampleFindings());
    assert.deepEqual(
      s.hosts.map((h) => [h.host, h.count, h.flaggedCount]),
      [
        ['ws-01.corp.local', 4, 0],
        ['ws-02.corp.local', 2, 1],
        ['ws-03.corp.local', 1, 1],
        [HOSTILE_HOST, 1, 0],
        [null, 1, 0],
      ],
    );
    assert.deepEqual(s.hosts[0].indicators, ['theponzu.com', 'sc88884.com']);
    assert.deepEqual(s.hosts[1].indicators, ['theponzu.com', '104.21.9.66:443']);
    assert.equal(s.hosts[0].firstSeen, '2026-04-25T10:00:00Z');
    assert.equal(s.hosts[0].lastSeen, '2026-04-26T21:00:00Z');
    assert.equal(s.hosts[4].firstSeen, null);
  });

  it('totals', () => {
    assert.deepEqual(summarizeFindings(sampleFindings()).totals, {
      findings: 9,
      flaggedFindings: 2,
      indicators: 4,
      flaggedIndicators: 1,
      hosts: 4,
      hunts: 2,
      firstSeen: '2026-04-25T10:00:00Z',
      lastSeen: '2026-04-26T21:00:00Z',
    });
  });

  it('compares times as instants, not text (fractions, offsets)', () => {
    const s = summarizeFindings([
      finding({ timestamp: '2026-04-25T10:00:00Z' }),
      finding({ timestamp: '2026-04-25T10:00:00.500Z' }),
      finding({ timestamp: '2026-04-25T11:30:00+02:00' }),
      finding({ timestamp: 'not a time' }),
    ]);
    assert.equal(s.indicators[0].firstSeen, '2026-04-25T11:30:00+02:00');
    assert.equal(s.indicators[0].lastSeen, '2026-04-25T10:00:00.500Z');
    assert.equal(s.indicators[0].count, 4);
  });

  it('keeps the same address with different ports apart', () => {
    const ip = { indicator: '104.21.9.66', indicatorType: 'ipv4' as const };
    const s = summarizeFindings([
      finding({ ...ip, indicatorPort: 443 }),
      finding({ ...ip, indicatorPort: 8080 }),
      finding({ ...ip, indicatorPort: 443 }),
    ]);
    assert.deepEqual(
      s.indicators.map((i) => [i.indicatorPort, i.count]),
      [
        [443, 2],
        [8080, 1],
      ],
    );
  });

  it('summarises no findings', () => {
    const s = summarizeFindings([]);
    assert.deepEqual(s.indicators, []);
    assert.deepEqual(s.hosts, []);
    assert.equal(s.totals.findings, 0);
    assert.equal(s.totals.firstSeen, null);
  });
});
