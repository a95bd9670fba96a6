/**
 * CEF (ArcSight Common Event Format) syslog lines → CommonSecurityLog columns, the way Sentinel's CEF
 * connector maps them: header fields to DeviceVendor … LogSeverity, extension keys to their columns
 * (learn.microsoft.com/azure/sentinel/cef-name-mapping), unknown keys into AdditionalExtensions, the
 * syslog host to Computer.
 */
import { ownValue } from '../../own.js';

const HEADER_COLUMNS = [
  'DeviceVendor',
  'DeviceProduct',
  'DeviceVersion',
  'DeviceEventClassID',
  'Activity',
  'LogSeverity',
] as const;

/** CEF extension key → CommonSecurityLog column. */
export const CEF_KEY_COLUMNS: Record<string, string> = {
  act: 'DeviceAction',
  app: 'ApplicationProtocol',
  cat: 'DeviceEventCategory',
  cnt: 'EventCount',
  destinationDnsDomain: 'DestinationDnsDomain',
  destinationServiceName: 'DestinationServiceName',
  destinationTranslatedAddress: 'DestinationTranslatedAddress',
  destinationTranslatedPort: 'DestinationTranslatedPort',
  deviceDirection: 'CommunicationDirection',
  deviceDnsDomain: 'DeviceDnsDomain',
  deviceExternalId: 'DeviceExternalID',
  deviceFacility: 'DeviceFacility',
  deviceInboundInterface: 'DeviceInboundInterface',
  deviceNtDomain: 'DeviceNtDomain',
  deviceOutboundInterface: 'DeviceOutboundInterface',
  devicePayloadId: 'DevicePayloadId',
  deviceProcessName: 'ProcessName',
  deviceTranslatedAddress: 'DeviceTranslatedAddress',
  dhost: 'DestinationHostName',
  dmac: 'DestinationMACAddress',
  dntdom: 'DestinationNTDomain',
  dpid: 'DestinationProcessId',
  dpriv: 'DestinationUserPrivileges',
  dproc: 'DestinationProcessName',
  dpt: 'DestinationPort',
  dst: 'DestinationIP',
  dtz: 'DeviceTimeZone',
  duid: 'DestinationUserID',
  duser: 'DestinationUserName',
  dvc: 'DeviceAddress',
  dvchost: 'DeviceName',
  dvcmac: 'DeviceMacAddress',
  dvcpid: 'ProcessID',
  end: 'EndTime',
  externalId: 'ExternalID',
  fileCreateTime: 'FileCreateTime',
  fileHash: 'FileHash',
  fileId: 'FileID',
  fileModificationTime: 'FileModificationTime',
  filePath: 'FilePath',
  filePermission: 'FilePermission',
  fileType: 'FileType',
  fname: 'FileName',
  fsize: 'FileSize',
  in: 'ReceivedBytes',
  msg: 'Message',
  oldFileCreateTime: 'OldFileCreateTime',
  oldFileHash: 'OldFileHash',
  oldFileId: 'OldFileID',
  oldFileModificationTime: 'OldFileModificationTime',
  oldFileName: 'OldFileName',
  oldFilePath: 'OldFilePath',
  oldFilePermission: 'OldFilePermission',
  oldFileSize: 'OldFileSize',
  oldFileType: 'OldFileType',
  out: 'SentBytes',
  outcome: 'EventOutcome',
  proto: 'Protocol',
  reason: 'Reason',
  request: 'RequestURL',
  requestClientApplication: 'RequestClientApplication',
  requestContext: 'RequestContext',
  requestCookies: 'RequestCookies',
  requestMethod: 'RequestMethod',
  rt: 'ReceiptTime',
  shost: 'SourceHostName',
  smac: 'SourceMACAddress',
  sntdom: 'SourceNTDomain',
  sourceDnsDomain: 'SourceDnsDomain',
  sourceServiceName: 'SourceServiceName',
  sourceTranslatedAddress: 'SourceTranslatedAddress',
  sourceTranslatedPort: 'SourceTranslatedPort',
  spid: 'SourceProcessId',
  spriv: 'SourceUserPrivileges',
  sproc: 'SourceProcessName',
  spt: 'SourcePort',
  src: 'SourceIP',
  start: 'StartTime',
  suid: 'SourceUserID',
  suser: 'SourceUserName',
  type: 'EventType',
  flexDate1: 'FlexDate1',
  flexDate1Label: 'FlexDate1Label',
  flexNumber1: 'FlexNumber1',
  flexNumber1Label: 'FlexNumber1Label',
  flexNumber2: 'FlexNumber2',
  flexNumber2Label: 'FlexNumber2Label',
  flexString1: 'FlexString1',
  flexString1Label: 'FlexString1Label',
  flexString2: 'FlexString2',
  flexString2Label: 'FlexString2Label',
  deviceCustomDate1: 'DeviceCustomDate1',
  deviceCustomDate1Label: 'DeviceCustomDate1Label',
  deviceCustomDate2: 'DeviceCustomDate2',
  deviceCustomDate2Label: 'DeviceCustomDate2Label',
};
for (let i = 1; i <= 6; i++) {
  CEF_KEY_COLUMNS[`cs${i}`] = `DeviceCustomString${i}`;
  CEF_KEY_COLUMNS[`cs${i}Label`] = `DeviceCustomString${i}Label`;
}
for (let i = 1; i <= 3; i++) {
  CEF_KEY_COLUMNS[`cn${i}`] = `DeviceCustomNumber${i}`;
  CEF_KEY_COLUMNS[`cn${i}Label`] = `DeviceCustomNumber${i}Label`;
}
for (let i = 1; i <= 4; i++) {
  CEF_KEY_COLUMNS[`cfp${i}`] = `DeviceCustomFloatingPoint${i}`;
  CEF_KEY_COLUMNS[`cfp${i}Label`] = `DeviceCustomFloatingPoint${i}Label`;
  CEF_KEY_COLUMNS[`c6a${i}`] = `DeviceCustomIPv6Address${i}`;
  CEF_KEY_COLUMNS[`c6a${i}Label`] = `DeviceCustomIPv6Address${i}Label`;
}

/** Keys as ArcSight writes them in full (deviceAddress=…) map like their short forms. */
const LONG_KEYS: Record<string, string> = {
  deviceAction: 'act',
  applicationProtocol: 'app',
  deviceEventCategory: 'cat',
  baseEventCount: 'cnt',
  destinationHostName: 'dhost',
  destinationMacAddress: 'dmac',
  destinationNtDomain: 'dntdom',
  destinationProcessId: 'dpid',
  destinationUserPrivileges: 'dpriv',
  destinationProcessName: 'dproc',
  destinationPort: 'dpt',
  destinationAddress: 'dst',
  destinationUserId: 'duid',
  destinationUserName: 'duser',
  deviceAddress: 'dvc',
  deviceHostName: 'dvchost',
  deviceMacAddress: 'dvcmac',
  deviceProcessId: 'dvcpid',
  endTime: 'end',
  fileName: 'fname',
  fileSize: 'fsize',
  bytesIn: 'in',
  message: 'msg',
  bytesOut: 'out',
  transportProtocol: 'proto',
  deviceReceiptTime: 'rt',
  receiptTime: 'rt',
  sourceHostName: 'shost',
  sourceMacAddress: 'smac',
  sourceNtDomain: 'sntdom',
  sourceProcessId: 'spid',
  sourceUserPrivileges: 'spriv',
  sourceProcessName: 'sproc',
  sourcePort: 'spt',
  sourceAddress: 'src',
  startTime: 'start',
  sourceUserId: 'suid',
  sourceUserName: 'suser',
};

/** Every column a CEF line can fill. */
export const CEF_COLUMNS: string[] = [
  'TimeGenerated',
  'Computer',
  ...HEADER_COLUMNS,
  ...new Set(Object.values(CEF_KEY_COLUMNS)),
  'AdditionalExtensions',
  'Type',
];

export type CefParse = { ok: true; row: Record<string, string> } | { ok: false; reason: string };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Parses one syslog line carrying a CEF message. `now` fixes the year of RFC 3164 timestamps, which
 * have none: the latest year that does not put the event more than a day in the future.
 */
export function parseCefLine(line: string, now: Date = new Date()): CefParse {
  const at = line.indexOf('CEF:');
  if (at < 0) return { ok: false, reason: 'no CEF: message' };
  const syslog = parseSyslogPrefix(line.slice(0, at), now);
  const fields = splitHeader(line.slice(at + 4));
  if (fields.length < 8)
    return { ok: false, reason: `CEF header has ${fields.length} of the 8 |-separated fields` };

  const row: Record<string, string> = {};
  HEADER_COLUMNS.forEach((column, i) => {
    const value = fields[i + 1];
    if (value !== '') row[column] = value;
  });
  const extras: string[] = [];
  for (const [key, value] of parseExtension(fields[7])) {
    const column =
      ownValue(CEF_KEY_COLUMNS, key) ?? ownValue(CEF_KEY_COLUMNS, ownValue(LONG_KEYS, key) ?? '');
    if (!column) extras.push(`${key}=${value}`);
    else if (value !== '') row[column] = column === 'CommunicationDirection' ? direction(value) : value;
  }
  if (extras.length > 0) row.AdditionalExtensions = extras.join(';');
  for (const column of ['StartTime', 'EndTime']) {
    if (row[column] !== undefined) {
      const iso = cefTime(row[column], now);
      if (iso) row[column] = iso;
      else delete row[column];
    }
  }
  // Event time: the device's receipt time, else the syslog header's.
  const time = (row.ReceiptTime && cefTime(row.ReceiptTime, now)) || syslog.time?.();
  if (time) row.TimeGenerated = time;
  if (syslog.host) row.Computer = syslog.host;
  row.Type = 'CommonSecurityLog';
  return { ok: true, row };
}

function direction(value: string): string {
  return value === '0' ? 'Inbound' : value === '1' ? 'Outbound' : value;
}

/** Splits `Version|Vendor|Product|Version|ID|Name|Severity|Extension` on unescaped pipes. */
function splitHeader(text: string): string[] {
  const fields: string[] = [];
  // fast path: no escapes before the seventh pipe
  let at = -1;
  for (let n = 0; n < 7; n++) {
    at = text.indexOf('|', at + 1);
    if (at < 0) break;
  }
  const headerEnd = at < 0 ? text.length : at;
  if (!text.slice(0, headerEnd).includes('\\')) {
    const parts = text.slice(0, headerEnd).split('|');
    if (at >= 0) return [...parts.map((p) => p.trim()), text.slice(at + 1)];
    return parts;
  }
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (fields.length === 7) {
      // the extension is everything after the seventh pipe, pipes included
      fields.push(text.slice(i));
      return fields;
    }
    if (ch === '\\' && (text[i + 1] === '|' || text[i + 1] === '\\')) {
      current += text[i + 1];
      i++;
    } else if (ch === '|') {
      fields.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (fields.length === 7) fields.push('');
  else fields.push(current);
  return fields;
}

function isKeyChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || // a-z
    (code >= 65 && code <= 90) || // A-Z
    (code >= 48 && code <= 57) || // 0-9
    code === 95 || // _
    code === 46 || // .
    code === 45 || // -
    code === 91 || // [
    code === 93 // ]
  );
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9;
}

/** `key=value key2=value with spaces` with `\=`, `\\`, `\n`, `\r` escaped in values. */
export function parseExtension(text: string): [string, string][] {
  // Key boundaries: an unescaped '=' preceded by key characters that start the text or follow a space.
  const keys: { start: number; eq: number }[] = [];
  for (let eq = text.indexOf('='); eq >= 0; eq = text.indexOf('=', eq + 1)) {
    let start = eq;
    while (start > 0 && isKeyChar(text.charCodeAt(start - 1))) start--;
    if (start === eq) continue;
    if (start > 0 && !isSpace(text.charCodeAt(start - 1))) continue;
    keys.push({ start, eq });
  }
  const pairs: [string, string][] = [];
  for (let i = 0; i < keys.length; i++) {
    const end = i + 1 < keys.length ? keys[i + 1].start : text.length;
    pairs.push([
      text.slice(keys[i].start, keys[i].eq),
      unescapeValue(text.slice(keys[i].eq + 1, end).trim()),
    ]);
  }
  return pairs;
}

function unescapeValue(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(/\\([=\\|nr])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/** Host and (computed only when needed) time of the syslog header before `CEF:`. */
function parseSyslogPrefix(prefix: string, now: Date): { time?: () => string | undefined; host?: string } {
  const text = prefix.trim();
  // RFC 5424: <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD
  const rfc5424 = /^<\d{1,3}>\d\s+(\S+)\s+(\S+)/.exec(text);
  if (rfc5424) return { time: () => isoOrUndefined(rfc5424[1]), host: nilToUndefined(rfc5424[2]) };
  // RFC 3164: <PRI>Mmm dd hh:mm:ss HOST
  const rfc3164 = /^(?:<\d{1,3}>)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}:\d{2}:\d{2})\s+(\S+)/.exec(text);
  if (rfc3164) {
    return { time: () => monthDayTime(rfc3164[1], rfc3164[2], undefined, rfc3164[3], now), host: rfc3164[4] };
  }
  // <PRI>ISO-TIMESTAMP HOST (rsyslog's high-precision template)
  const iso = /^(?:<\d{1,3}>)?(\d{4}-\d{2}-\d{2}T\S+)\s+(\S+)/.exec(text);
  if (iso) return { time: () => isoOrUndefined(iso[1]), host: iso[2] };
  return {};
}

function nilToUndefined(value: string): string | undefined {
  return value === '-' ? undefined : value;
}

function isoOrUndefined(text: string): string | undefined {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** CEF times: epoch milliseconds, `MMM dd yyyy HH:mm:ss[.SSS][ zone]`, `MMM dd HH:mm:ss`, or ISO 8601. */
export function cefTime(text: string, now: Date = new Date()): string | undefined {
  const value = text.trim();
  if (/^\d{12,14}$/.test(value)) return new Date(Number(value)).toISOString();
  if (/^\d{9,11}$/.test(value)) return new Date(Number(value) * 1000).toISOString();
  const m =
    /^([A-Za-z]{3})\s+(\d{1,2})\s+(?:(\d{4})\s+)?(\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)(?:\s+(UTC|GMT|Z))?$/.exec(
      value,
    );
  if (m) return monthDayTime(m[1], m[2], m[3], m[4], now);
  if (/^\d{4}-\d{2}-\d{2}/.test(value))
    return isoOrUndefined(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);
  return undefined;
}

function monthDayTime(
  month: string,
  day: string,
  year: string | undefined,
  time: string,
  now: Date,
): string | undefined {
  const mi = MONTHS.indexOf(month.toLowerCase());
  if (mi < 0) return undefined;
  const build = (y: number) =>
    new Date(`${y}-${String(mi + 1).padStart(2, '0')}-${day.padStart(2, '0')}T${time}Z`);
  let date = build(year ? Number(year) : now.getUTCFullYear());
  if (!year && date.getTime() > now.getTime() + 86_400_000) date = build(now.getUTCFullYear() - 1);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
