/**
 * Every file of the malformed-input corpus (test/corpus, made by test/corpus/make-corpus.mjs) through
 * the reader it targets: the intel readers, log ingestion, and the config loader. Each input must end
 * cleanly — read with its bad records rejected at a location and the good records around them kept, or
 * the whole file refused with a message naming it — and never throw an unexpected error or hang.
 * Large inputs (lines of a megabyte and more) are generated here rather than committed.
 * Prints a tally of inputs and outcomes (the figures in RELIABILITY.md).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UserFacingError } from '../../src/cli/command.js';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/engine/database.js';
import { ingestLogs } from '../../src/engine/ingest/index.js';
import { readIndicators } from '../../src/intel/read.js';

const CORPUS = resolve('test/corpus');
const INPUT_TIME_LIMIT_MS = 20_000;

type Outcome = 'read clean' | 'read, bad records rejected' | 'file refused with a message';
const tally = new Map<string, Map<Outcome, number>>();
function count(reader: string, outcome: Outcome): void {
  const byOutcome = tally.get(reader) ?? new Map<Outcome, number>();
  byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
  tally.set(reader, byOutcome);
}

/** Fails (instead of waiting for ever) when one input takes longer than the limit. */
async function timeGuard<T>(label: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label}: took longer than ${INPUT_TIME_LIMIT_MS / 1000} s`)),
      INPUT_TIME_LIMIT_MS,
    );
  });
  try {
    return await Promise.race([work(), limit]);
  } finally {
    clearTimeout(timer);
  }
}

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'huntforge-corpus-'));
});
after(() => {
  rmSync(work, { recursive: true, force: true });
  const lines = ['malformed-input corpus outcomes (reader: outcome × inputs):'];
  let total = 0;
  for (const [reader, outcomes] of tally) {
    for (const [outcome, n] of outcomes) {
      lines.push(`  ${reader}: ${outcome} × ${n}`);
      total += n;
    }
  }
  lines.push(`  total inputs: ${total}, crashes: 0, hangs: 0`);
  console.log(lines.join('\n'));
});

// ---------------------------------------------------------------- intel readers

interface IntelCase {
  /** Values (canonical) that must survive next to the bad records. */
  keep?: string[];
  /** At least this many records rejected, each with a location in this file. */
  rejected?: number;
  /** The file is refused as a whole with a message naming it and matching this. */
  refused?: RegExp;
}

const INTEL: Record<string, IntelCase> = {
  'deep-nested-array.json': { refused: /not valid JSON/ },
  'deep-nested-object.json': { refused: /not a recognised format/ },
  'empty.json': {},
  'json-nul.json': { refused: /binary \(contains NUL bytes\)/ },
  'list-mixed-encodings.txt': {
    keep: ['utf8-ok.example.org', 'xn--mnchen-utf8-thb.example.org', '198.51.100.23'],
    rejected: 2,
  },
  'list-utf16be-bom.txt': {
    keep: ['http://defanged.example.com/gate.php', '203.0.113.9', 'foo-bad-thing.org'],
  },
  'list-utf16le-bom.txt': {
    keep: ['http://defanged.example.com/gate.php', '203.0.113.9', 'foo-bad-thing.org'],
  },
  'list-utf8-bom-crlf.txt': {
    keep: ['http://defanged.example.com/gate.php', '203.0.113.9', 'foo-bad-thing.org'],
  },
  'misp-event-not-object.json': { refused: /not a recognised format/ },
  'misp-wrong-types.json': {
    keep: ['misp-good.example.org', 'only-domain.example.org', '203.0.113.200'],
    rejected: 8,
  },
  'stix-broken-patterns.json': { keep: ['stix-good.example.org', '203.0.113.77'], rejected: 9 },
  'stix-objects-not-array.json': { refused: /no 'objects' list/ },
  'text-control-chars.txt': { keep: ['ok-after-controls.example.org'], rejected: 2 },
  'text-nul-bytes.txt': { refused: /binary/ },
  'threatfox-api-data-not-array.json': { refused: /no 'data' list/ },
  'threatfox-api-truncated.json': { refused: /not valid JSON/ },
  'threatfox-api-wrong-types.json': {
    keep: ['good-one.example.org', 'evil.example.net', 'good-two.example.org'],
    rejected: 5,
  },
  'threatfox-bom-crlf.csv': { keep: ['first-good.example.org', '198.51.100.7'] },
  'threatfox-invalid-utf8.csv': {
    keep: ['before-bad-bytes.example.org', 'after-bad-bytes.example.org'],
    rejected: 1,
  },
  'threatfox-nul.csv': { refused: /binary/ },
  'threatfox-truncated.csv': { keep: ['first-good.example.org', '198.51.100.7'], rejected: 1 },
  'threatfox-unbalanced-quotes.csv': {
    keep: ['first-good.example.org', '198.51.100.7', 'last-good.example.org'],
    rejected: 2,
  },
  'threatfox-wrong-column-count.csv': { keep: ['kept.example.org'], rejected: 2 },
};

const CSV_HEADER =
  '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","reference","tags","anonymous","reporter"\n';
const csvRow = (id: number, ioc: string) =>
  `"2026-04-25 10:00:00", "${id}", "${ioc}", "domain", "botnet_cc", "win.nanocore", "", "NanoCore RAT", "", "75", "None", "", "0", "x"\n`;

/** Generated inputs: name → [content, expectation]. */
function generatedIntel(): [string, string, IntelCase][] {
  const mega = 'x'.repeat(1_100_000);
  return [
    // a line past the 1 MiB line limit: rejected at its line, neighbours kept
    [
      'list-1mb-line.txt',
      `before-long.example.org\n${mega}\nafter-long.example.org\n`,
      { keep: ['before-long.example.org', 'after-long.example.org'], rejected: 1 },
    ],
    [
      'threatfox-1mb-line.csv',
      CSV_HEADER + csvRow(1, 'csv-before.example.org') + csvRow(2, mega) + csvRow(3, 'csv-after.example.org'),
      { keep: ['csv-before.example.org', 'csv-after.example.org'], rejected: 1 },
    ],
    // a line just under the limit: read, its value rejected as not an indicator
    [
      'list-1mb-value.txt',
      `first.example.org\n${'y'.repeat(1_000_000)}.example.org\nlast.example.org\n`,
      { keep: ['first.example.org', 'last.example.org'], rejected: 1 },
    ],
    // a 1 MB free-text report line with an indicator at its very end
    [
      'report-1mb-line.md',
      `# Report\n\nThe actor used ${'word '.repeat(200_000)}and evil-at-the-end[.]example[.]net\n`,
      { keep: ['evil-at-the-end.example.net'] },
    ],
  ];
}

async function checkIntel(path: string, expected: IntelCase): Promise<void> {
  const result = await timeGuard(path, () => readIndicators([path]));
  const values = result.indicators.map((i) => i.value);
  for (const error of result.errors) {
    assert.ok(error.startsWith(`${path}: `), `error does not name the file: ${error}`);
    assert.doesNotMatch(error, /internal error/, error);
  }
  for (const r of result.rejected) {
    assert.match(r.location, /^.+(:\d+|#.+)$/, `rejection without a location: ${JSON.stringify(r)}`);
    assert.ok(r.location.startsWith(path), r.location);
    assert.ok(r.reason.length > 0);
  }
  if (expected.refused) {
    assert.equal(result.errors.length, 1, `${path} should be refused`);
    assert.match(result.errors[0], expected.refused);
    count('intel readers', 'file refused with a message');
    return;
  }
  assert.deepEqual(result.errors, [], `${path} was refused`);
  for (const value of expected.keep ?? []) assert.ok(values.includes(value), `${path}: lost ${value}`);
  assert.ok(result.rejected.length >= (expected.rejected ?? 0), `${path}: too few rejections`);
  if (expected.rejected === undefined)
    assert.deepEqual(result.rejected, [], `${path}: unexpected rejections`);
  count('intel readers', result.rejected.length > 0 ? 'read, bad records rejected' : 'read clean');
}

describe('intel readers on the corpus', () => {
  test('every committed intel input has an expectation', () => {
    const files = readdirSorted(join(CORPUS, 'intel'));
    assert.deepEqual(files, Object.keys(INTEL).sort());
  });
  for (const [name, expected] of Object.entries(INTEL)) {
    test(`intel/${name}`, { timeout: INPUT_TIME_LIMIT_MS + 5_000 }, () =>
      checkIntel(join(CORPUS, 'intel', name), expected),
    );
  }
  for (const [name, content, expected] of generatedIntel()) {
    test(`generated ${name}`, { timeout: INPUT_TIME_LIMIT_MS + 5_000 }, () => {
      const path = join(work, name);
      writeFileSync(path, content);
      return checkIntel(path, expected);
    });
  }
});

// ---------------------------------------------------------------- log ingestion

interface LogCase {
  rows: number;
  malformed?: number;
  /** The whole file could not be read: a warning names it, the run goes on. */
  unreadable?: RegExp;
  /** A column and values that must be among the ingested rows. */
  keep?: [column: string, values: string[]];
}

const LOGS: Record<string, LogCase> = {
  'cef-broken-escapes/CommonSecurityLog.cef': {
    rows: 7,
    malformed: 3,
    keep: ['SourceIP', ['10.0.0.5', '10.0.0.9']],
  },
  'cef-nul-utf8/CommonSecurityLog.cef': { rows: 3, keep: ['SourceIP', ['10.0.0.5', '10.0.0.7']] },
  'csv-bom-crlf/CommonSecurityLog.csv': { rows: 1, keep: ['SourceIP', ['10.0.0.5']] },
  'csv-header-only/CommonSecurityLog.csv': { rows: 0 },
  'csv-nul-invalid-utf8/CommonSecurityLog.csv': { rows: 1, malformed: 1, keep: ['SourceIP', ['10.0.0.5']] },
  // the stray quote is kept as text ('"Palo'); the row is not lost
  'csv-unbalanced/CommonSecurityLog.csv': {
    rows: 3,
    keep: ['SourceIP', ['10.0.0.5', '10.0.0.6', '10.0.0.7']],
  },
  'csv-wrong-columns/CommonSecurityLog.csv': {
    rows: 2,
    malformed: 2,
    keep: ['SourceIP', ['10.0.0.5', '10.0.0.7']],
  },
  'json-array-truncated/DeviceNetworkEvents.json': { rows: 0, unreadable: /Malformed JSON/ },
  // the first line's UTF-8 byte-order mark makes DuckDB reject that line; it is counted with its line number
  'json-bom-crlf/DnsEvents.jsonl': {
    rows: 2,
    malformed: 0,
    keep: ['Name', ['bom1.example.org', 'bom2.example.org']],
  },
  // a 20,000-deep but closed array is a value; the unclosed one is malformed, the record after it kept
  'json-deep/DnsEvents.jsonl': {
    rows: 3,
    malformed: 1,
    keep: ['Name', ['deep-before.example.org', 'deep-after.example.org']],
  },
  'json-empty/DnsEvents.jsonl': { rows: 0 },
  'json-invalid-utf8/DnsEvents.jsonl': {
    rows: 2,
    malformed: 1,
    keep: ['Name', ['utf-before.example.org', 'utf-after.example.org']],
  },
  'json-nul/DnsEvents.jsonl': {
    rows: 2,
    malformed: 2,
    keep: ['Name', ['nul-before.example.org', 'nul-after.example.org']],
  },
  'json-truncated/DnsEvents.jsonl': {
    rows: 2,
    malformed: 1,
    keep: ['Name', ['kept.example.org', 'kept2.example.org']],
  },
  'json-utf16/DnsEvents.jsonl': { rows: 0, unreadable: /UTF-16/ },
  'json-wrong-types/DnsEvents.jsonl': {
    rows: 5,
    malformed: 4,
    keep: ['Name', ['good-first.example.org', 'good-last.example.org']],
  },
  'zeek-fields-short/dns.log': { rows: 1, malformed: 1 },
  // the line cut off after `"query":` used to take the good record after it along
  'zeek-json-wrong-types/dns.log': {
    rows: 3,
    malformed: 1,
    keep: ['DnsQuery', ['good.example.org', 'good2.example.org']],
  },
  'zeek-missing-fields/dns.log': { rows: 0, unreadable: /without a #fields header/ },
  'zeek-truncated-rows/conn.log': { rows: 3, malformed: 1 },
};

function generatedLogs(): [string, string, LogCase][] {
  const dns = (name: string) =>
    `{"TimeGenerated":"2026-04-25T10:00:00Z","Computer":"dc01","ClientIP":"10.0.0.5","Name":"${name}"}\n`;
  return [
    [
      'long/DnsEvents.jsonl',
      dns('long-before.example.org') + dns('z'.repeat(1_000_000)) + dns('long-after.example.org'),
      { rows: 3, keep: ['Name', ['long-before.example.org', 'long-after.example.org']] },
    ],
    [
      'deep-array/DnsEvents.jsonl',
      dns('arr-before.example.org') + '['.repeat(100_000) + '\n' + dns('arr-after.example.org'),
      { rows: 2, malformed: 1, keep: ['Name', ['arr-before.example.org', 'arr-after.example.org']] },
    ],
  ];
}

async function checkLog(path: string, expected: LogCase): Promise<void> {
  const db = await openDatabase();
  try {
    const report = await timeGuard(path, async () => {
      try {
        return await ingestLogs(db, [path]);
      } catch (err) {
        assert.ok(err instanceof UserFacingError, `unexpected ${(err as Error).stack}`);
        assert.ok(err.message.includes(path), `message does not name the file: ${err.message}`);
        throw err;
      }
    });
    const [file] = report.files;
    for (const line of file.firstMalformed)
      assert.ok(line.startsWith(`${path}:`), `malformed record without file:line: ${line}`);
    if (file.malformed > 0) assert.ok(file.firstMalformed.length > 0, `${path}: malformed but not located`);
    if (expected.unreadable) {
      assert.equal(file.rows, 0);
      assert.equal(report.warnings.length, 1);
      assert.ok(report.warnings[0].startsWith(`${path}: could not be read`), report.warnings[0]);
      assert.match(report.warnings[0], expected.unreadable);
      count('log ingestion', 'file refused with a message');
      return;
    }
    assert.equal(file.rows, expected.rows, `${path}: rows`);
    assert.ok(file.malformed >= (expected.malformed ?? 0), `${path}: malformed ${file.malformed}`);
    if (expected.malformed === undefined) assert.equal(file.malformed, 0, `${path}: unexpected malformed`);
    if (expected.keep) {
      const [column, values] = expected.keep;
      const rows = await db.query<Record<string, unknown>>(`SELECT "${column}" AS v FROM "${file.table}"`);
      const got = rows.map((r) => String(r.v));
      for (const value of values) assert.ok(got.includes(value), `${path}: lost ${value} (${got})`);
    }
    count('log ingestion', file.malformed > 0 ? 'read, bad records rejected' : 'read clean');
  } finally {
    db.close();
  }
}

describe('log ingestion on the corpus', () => {
  test('every committed log input has an expectation', () => {
    const files = readdirSorted(join(CORPUS, 'logs')).flatMap((dir) =>
      readdirSorted(join(CORPUS, 'logs', dir)).map((f) => `${dir}/${f}`),
    );
    assert.deepEqual(files, Object.keys(LOGS).sort());
  });
  for (const [name, expected] of Object.entries(LOGS)) {
    test(`logs/${name}`, { timeout: INPUT_TIME_LIMIT_MS + 5_000 }, () =>
      checkLog(join(CORPUS, 'logs', name), expected),
    );
  }
  for (const [name, content, expected] of generatedLogs()) {
    test(`generated ${name}`, { timeout: INPUT_TIME_LIMIT_MS + 5_000 }, () => {
      const path = join(work, 'logs', name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content);
      return checkLog(path, expected);
    });
  }
});

/**
 * DuckDB's newline-delimited JSON reader, after a line cut off where a value was due (`[[[`,
 * `{"Name":`), reads on into the next line and loses it with the bad one (counting both malformed).
 * Ingestion finds such lines once DuckDB reports malformed records and loads them again.
 */
test('a JSON Lines record right after an unclosed one is kept', async () => {
  const line = (name: string) => `{"TimeGenerated":"2026-04-25T10:00:00Z","Name":"${name}.example.org"}\n`;
  // [file content, bad line numbers]: every good record kept, exactly the bad lines malformed
  const cases: [string, string, number[]][] = [
    ['array', `${line('one')}[[[\n${line('two')}${line('three')}`, [2]],
    ['object', `${line('one')}{"Name": \n${line('two')}${line('three')}`, [2]],
    ['two in a row', `${line('one')}[[[\n[[[\n${line('two')}${line('three')}`, [2, 3]],
    ['blank line between', `${line('one')}[[[\n\n${line('two')}${line('three')}`, [2]],
    ['two apart', `${line('one')}[[[\n${line('two')}{"Name":[\n${line('three')}${line('four')}`, [2, 4]],
    ['closed but broken', `${line('one')}{"Name":"x",\n${line('two')}${line('three')}`, [2]],
    ['and a record of nulls', `${line('one')}[[[\n${line('two')}{"Name":null}\n${line('three')}`, [2, 4]],
  ];
  for (const [name, content, badLines] of cases) {
    const path = join(work, 'swallow', name.replaceAll(' ', '-'), 'DnsEvents.jsonl');
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
    const good = [...content.matchAll(/"Name":"(\w+\.example\.org)"/g)].map((m) => m[1]);
    await checkLog(path, { rows: good.length, malformed: badLines.length, keep: ['Name', good] });
    const db = await openDatabase();
    try {
      const [file] = (await ingestLogs(db, [path])).files;
      assert.equal(file.malformed, badLines.length, `${name}: malformed`);
      assert.deepEqual(
        file.firstMalformed.map((m) => Number(m.slice(path.length + 1).split(' ')[0])),
        badLines,
        `${name}: located lines`,
      );
    } finally {
      db.close();
    }
  }
});

// ---------------------------------------------------------------- config loader

/** true: a valid config; a RegExp: refused with problems at file:line, one of them matching. */
const CONFIG: Record<string, true | RegExp> = {
  'alias-bomb.yaml': /unknown key|alias|exclusions/i,
  'binary.yaml': /YAML:/,
  'bom-crlf.yaml': true,
  'deep-nesting.yaml': /YAML:|exclusions/,
  'duplicate-keys.yaml': /Map keys must be unique/,
  'empty.yaml': true,
  'json-array.yaml': /expected a mapping/,
  'not-yaml.yaml': /YAML:/,
  'scalar.yaml': /expected a mapping/,
  'tags.yaml': /Unresolved tag|expected/,
  'utf16-bom.yaml': /expected a mapping/,
  'wrong-types.yaml': /expected a list of exclusions/,
};

describe('config loader on the corpus', () => {
  test('every committed config input has an expectation', () => {
    assert.deepEqual(readdirSorted(join(CORPUS, 'config')), Object.keys(CONFIG).sort());
  });
  for (const [name, expected] of Object.entries(CONFIG)) {
    test(`config/${name}`, { timeout: INPUT_TIME_LIMIT_MS + 5_000 }, async () => {
      const path = join(CORPUS, 'config', name);
      const text = readFileSync(path, 'utf8');
      await timeGuard(path, async () => {
        try {
          const config = parseConfig(text, path);
          assert.equal(expected, true, `${name} should be refused`);
          assert.ok(Array.isArray(config.exclusions));
          count('config loader', 'read clean');
        } catch (err) {
          assert.ok(err instanceof ConfigError, `unexpected ${(err as Error).stack}`);
          assert.notEqual(expected, true, err.message);
          for (const line of err.message.split('\n'))
            assert.ok(line.startsWith(`${path}:`), `problem without file:line: ${line}`);
          assert.match(err.message, expected as RegExp);
          count('config loader', 'file refused with a message');
        }
      });
    });
  }
});

function readdirSorted(dir: string): string[] {
  return readdirSync(dir).sort();
}
