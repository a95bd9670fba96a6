/**
 * On the bundled example (examples/nanocore/logs, ingested by the engine):
 * - the seed's three queries, verbatim, return exactly the rows Kusto's semantics give, newest
 *   first — the expectation computed here in plain JS from every row of the table;
 * - every hunt huntforge generates from the example feed returns, through `huntforge kql`, the same
 *   rows as the engine's direct SQL execution (the differential check).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { indicatorFilter, readInputs } from '../../src/cli/intel-input.js';
import { type HuntDatabase, openDatabase } from '../../src/engine/database.js';
import { ingestLogs } from '../../src/engine/ingest/index.js';
import { runLocalHunts } from '../../src/engine/run-hunts.js';
import { generateFromIndicators } from '../../src/generate/generate.js';
import { runKql } from '../../src/kql/run.js';

const root = join(import.meta.dirname, '..', '..');
const example = join(root, 'examples', 'nanocore');
const seedQuery = (name: string) => readFileSync(join(import.meta.dirname, 'corpus', 'seed', name), 'utf8');

let db: HuntDatabase;

before(async () => {
  db = await openDatabase();
  await ingestLogs(db, [join(example, 'logs')]);
});

after(() => db?.close());

const isTermChar = (ch: string) => /[\p{L}\p{N}]/u.test(ch);

/** Kusto's `has` for one needle, written as a scan: a case-insensitive occurrence whose
 *  alphanumeric edges are not glued to other alphanumerics. */
function has(text: string, needle: string): boolean {
  const t = text.toLowerCase();
  const n = needle.toLowerCase();
  for (let at = t.indexOf(n); at >= 0; at = t.indexOf(n, at + 1)) {
    const before = at === 0 ? '' : t[at - 1];
    const after = at + n.length >= t.length ? '' : t[at + n.length];
    const startOk = !isTermChar(n[0]) || before === '' || !isTermChar(before);
    const endOk = !isTermChar(n[n.length - 1]) || after === '' || !isTermChar(after);
    if (startOk && endOk) return true;
  }
  return false;
}

/** Newest first, nulls last — Kusto's `order by X desc`. */
function newestFirst(rows: Record<string, unknown>[], column: string): Record<string, unknown>[] {
  return [...rows].sort((a, b) => {
    const x = a[column] as string | null;
    const y = b[column] as string | null;
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? 1 : -1;
  });
}

function pick(rows: Record<string, unknown>[], columns: string[]): Record<string, unknown>[] {
  return rows.map((r) =>
    Object.fromEntries(columns.map((c) => [c, r[c] ?? (c.endsWith('Port') ? null : '')])),
  );
}

const IPS = ['172.67.208.215', '172.67.159.51', '104.21.9.66'];

describe("the seed's three queries on examples/nanocore/logs", () => {
  test('DnsEvents | where Name has_any (...) — term-phrase matches, newest first', async () => {
    const all = await db.query('SELECT * FROM DnsEvents');
    const domains = ['airtellwireless.it.com', 'theponzu.com', 'sc88884.com'];
    const columns = ['TimeGenerated', 'Computer', 'Name', 'IPAddresses', 'QueryType'];
    const expected = pick(
      newestFirst(
        all.filter((r) => domains.some((d) => has(String(r.Name ?? ''), d))),
        'TimeGenerated',
      ),
      columns,
    );
    assert.ok(expected.length > 0, 'the example has DNS hits');
    const r = await runKql(db, seedQuery('dnsevents.kql'));
    assert.deepEqual(r.rows, expected);
  });

  test('CommonSecurityLog | where DestinationIP in (...) or SourceIP in (...) — newest first', async () => {
    const all = await db.query('SELECT * FROM CommonSecurityLog');
    const columns = [
      'TimeGenerated',
      'SourceIP',
      'DestinationIP',
      'DestinationPort',
      'DeviceAction',
      'Activity',
    ];
    const expected = pick(
      newestFirst(
        all.filter((r) => IPS.includes(String(r.DestinationIP)) || IPS.includes(String(r.SourceIP))),
        'TimeGenerated',
      ),
      columns,
    );
    assert.ok(expected.length > 0, 'the example has firewall hits');
    const r = await runKql(db, seedQuery('commonsecuritylog.kql'));
    assert.deepEqual(r.rows, expected);
  });

  test('DeviceNetworkEvents | where RemoteIP in (...) — newest first', async () => {
    const all = await db.query('SELECT * FROM DeviceNetworkEvents');
    const columns = [
      'Timestamp',
      'DeviceName',
      'RemoteIP',
      'RemotePort',
      'InitiatingProcessFileName',
      'ActionType',
    ];
    const expected = pick(
      newestFirst(
        all.filter((r) => IPS.includes(String(r.RemoteIP))),
        'Timestamp',
      ),
      columns,
    );
    assert.ok(expected.length > 0, 'the example has endpoint hits');
    const r = await runKql(db, seedQuery('devicenetworkevents.kql'));
    assert.deepEqual(r.rows, expected);
  });
});

describe('differential: generated hunts through huntforge kql vs the engine', () => {
  test('every generated query returns the rows the engine finds for its hunt', async () => {
    const read = await readInputs('hunt', [join(example, 'feed.json')], indicatorFilter({}, false));
    const now = new Date('2026-05-01T00:00:00Z');
    const generated = generateFromIndicators(read, { now });
    const lookbackMs = 14 * 86_400_000;
    const engine = await runLocalHunts(db, generated.plan.hunts, {
      since: new Date(now.getTime() - lookbackMs),
    });
    const tables = new Set(await db.tableNames());
    let compared = 0;
    let matched = 0;
    for (const q of generated.queries) {
      const ran = engine.summary.hunts.find((h) => h.huntId === q.hunt.id);
      if (ran?.status !== 'ran' || !tables.has(ran.table)) continue;
      const viaKql = await runKql(db, q.kql, { now });
      const time = viaKql.columns.find((c) => c.name === 'TimeGenerated' || c.name === 'Timestamp')!.name;
      // Behaviour hunts have no MatchedIndicator column: their rows compare by time alone.
      const hasIndicator = viaKql.columns.some((c) => c.name === 'MatchedIndicator');
      const kqlRows = viaKql.rows.map((r) => `${r[time]} ${hasIndicator ? r.MatchedIndicator : ''}`).sort();
      const engineRows = engine.findings
        .filter((f) => f.huntId === q.hunt.id)
        .map((f) => `${f.timestamp} ${hasIndicator ? f.row.MatchedIndicator : ''}`)
        .sort();
      assert.deepEqual(kqlRows, engineRows, `${q.platform} ${q.file}`);
      compared++;
      matched += kqlRows.length;
    }
    assert.ok(compared >= 3, `only ${compared} hunts compared`);
    assert.ok(matched > 0, 'the example has findings to compare');
  });
});
