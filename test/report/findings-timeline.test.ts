import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTimeline, MAX_BUCKETS } from '../../src/report/findings-timeline.js';
import { finding } from './findings-fixtures.js';

describe('buildTimeline', () => {
  it('puts findings at one instant in one bucket', () => {
    const t = buildTimeline([finding({}), finding({ host: 'b' })], 'host');
    assert.ok(t);
    assert.equal(t.bucketStarts.length, 1);
    assert.deepEqual(t.counts, [[1, 1]]);
    assert.equal(t.max, 2);
  });

  it('chooses a bucket size that keeps the bars readable, aligned to UTC', () => {
    const day = (d: number, h = 0) => new Date(Date.UTC(2026, 3, d, h, 7)).toISOString();
    const t = buildTimeline(
      [finding({ timestamp: day(1) }), finding({ timestamp: day(20, 23) })],
      'indicator',
    );
    assert.ok(t);
    assert.equal(t.bucketName, '12-hour');
    assert.ok(t.bucketStarts.length <= MAX_BUCKETS);
    assert.equal(new Date(t.bucketStarts[0]).toISOString(), '2026-04-01T00:00:00.000Z');
    assert.equal(t.counts[0][0], 1);
    assert.equal(t.counts[t.counts.length - 1][0], 1);
    const years = buildTimeline(
      [finding({ timestamp: '2020-01-01T00:00:00Z' }), finding({ timestamp: '2026-01-01T00:00:00Z' })],
      'indicator',
    );
    assert.ok(years && years.bucketStarts.length <= MAX_BUCKETS, 'spans of years still fit');
  });

  it('gathers series beyond the top ones into "others", keeping every hit', () => {
    const findings = Array.from({ length: 20 }, (_, i) =>
      finding({ host: `h${i}`, timestamp: `2026-04-25T10:${String(i).padStart(2, '0')}:00Z` }),
    );
    findings.push(finding({ host: 'h0', timestamp: '2026-04-25T10:30:00Z' }));
    const t = buildTimeline(findings, 'host', 4);
    assert.ok(t);
    assert.deepEqual(
      t.series.map((s) => [s.label, s.total, s.other]),
      [
        ['h0', 2, false],
        ['h1', 1, false],
        ['h10', 1, false],
        ['17 others', 17, true],
      ],
    );
    assert.equal(
      t.counts.flat().reduce((a, b) => a + b, 0),
      21,
    );
  });

  it('leaves findings without a timestamp out, and is null when none has one', () => {
    assert.equal(buildTimeline([finding({ timestamp: null })], 'indicator'), null);
    assert.equal(buildTimeline([], 'indicator'), null);
    const t = buildTimeline([finding({ timestamp: null }), finding({})], 'indicator');
    assert.equal(t?.untimed, 1);
  });
});
