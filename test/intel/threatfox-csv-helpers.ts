/**
 * ThreatFox CSV text for the fast-path and worker tests: an export header, realistic rows, and
 * hostile rows (every field a canonicaliser or splitter can trip on), plus a way to read text
 * through either the general reader or the direct one and see everything a read produces.
 */
import { StringDecoder } from 'node:string_decoder';
import fc from 'fast-check';
import { feedLines } from '../../src/intel/lines.js';
import { ThreatFoxCsvReader } from '../../src/intel/readers/threatfox-csv.js';
import { ThreatFoxCsvByteReader } from '../../src/intel/readers/threatfox-csv-bytes.js';
import { ThreatFoxCsvDirectReader } from '../../src/intel/readers/threatfox-csv-direct.js';
import { canonicalisingSink } from '../../src/intel/sink.js';
import { IndicatorStore } from '../../src/intel/store/indicator-store.js';
import type { Rejection } from '../../src/intel/types.js';

export const COLUMNS = [
  'first_seen_utc',
  'ioc_id',
  'ioc_value',
  'ioc_type',
  'threat_type',
  'fk_malware',
  'malware_alias',
  'malware_printable',
  'last_seen_utc',
  'confidence_level',
  'is_compromised',
  'reference',
  'tags',
  'anonymous',
  'reporter',
] as const;

export type Row = Partial<Record<(typeof COLUMNS)[number], string>>;

export const BANNER =
  '################################################################\n' +
  '# ThreatFox IOCs: additions - CSV format (full dump)           #\n' +
  '################################################################\n#\n';

export const header = (columns: readonly string[] = COLUMNS) => `# ${columns.map((c) => `"${c}"`).join(',')}`;

/** One export row in the export's own shape (`"a", "b"`), fields in `columns` order. */
export function exportRow(row: Row, columns: readonly string[] = COLUMNS): string {
  const defaults: Row = {
    first_seen_utc: '2026-04-25 10:11:12',
    ioc_id: '1300000',
    ioc_value: '1.2.3.4:443',
    ioc_type: 'ip:port',
    threat_type: 'botnet_cc',
    fk_malware: 'win.nanocore',
    malware_alias: 'Nancrat,NanoCore',
    malware_printable: 'Nanocore RAT',
    last_seen_utc: '',
    confidence_level: '75',
    is_compromised: 'False',
    reference: 'None',
    tags: 'None',
    anonymous: '0',
    reporter: 'abuse_ch',
  };
  const all = { ...defaults, ...row } as Record<string, string>;
  return `"${columns.map((c) => all[c] ?? '').join('", "')}"`;
}

/** Values and fields as feeds write them, and as they should not (each decided by the general path). */
export const HOSTILE: Row[] = [
  { ioc_value: '010.1.1.1:80' },
  { ioc_value: '1.2.3.256:80' },
  { ioc_value: '1.2.3.4:0' },
  { ioc_value: '1.2.3.4:65536' },
  { ioc_value: '1.2.3.4:' },
  { ioc_value: '1.2.3.4' },
  { ioc_value: ' 1.2.3.4:80' },
  { ioc_value: '1.2.3.4: 80' },
  { ioc_value: '1.2.3:80' },
  { ioc_value: '1.2.3.4.5:80' },
  { ioc_value: '[2001:db8::1]:443' },
  { ioc_value: '2001:db8::1' },
  { ioc_value: '::ffff:1.2.3.4' },
  { ioc_value: '1.2.3.0/24' },
  { ioc_value: '' },
  { ioc_value: 'None' },
  { ioc_type: '' },
  { ioc_type: 'None' },
  { ioc_type: 'IP:PORT' },
  { ioc_type: 'sha512_hash', ioc_value: 'ab'.repeat(64) },
  { ioc_type: 'domain', ioc_value: 'Bücher.DE' },
  { ioc_type: 'domain', ioc_value: 'co.uk' },
  { ioc_type: 'domain', ioc_value: 'evil.example.invalid' },
  { ioc_type: 'domain', ioc_value: '-bad-.com' },
  { ioc_type: 'domain', ioc_value: 'theponzu.com.' },
  { ioc_type: 'url', ioc_value: 'HTTP://Example.COM:80/Path?a=1,2' },
  { ioc_type: 'url', ioc_value: 'https://[2001:db8::1]:8443/x' },
  { ioc_type: 'url', ioc_value: 'http://user@host.example.com/ü' },
  { ioc_type: 'url', ioc_value: 'not a url' },
  { ioc_type: 'md5_hash', ioc_value: 'AB'.repeat(16) },
  { ioc_type: 'sha256_hash', ioc_value: 'ab'.repeat(16) },
  { ioc_type: 'sha1_hash', ioc_value: 'zz'.repeat(20) },
  { confidence_level: '75%' },
  { confidence_level: ' 75' },
  { confidence_level: '' },
  { confidence_level: 'None' },
  { confidence_level: '1000' },
  { confidence_level: '-5' },
  { confidence_level: '7.5' },
  { first_seen_utc: '2026-04-25T10:11:12' },
  { first_seen_utc: '2026-04-25 10:11:12 UTC' },
  { first_seen_utc: '2026-02-30 10:11:12' },
  { first_seen_utc: '2026-04-25 24:00:00' },
  { first_seen_utc: '1969-12-31 23:59:59' },
  { first_seen_utc: '2200-01-01 00:00:00' },
  { first_seen_utc: 'None' },
  { first_seen_utc: 'yesterday' },
  { last_seen_utc: '2026-04-26 00:00:00' },
  { last_seen_utc: '2026-4-26 00:00:00' },
  { fk_malware: 'unknown', malware_printable: 'Unknown malware', malware_alias: 'None' },
  { fk_malware: 'None', malware_printable: '', threat_type: '' },
  { malware_printable: ' Nano\tcore ', threat_type: 'None' },
  { tags: 'a, b,a,,c2' },
  { tags: '' },
  { reference: 'https://bazaar.abuse.ch/sample/ü/' },
  { reference: '' },
  { reporter: 'None' },
  { reporter: '' },
  { reporter: 'someone' },
];

/** Whole lines that are not export rows. */
export const HOSTILE_LINES = [
  '"2026-04-25 10:11:12", "1", "a""b", "domain"',
  '"2026-04-25 10:11:12","1300000","5.6.7.8:80","ip:port","botnet_cc","win.x","None","X","","50","False","None","None","0","abuse_ch"',
  '"2026-04-25 10:11:12",  "1300000", "5.6.7.8:80"',
  '"2026-04-25 10:11:12", "1300000"',
  '"unterminated, "x',
  '"',
  'plain text line',
  '',
  '# a comment',
];

/** Which reader reads the rows: the general one, the direct one over text, or the byte one. */
export type CsvPath = 'general' | 'direct' | 'bytes';

/**
 * Everything a read of `text` produces through one of the readers, the input handed over in
 * chunks of `chunkBytes` (lines then cross chunk boundaries), with the given line length limit.
 */
export async function readCsvText(
  text: string,
  path: CsvPath,
  { file = 'feed.csv', chunkBytes = Number.POSITIVE_INFINITY, maxLineLength = 1 << 20 } = {},
): Promise<{ indicators: unknown; rejected: Rejection[] }> {
  const store = new IndicatorStore(true);
  const rejected: Rejection[] = [];
  const sink = canonicalisingSink(file, store, (location, reason, raw) => {
    rejected.push({ location, reason, raw });
  });
  const reader =
    path === 'general'
      ? new ThreatFoxCsvReader(sink)
      : path === 'direct'
        ? new ThreatFoxCsvDirectReader(sink, store)
        : new ThreatFoxCsvByteReader(sink, store);
  const bytes = Buffer.from(text, 'utf8');
  await feedLines(
    (async function* () {
      // One buffer reused for every chunk, as a file is read: a reader must not keep a view of it.
      const chunk = Buffer.alloc(Math.min(bytes.length, chunkBytes));
      for (let at = 0; at < bytes.length; at += chunk.length) {
        const n = bytes.copy(chunk, 0, at, at + chunk.length);
        yield chunk.subarray(0, n);
        chunk.fill(0x22);
      }
    })(),
    new StringDecoder('utf8'),
    reader,
    sink,
    { utf8: true, maxLineLength },
  );
  // JSON: what a consumer sees (LineSource serialises as a plain source with its location).
  return { indicators: JSON.parse(JSON.stringify([...store])), rejected };
}

/** Field text near the edges: realistic values, hostile ones, and arbitrary short strings. */
export const fieldValue = fc.oneof(
  fc.constantFrom(...HOSTILE.flatMap((row) => Object.values(row) as string[])),
  fc.constantFrom('1.2.3.4:443', '8.8.8.8:53', 'theponzu.com', 'http://x.com/a,b', 'None', '', '75'),
  fc.ipV4().map((ip) => `${ip}:8080`),
  fc.string({ maxLength: 12 }),
);

/** A row of arbitrary field values (a few quotes included, so some rows take the slow path). */
export const anyRow: fc.Arbitrary<Row> = fc.record(
  Object.fromEntries(COLUMNS.map((c) => [c, fieldValue])) as Record<
    (typeof COLUMNS)[number],
    fc.Arbitrary<string>
  >,
  { requiredKeys: [] },
);
