/**
 * Decides, for each file, how it is read (format) and which table it fills — from its name, the
 * `--table` option, and for ambiguous extensions (.json, .log, .txt) its first bytes.
 */
import { basename } from 'node:path';
import { UserFacingError } from '../../cli/command.js';
import { tableSchemas } from '../../schemas/tables.js';
import { readHead } from './head.js';
import type { LogFormat } from './types.js';

export type ZeekLog = 'dns' | 'conn';

export interface ClassifiedFile {
  path: string;
  size: number;
  gzip: boolean;
  format: LogFormat;
  table: string;
  zeek?: ZeekLog;
}

export const ZEEK_TABLES: Record<ZeekLog, string> = {
  dns: 'ASimDnsActivityLogs',
  conn: 'ASimNetworkSessionLogs',
};

export const ACCEPTED_FORMATS =
  'accepted: .jsonl/.ndjson, .json (JSON lines or a JSON array), .csv/.tsv, .parquet — each also .gz; ' +
  'CEF syslog (.cef, or .log/.txt with CEF: lines); Zeek dns.log and conn.log (TSV or JSON)';

/** `DnsEvents.jsonl`, `CommonSecurityLog_2026-04.csv.gz`, `DeviceNetworkEvents-part1.json`, `MyApp_CL.csv`. */
export function tableFromFileName(fileName: string): string | undefined {
  const stem = fileName.replace(/\.gz$/i, '').replace(/\.[A-Za-z0-9]+$/, '');
  const lower = stem.toLowerCase();
  let best: string | undefined;
  for (const known of Object.keys(tableSchemas())) {
    const next = stem.charAt(known.length);
    if (lower.startsWith(known.toLowerCase()) && !/[A-Za-z0-9]/.test(next)) {
      if (!best || known.length > best.length) best = known;
    }
  }
  if (best) return best;
  return /^[A-Za-z][A-Za-z0-9]*_CL(?![A-Za-z0-9])/.exec(stem)?.[0] ?? /^[A-Za-z][A-Za-z0-9]*/.exec(stem)?.[0];
}

export async function classifyFile(
  path: string,
  size: number,
  tableOverride?: string,
): Promise<ClassifiedFile> {
  const name = basename(path);
  const gzip = /\.gz$/i.test(name);
  const inner = gzip ? name.slice(0, -3) : name;
  const ext = /\.([A-Za-z0-9]+)$/.exec(inner)?.[1]?.toLowerCase() ?? '';
  const base = { path, size, gzip };
  const head = async () => (size === 0 ? '' : readHead(path, gzip));
  const named = (format: LogFormat): ClassifiedFile => {
    const table = tableOverride ?? tableFromFileName(name);
    if (!table)
      throw new UserFacingError(
        `${path}: cannot tell which table this file belongs to — name it after its table ` +
          '(DnsEvents.jsonl, CommonSecurityLog_2026-04.csv.gz) or pass --table',
      );
    return { ...base, format, table };
  };

  switch (ext) {
    case 'jsonl':
    case 'ndjson':
      return named('jsonl');
    case 'csv':
    case 'tsv':
      return named('csv');
    case 'parquet':
      return named('parquet');
    case 'json': {
      const text = await head();
      const zeek = zeekJsonKind(text);
      if (zeek && !tableOverride) return { ...base, format: 'zeek-json', table: ZEEK_TABLES[zeek], zeek };
      return named(text.trimStart().startsWith('[') ? 'json' : 'jsonl');
    }
    case 'cef':
      return { ...base, format: 'cef', table: tableOverride ?? 'CommonSecurityLog' };
    case 'log':
    case 'txt':
    case '': {
      const text = await head();
      const zeek = zeekKind(inner, text);
      if (zeek) return { ...base, ...zeek, table: tableOverride ?? ZEEK_TABLES[zeek.zeek] };
      if (/CEF:\d/.test(text) || (size === 0 && tableOverride === 'CommonSecurityLog'))
        return { ...base, format: 'cef', table: tableOverride ?? 'CommonSecurityLog' };
      if (tableOverride === 'CommonSecurityLog' && text.trim() !== '')
        return { ...base, format: 'cef', table: tableOverride };
      if (size === 0 || text.trim() === '' || text.trimStart().startsWith('{')) return named('jsonl');
      const zeekPath = /^#path\t(\S+)/m.exec(text)?.[1];
      if (zeekPath)
        throw new UserFacingError(
          `${path}: Zeek ${zeekPath}.log is not supported — only dns.log and conn.log are`,
        );
      throw new UserFacingError(
        `${path}: unrecognised log format (no CEF: lines, not a Zeek log) — ${ACCEPTED_FORMATS}`,
      );
    }
    default:
      throw new UserFacingError(`${path}: unrecognised log format '.${ext}' — ${ACCEPTED_FORMATS}`);
  }
}

/** Zeek logs by `#path` header, by JSON keys, or by Zeek's file names (dns.log, conn.10:00:00-11:00:00.log). */
function zeekKind(fileName: string, text: string): { format: LogFormat; zeek: ZeekLog } | undefined {
  const headerPath = /^#path\t(\S+)/m.exec(text)?.[1];
  if (headerPath === 'dns' || headerPath === 'conn') return { format: 'zeek-tsv', zeek: headerPath };
  const json = zeekJsonKind(text);
  if (json) return { format: 'zeek-json', zeek: json };
  const byName = /^(dns|conn)(\..*)?\.log$/i.exec(fileName)?.[1]?.toLowerCase() as ZeekLog | undefined;
  if (byName && text.trimStart().startsWith('#')) return { format: 'zeek-tsv', zeek: byName };
  if (byName && text.trimStart().startsWith('{')) return { format: 'zeek-json', zeek: byName };
  return undefined;
}

function zeekJsonKind(text: string): ZeekLog | undefined {
  const first = text.trimStart().split('\n', 1)[0] ?? '';
  if (!first.startsWith('{') || !first.includes('"id.orig_h"')) return undefined;
  if (/"(query|qtype_name|rcode)"\s*:/.test(first)) return 'dns';
  if (/"(conn_state|orig_bytes|history|duration)"\s*:/.test(first)) return 'conn';
  return undefined;
}
