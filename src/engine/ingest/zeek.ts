/**
 * Zeek dns.log and conn.log (TSV with #fields headers, or JSON) → the ASIM tables Sentinel's Zeek
 * parsers fill: ASimDnsActivityLogs and ASimNetworkSessionLogs. DuckDB reads the file; the mapping is
 * one SELECT over its columns, all read as text and converted by the loader.
 */
import type { HuntDatabase } from '../database.js';
import type { ClassifiedFile, ZeekLog } from './classify.js';
import { readHead } from './head.js';
import type { Source } from './load.js';
import { describe, MAX_TEXT_LINE_BYTES, type RejectTables, rejectArgs } from './readers.js';
import { columnsStruct, quoteIdent, quoteLiteral } from './sql.js';

const FIELDS: Record<ZeekLog, string[]> = {
  dns: [
    'ts',
    'uid',
    'id.orig_h',
    'id.orig_p',
    'id.resp_h',
    'id.resp_p',
    'proto',
    'trans_id',
    'rtt',
    'query',
    'qclass',
    'qclass_name',
    'qtype',
    'qtype_name',
    'rcode',
    'rcode_name',
    'AA',
    'TC',
    'RD',
    'RA',
    'Z',
    'answers',
    'TTLs',
    'rejected',
  ],
  conn: [
    'ts',
    'uid',
    'id.orig_h',
    'id.orig_p',
    'id.resp_h',
    'id.resp_p',
    'proto',
    'service',
    'duration',
    'orig_bytes',
    'resp_bytes',
    'conn_state',
    'local_orig',
    'local_resp',
    'missed_bytes',
    'history',
    'orig_pkts',
    'orig_ip_bytes',
    'resp_pkts',
    'resp_ip_bytes',
    'tunnel_parents',
    'community_id',
  ],
};

export interface ZeekHeader {
  separator: string;
  setSeparator: string;
  emptyField: string;
  unsetField: string;
  path?: string;
  fields: string[];
  /** Number of header lines before the first record. */
  headerLines: number;
}

/** Reads the `#separator`, `#set_separator`, `#empty_field`, `#unset_field`, `#path`, `#fields` lines. */
export function parseZeekHeader(text: string): ZeekHeader {
  const header: ZeekHeader = {
    separator: '\t',
    setSeparator: ',',
    emptyField: '(empty)',
    unsetField: '-',
    fields: [],
    headerLines: 0,
  };
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    header.headerLines += 1;
    const sep = /^#separator\s+(.*)$/.exec(line);
    if (sep) {
      header.separator = sep[1].replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) =>
        String.fromCharCode(parseInt(h, 16)),
      );
      continue;
    }
    const [key, ...values] = line.slice(1).split(header.separator);
    if (key === 'set_separator') header.setSeparator = values[0] ?? ',';
    else if (key === 'empty_field') header.emptyField = values[0] ?? '(empty)';
    else if (key === 'unset_field') header.unsetField = values[0] ?? '-';
    else if (key === 'path') header.path = values[0];
    else if (key === 'fields') header.fields = values.map((v) => v.trim());
  }
  return header;
}

function col(name: string): string {
  return `z.${quoteIdent(name)}`;
}

/** Zeek sets and vectors as one comma-separated string, whether the log wrote `a,b` or `["a","b"]`. */
function list(name: string): string {
  const c = col(name);
  return `CASE WHEN starts_with(${c}, '[') THEN array_to_string(json_extract_string(${c}, '$[*]'), ',') ELSE ${c} END`;
}

/** Zeek time: epoch seconds (TSV, default JSON) or ISO 8601 (JSON with ISO timestamps). */
function time(name: string): string {
  const c = col(name);
  return `CASE WHEN TRY_CAST(${c} AS DOUBLE) IS NOT NULL THEN to_timestamp(TRY_CAST(${c} AS DOUBLE))::TIMESTAMP ELSE TRY_CAST(${c} AS TIMESTAMPTZ)::TIMESTAMP END`;
}

function flag(name: string): string {
  return `lower(${col(name)}) IN ('t', 'true')`;
}

/** ASIM column → expression over a Zeek record `z`. Constants only on real records (see `present`). */
function mapping(kind: ZeekLog): [string, string][] {
  const k = (sql: string) => `CASE WHEN z.__present THEN ${sql} END`;
  const common: [string, string][] = [
    ['TimeGenerated', time('ts')],
    ['EventStartTime', time('ts')],
    ['EventCount', k('1')],
    ['EventProduct', k(`'Zeek'`)],
    ['EventVendor', k(`'Zeek'`)],
    ['SrcIpAddr', col('id.orig_h')],
    ['SrcPortNumber', col('id.orig_p')],
    ['DstIpAddr', col('id.resp_h')],
    ['DstPortNumber', col('id.resp_p')],
    ['NetworkProtocol', `upper(${col('proto')})`],
  ];
  if (kind === 'dns') {
    return [
      ...common,
      ['EventEndTime', time('ts')],
      ['EventType', k(`'Query'`)],
      ['EventSubType', k(`CASE WHEN ${col('rcode')} IS NULL THEN 'request' ELSE 'response' END`)],
      [
        'EventResult',
        k(
          `CASE WHEN ${col('rcode')} IS NULL THEN 'NA' WHEN ${col('rcode')} = '0' THEN 'Success' ELSE 'Failure' END`,
        ),
      ],
      ['EventResultDetails', col('rcode_name')],
      ['EventSchemaVersion', k(`'0.1.7'`)],
      ['DnsQuery', col('query')],
      ['DnsQueryType', col('qtype')],
      ['DnsQueryTypeName', col('qtype_name')],
      ['DnsQueryClass', col('qclass')],
      ['DnsQueryClassName', col('qclass_name')],
      ['DnsResponseCode', col('rcode')],
      ['DnsResponseCodeName', col('rcode_name')],
      ['DnsResponseName', list('answers')],
      [
        'DnsFlags',
        `NULLIF(concat_ws(' ', CASE WHEN ${flag('AA')} THEN 'AA' END, CASE WHEN ${flag('TC')} THEN 'TC' END, CASE WHEN ${flag('RD')} THEN 'RD' END, CASE WHEN ${flag('RA')} THEN 'RA' END), '')`,
      ],
      ['TransactionIdHex', `lower(printf('%x', TRY_CAST(${col('trans_id')} AS BIGINT)))`],
      ['DnsNetworkDuration', `round(TRY_CAST(${col('rtt')} AS DOUBLE) * 1000)`],
      [
        'AdditionalFields',
        k(`json_object('uid', ${col('uid')}, 'TTLs', ${list('TTLs')}, 'rejected', ${col('rejected')})`),
      ],
      ['Type', k(`'ASimDnsActivityLogs'`)],
    ];
  }
  const orig = `TRY_CAST(${col('orig_bytes')} AS BIGINT)`;
  const resp = `TRY_CAST(${col('resp_bytes')} AS BIGINT)`;
  const origPkts = `TRY_CAST(${col('orig_pkts')} AS BIGINT)`;
  const respPkts = `TRY_CAST(${col('resp_pkts')} AS BIGINT)`;
  return [
    ...common,
    [
      'EventEndTime',
      `to_timestamp(TRY_CAST(${col('ts')} AS DOUBLE) + COALESCE(TRY_CAST(${col('duration')} AS DOUBLE), 0))::TIMESTAMP`,
    ],
    ['EventType', k(`'NetworkSession'`)],
    [
      'EventResult',
      k(
        `CASE WHEN ${col('conn_state')} IS NULL THEN 'NA' WHEN ${col('conn_state')} IN ('REJ', 'S0', 'RSTOS0', 'RSTRH', 'SH', 'SHR') THEN 'Failure' ELSE 'Success' END`,
      ),
    ],
    ['EventResultDetails', col('conn_state')],
    ['EventSchemaVersion', k(`'0.2.6'`)],
    ['NetworkApplicationProtocol', `upper(${col('service')})`],
    ['SrcBytes', orig],
    ['DstBytes', resp],
    ['NetworkBytes', `${orig} + ${resp}`],
    ['SrcPackets', origPkts],
    ['DstPackets', respPkts],
    ['NetworkPackets', `${origPkts} + ${respPkts}`],
    ['NetworkSessionId', col('uid')],
    [
      'NetworkDirection',
      `CASE WHEN ${flag('local_orig')} AND ${flag('local_resp')} THEN 'Local' WHEN ${flag('local_orig')} THEN 'Outbound' WHEN ${flag('local_resp')} THEN 'Inbound' WHEN ${col('local_orig')} IS NOT NULL THEN 'External' END`,
    ],
    [
      'AdditionalFields',
      k(
        `json_object('history', ${col('history')}, 'duration', TRY_CAST(${col('duration')} AS DOUBLE), 'missed_bytes', TRY_CAST(${col('missed_bytes')} AS BIGINT), 'orig_ip_bytes', TRY_CAST(${col('orig_ip_bytes')} AS BIGINT), 'resp_ip_bytes', TRY_CAST(${col('resp_ip_bytes')} AS BIGINT), 'tunnel_parents', ${list('tunnel_parents')}, 'community_id', ${col('community_id')})`,
      ),
    ],
    ['Type', k(`'ASimNetworkSessionLogs'`)],
  ];
}

/** The file's records as Zeek columns (all text; absent fields null) plus `__present`. */
async function zeekRecords(
  file: ClassifiedFile,
  kind: ZeekLog,
  rejects: RejectTables | undefined,
): Promise<{ sql: string; emptyRowsAreMalformed: boolean }> {
  const wanted = FIELDS[kind];
  const present = `(${wanted
    .slice(0, 6)
    .map((f) => `${quoteIdent(f)} IS NOT NULL`)
    .join(' OR ')}) AS __present`;
  if (file.format === 'zeek-json') {
    const columns = wanted.map((name) => ({ name, type: 'VARCHAR' }));
    return {
      sql: `SELECT *, ${present} FROM read_json(${quoteLiteral(file.path)}, format='newline_delimited', ignore_errors=true, columns=${columnsStruct(columns)})`,
      emptyRowsAreMalformed: true,
    };
  }
  const header = parseZeekHeader(await readHead(file.path, file.gzip));
  if (header.fields.length === 0) throw new Error('Zeek TSV log without a #fields header');
  const columns = header.fields.map((name) => ({ name, type: 'VARCHAR' }));
  const has = new Set(header.fields);
  const select = wanted.map((f) => (has.has(f) ? quoteIdent(f) : `NULL::VARCHAR AS ${quoteIdent(f)}`));
  const nulls = [header.unsetField, header.emptyField].map(quoteLiteral).join(', ');
  const reader =
    `read_csv(${quoteLiteral(file.path)}, delim=${quoteLiteral(header.separator)}, header=false, comment='#', ` +
    `quote='', escape='', auto_detect=false, columns=${columnsStruct(columns)}, nullstr=[${nulls}], ` +
    `max_line_size=${MAX_TEXT_LINE_BYTES}, ${rejectArgs(rejects)})`;
  return { sql: `SELECT ${select.join(', ')}, ${present} FROM ${reader}`, emptyRowsAreMalformed: false };
}

export async function zeekSource(
  db: HuntDatabase,
  file: ClassifiedFile,
  rejects: RejectTables | undefined,
): Promise<Source> {
  const kind = file.zeek ?? 'dns';
  const records = await zeekRecords(file, kind, rejects);
  const select = mapping(kind)
    .map(([column, expr]) => `${expr} AS ${quoteIdent(column)}`)
    .join(', ');
  const sql = `SELECT ${select} FROM (${records.sql}) AS z`;
  return { sql, columns: await describe(db, sql), emptyRowsAreMalformed: records.emptyRowsAreMalformed };
}
