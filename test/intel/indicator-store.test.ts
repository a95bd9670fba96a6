import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { mergeIndicators } from '../../src/intel/merge.js';
import { readIndicators, readIndicatorsLazy } from '../../src/intel/read.js';
import { LineSource } from '../../src/intel/source.js';
import { isoToSeconds, OTHER_TIME, secondsToIso } from '../../src/intel/store/columns.js';
import { IndicatorStore } from '../../src/intel/store/indicator-store.js';
import { StringArena } from '../../src/intel/store/string-arena.js';
import type { Indicator, Source } from '../../src/intel/types.js';
import { fixture } from './helpers.js';

const iso = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2300-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => `${d.toISOString().slice(0, 19)}Z`);
const list = fc.constantFrom<string[]>([], ['a'], ['b', 'a'], ['c2', 'exe'], ['a', 'c2']);
const source: fc.Arbitrary<Source> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('feed.csv', 'other.csv'),
      fc.nat(1000),
      fc.option(fc.webUrl(), { nil: undefined }),
      fc.option(fc.constantFrom('abuse_ch', 'someone'), { nil: undefined }),
    )
    .map(
      ([file, line, reference, reporter]) => new LineSource(file, 'threatfox-csv', line, reference, reporter),
    ),
  fc.nat(1000).map((n) => ({ file: 'b.json', location: `b.json#${n}`, format: 'stix' })),
);
const indicator: fc.Arbitrary<Indicator> = fc.record({
  type: fc.constantFrom('ipv4', 'domain', 'url'),
  // Few distinct values so that merges happen; one non-ASCII (a URL path as given) and one empty.
  value: fc.constantFrom('1.2.3.4', 'theponzu.com', 'http://x.com/ä', 'http://x.com/a', ''),
  port: fc.constantFrom(null, 443, 8080),
  host: fc.constantFrom(null, 'x.com', 'ƒ.com'),
  malware: fc.constantFrom(null, 'Nanocore RAT', 'AsyncRAT'),
  malwareIds: list,
  malwareAliases: list,
  threatType: fc.constantFrom(null, 'botnet_cc', 'payload'),
  firstSeen: fc.option(iso),
  lastSeen: fc.option(iso),
  validUntil: fc.option(iso),
  confidence: fc.option(fc.integer({ min: 0, max: 100 })),
  tags: list,
  sources: fc.array(source, { minLength: 1, maxLength: 2 }),
  flags: fc.constant([]),
}) as fc.Arbitrary<Indicator>;

const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

test('the columnar store merges exactly as mergeIndicators does', () => {
  fc.assert(
    fc.property(fc.array(indicator, { maxLength: 40 }), (indicators) => {
      const expected = mergeIndicators(indicators);
      const store = new IndicatorStore();
      for (const i of indicators) store.add({ ...i, sources: [...i.sources] });
      const actual = [...store];
      assert.equal(store.size, expected.length);
      assert.deepEqual(plain(actual), plain(expected));
      for (const [k, i] of actual.entries())
        assert.deepEqual(
          i.sources.map((s) => s.location),
          expected[k].sources.map((s) => s.location),
        );
    }),
    { numRuns: 300 },
  );
});

// 1000: past that many rows the table's entries stop carrying hash bits, part way through.
for (const taggedRows of [undefined, 1000])
  test(`the store finds rows again after its identity table grows (tagged rows: ${taggedRows ?? 'default'})`, () => {
    const store = new IndicatorStore(false, taggedRows);
    const base: Omit<Indicator, 'value' | 'confidence' | 'sources'> = {
      type: 'ipv4',
      port: 443,
      host: null,
      malware: null,
      malwareIds: [],
      malwareAliases: [],
      threatType: null,
      firstSeen: null,
      lastSeen: null,
      validUntil: null,
      tags: [],
      flags: [],
    };
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 100_000; i++)
        store.add({
          ...base,
          value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          confidence: round * 50 + (i % 50),
          sources: [new LineSource('f', 'threatfox-csv', round * 100_000 + i + 1)],
        });
    assert.equal(store.size, 100_000);
    const row = store.materialise(70_000);
    assert.equal(row.value, '10.1.17.112');
    assert.equal(row.confidence, 50 + (70_000 % 50));
    assert.deepEqual(
      row.sources.map((s) => s.location),
      ['f:70001', 'f:170001'],
    );
  });

test('timestamps: seconds encoding round-trips, out-of-range instants are marked', () => {
  fc.assert(
    fc.property(iso, (text) => {
      const seconds = isoToSeconds(text);
      const year = Number(text.slice(0, 4));
      if (year < 1970 || year > 2105) assert.equal(seconds, OTHER_TIME);
      else assert.equal(secondsToIso(seconds), text);
    }),
  );
  assert.equal(isoToSeconds('2026-04-25 10:11:12'), OTHER_TIME);
  // Instants sharing a slot of the recent-instants cache (4,096 apart) never return each other's text.
  const base = isoToSeconds('2026-04-25T10:11:12Z');
  for (let k = 0; k < 3; k++)
    for (const [seconds, text] of [
      [base, '2026-04-25T10:11:12Z'],
      [base + 4096, '2026-04-25T11:19:28Z'],
      [base - 4096 * 86_400, '2015-02-06T10:11:12Z'],
    ] as const)
      assert.equal(secondsToIso(seconds), text);
});

test('string arena returns every string as stored, ASCII or not', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.webUrl()),
      ),
      (strings) => {
        const arena = new StringArena();
        const ids = strings.map((s) => arena.add(s));
        assert.deepEqual(
          ids.map((id) => arena.get(id)),
          strings,
        );
        for (const [k, id] of ids.entries()) {
          assert.ok(arena.equals(id, strings[k]));
          assert.ok(!arena.equals(id, `${strings[k]}x`));
        }
      },
    ),
  );
});

test('readIndicatorsLazy yields what readIndicators returns, each iteration afresh', async () => {
  const inputs = [
    fixture('threatfox-2024.csv'),
    fixture('threatfox-2026-crlf.csv'),
    fixture('stix-bundle.json'),
  ];
  const whole = await readIndicators(inputs, { minConfidence: 50 });
  const lazy = await readIndicatorsLazy(inputs, { minConfidence: 50 });
  const first = [...lazy.indicators];
  assert.deepEqual(plain(first), plain(whole.indicators));
  assert.deepEqual(plain([...lazy.indicators]), plain(first));
  assert.notEqual([...lazy.indicators][0], first[0]);
  assert.deepEqual(lazy.rejected, whole.rejected);
  assert.ok(lazy.merged >= whole.indicators.length);
});

/** An indicator whose sources are all LineSources (only such stores can be sent between threads). */
const lineIndicator = indicator.map((i) => ({
  ...i,
  sources: i.sources.map((s) =>
    s instanceof LineSource ? s : new LineSource('feed.csv', 'threatfox-csv', 7, undefined, 'abuse_ch'),
  ),
}));

for (const taggedRows of [undefined, 30])
  test(`a store sent as columns merges into another as its rows added one by one (tagged rows: ${taggedRows ?? 'default'})`, () => {
    fc.assert(
      fc.property(
        fc.array(lineIndicator, { maxLength: 60 }),
        fc.array(fc.nat(60), { minLength: 3, maxLength: 3 }),
        (indicators, cuts) => {
          // Parts [0, c1), [c1, c2), [c2, c3) read by separate stores, the rest added afterwards.
          const [c1, c2, c3] = cuts.sort((a, b) => a - b);
          const copy = (i: (typeof indicators)[number]) => ({ ...i, sources: [...i.sources] });
          const expected = new IndicatorStore(true);
          const stores = [
            new IndicatorStore(true, taggedRows),
            new IndicatorStore(true),
            new IndicatorStore(true),
          ];
          const sent = (store: IndicatorStore) => structuredClone(store.toColumns().columns);
          indicators.forEach((i, k) => {
            if (k < c3) stores[k < c1 ? 0 : k < c2 ? 1 : 2].add(copy(i));
          });
          const [first, second, third] = stores;
          // structuredClone: the columns as another thread receives them
          first.mergeColumns(sent(second), 0);
          for (const i of indicators.slice(0, c2)) expected.add(copy(i));
          assert.equal(first.size, expected.size);
          assert.deepEqual(plain([...first]), plain([...expected]));
          first.mergeColumns(sent(third), 0);
          for (const i of indicators.slice(c2, c3)) expected.add(copy(i));
          assert.deepEqual(plain([...first]), plain([...expected]));
          for (const i of indicators.slice(c3)) {
            first.add(copy(i));
            expected.add(copy(i));
          }
          assert.equal(first.size, expected.size);
          assert.deepEqual(plain([...first]), plain([...expected]));
        },
      ),
      { numRuns: 300 },
    );
  });
