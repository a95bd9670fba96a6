/**
 * Property tests for the readers the intel property tests (test/intel/properties.test.ts) do not
 * cover: log ingestion fed random bytes and broken log lines, the config loader fed random YAML, and
 * the CEF line parser fed random text. Prints how many inputs each tried (figures in RELIABILITY.md).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { UserFacingError } from '../../src/cli/command.js';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/engine/database.js';
import { ingestLogs, parseCefLine } from '../../src/engine/ingest/index.js';

const dir = mkdtempSync(join(tmpdir(), 'huntforge-hardening-prop-'));
const tried = new Map<string, Map<string, number>>();
function count(what: string, outcome: string): void {
  const m = tried.get(what) ?? new Map<string, number>();
  m.set(outcome, (m.get(outcome) ?? 0) + 1);
  tried.set(what, m);
}
after(() => {
  rmSync(dir, { recursive: true, force: true });
  const lines = ['property-test inputs (reader: outcome × inputs):'];
  for (const [what, outcomes] of tried)
    for (const [outcome, n] of outcomes) lines.push(`  ${what}: ${outcome} × ${n}`);
  console.log(lines.join('\n'));
});

const LOG_NAMES = [
  'DnsEvents.jsonl',
  'DeviceNetworkEvents.json',
  'CommonSecurityLog.csv',
  'CommonSecurityLog.cef',
  'dns.log',
  'conn.log',
  'MyApp_CL.tsv',
];

const GOOD_LINES: Record<string, string> = {
  'DnsEvents.jsonl': '{"TimeGenerated":"2026-04-25T10:00:00Z","Computer":"dc01","Name":"a.example.org"}',
  'DeviceNetworkEvents.json': '[{"TimeGenerated":"2026-04-25T10:00:00Z","RemoteIP":"104.21.3.4"}',
  'CommonSecurityLog.csv': 'TimeGenerated,SourceIP,DestinationIP\n2026-04-25T10:00:00Z,10.0.0.5,104.21.3.4',
  'CommonSecurityLog.cef': '<134>Apr 25 10:00:00 fw01 CEF:0|V|P|1|1|n|3|src=10.0.0.5 dst=104.21.3.4',
  'dns.log': '#separator \\x09\n#path\tdns\n#fields\tts\tuid\tquery\n1777111200.5\tC1\ta.example.org',
  'conn.log': '{"ts":1777111200.5,"uid":"C1","id.orig_h":"10.0.0.5","id.resp_h":"104.21.3.4"}',
  'MyApp_CL.tsv': 'TimeGenerated\tHost\n2026-04-25T10:00:00Z\th1',
};

/** Random bytes, or a good start of the format followed by random bytes or random text. */
const logContent = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 300, unit: 'binary' }).map((s) => Buffer.from(s, 'utf8')),
);

let fileNumber = 0;

test('no bytes in a log file make ingestLogs throw or lose the location of a bad record', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...LOG_NAMES),
      fc.boolean(),
      logContent,
      fc.boolean(),
      async (name, goodStart, body, goodEnd) => {
        const sub = join(dir, String(fileNumber++));
        mkdirSync(sub);
        const path = join(sub, name);
        const good = GOOD_LINES[name];
        writeFileSync(
          path,
          Buffer.concat([
            Buffer.from(goodStart ? `${good}\n` : ''),
            body,
            Buffer.from(goodEnd ? `\n${good.split('\n').at(-1)}\n` : ''),
          ]),
        );
        const db = await openDatabase();
        try {
          const report = await ingestLogs(db, [path]);
          const [file] = report.files;
          assert.ok(file.rows >= 0);
          for (const line of file.firstMalformed) assert.ok(line.startsWith(`${path}:`), line);
          for (const w of report.warnings) assert.ok(w.startsWith(`${path}:`), w);
          if (file.malformed > 0) assert.ok(file.firstMalformed.length > 0, `${path}: malformed, unlocated`);
          if (file.malformed === 0 && report.warnings.length === 0) count('ingestLogs', 'read clean');
          else if (report.warnings.some((w) => w.includes('could not be read')))
            count('ingestLogs', 'file refused with a message');
          else count('ingestLogs', 'read, bad records rejected');
        } catch (err) {
          assert.ok(err instanceof UserFacingError, `unexpected ${(err as Error).stack}`);
          assert.ok(err.message.includes(path), err.message);
          count('ingestLogs', 'file refused with a message');
        } finally {
          db.close();
          rmSync(sub, { recursive: true, force: true });
        }
      },
    ),
    { numRuns: 150 },
  );
});

/** Config-shaped values with the wrong types in every place, plus anything JSON can hold. */
const configLike = fc.record(
  {
    lookback: fc.oneof(fc.constant('14d'), fc.jsonValue()),
    threatfox: fc.oneof(fc.record({ authKey: fc.oneof(fc.string(), fc.jsonValue()) }), fc.jsonValue()),
    lists: fc.oneof(fc.dictionary(fc.string(), fc.array(fc.string())), fc.jsonValue()),
    exclusions: fc.oneof(
      fc.array(
        fc.record(
          {
            id: fc.oneof(fc.string(), fc.jsonValue()),
            reason: fc.string(),
            field: fc.constantFrom('host', 'srcIp', 'commandLine', 'user', 'hots', ''),
            equals: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
            cidr: fc.array(fc.string()),
            regex: fc.array(fc.string()),
            scope: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
            any: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
      ),
      fc.jsonValue(),
    ),
  },
  { requiredKeys: [] },
);

const yamlText = fc.oneof(
  fc.string({ maxLength: 200, unit: 'binary' }),
  fc.jsonValue().map((v) => stringify(v)),
  configLike.map((v) => stringify(v)),
  // a valid-looking document cut anywhere, or with a character flipped
  fc.tuple(configLike, fc.nat(), fc.string({ maxLength: 3 })).map(([v, cut, junk]) => {
    const text = stringify(v);
    const at = text.length === 0 ? 0 : cut % text.length;
    return text.slice(0, at) + junk + text.slice(at + 1);
  }),
);

test('no YAML makes parseConfig throw anything but a ConfigError with file:line problems', () => {
  fc.assert(
    fc.property(yamlText, (text) => {
      try {
        const config = parseConfig(text, 'fuzz.yaml');
        assert.ok(Array.isArray(config.exclusions));
        count('parseConfig', 'read');
      } catch (err) {
        assert.ok(err instanceof ConfigError, `unexpected ${(err as Error).stack}`);
        for (const line of err.message.split('\n')) assert.match(line, /^fuzz\.yaml:\d+: /);
        count('parseConfig', 'refused with file:line problems');
      }
    }),
    { numRuns: 1500 },
  );
});

const cefLike = fc.oneof(
  fc.string({ maxLength: 300, unit: 'binary' }),
  fc
    .tuple(
      fc.array(fc.string({ maxLength: 12 }), { maxLength: 10 }),
      fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 })), { maxLength: 8 }),
      fc.constantFrom('', '<134>Apr 25 10:00:00 fw01 ', '<134>1 2026-04-25T10:05:00Z fw - - - ', 'garbage '),
    )
    .map(
      ([header, ext, prefix]) =>
        `${prefix}CEF:${header.join('|')}|${ext.map(([k, v]) => `${k}=${v}`).join(' ')}`,
    ),
);

test('no line makes the CEF parser throw; a rejected line says why', () => {
  fc.assert(
    fc.property(cefLike, (line) => {
      const parsed = parseCefLine(line, new Date('2026-04-25T12:00:00Z'));
      if (parsed.ok) count('parseCefLine', 'parsed');
      else {
        assert.ok(parsed.reason.length > 0);
        count('parseCefLine', 'rejected with a reason');
      }
    }),
    { numRuns: 3000 },
  );
});
