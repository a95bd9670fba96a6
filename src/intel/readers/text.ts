/**
 * Free text — Markdown, HTML, e-mail, PDF-extracted text, reports like the seed — and plain lists.
 *
 * Free text is searched for indicators after refanging. Words that merely look like indicators
 * (`ntbackup.exe`, `C:\Windows\System32\certutil.exe`, `e.g.`) are dropped silently: `.exe` is
 * not a public suffix, path components are recognised by the `\` or `/` before them, and a bare
 * `name.ext` whose extension is both a common file type and a real TLD (`.zip`, `.mov`, `.sh`,
 * `.md`, `.py`) is taken for a file name — unless the report defanged it (`report[.]zip`), which
 * says "this is an indicator". Only defanged tokens that fail validation are reported as rejected;
 * everything else in prose is simply not an indicator.
 *
 * Report structure is read too: Markdown/HTML table columns (Type, Value, Threat Type, First
 * Seen, Confidence, Malware, Tags) give per-row metadata, and a `Malware Family: …` line names
 * the family of every indicator in the document. A bare IP that the same document also gives as
 * ip:port (the seed's KQL `dynamic([...])` lists) is the same indicator and is not counted twice.
 */
import { canonicalConfidence, canonicalDomain, canonicalIp, canonicalTags } from '../canonical.js';
import { refang } from '../refang.js';
import { excerpt } from '../strings.js';
import type { IndicatorCandidate, Source } from '../types.js';
import { decodeQuotedPrintable, HtmlLineStripper } from './markup.js';
import type { LineReader, ReaderSink } from './types.js';

export interface TextOptions {
  html?: boolean;
  email?: boolean;
}

type Column = 'type' | 'value' | 'threatType' | 'firstSeen' | 'lastSeen' | 'confidence' | 'malware' | 'tags';

const COLUMN_NAMES: [RegExp, Column][] = [
  [/^(ioc |indicator )?type$/, 'type'],
  [/^(value|ioc|iocs|indicator|indicators|ioc value|observable)$/, 'value'],
  [/^threat[ _]type$/, 'threatType'],
  [/^first[ _]seen( \(?utc\)?)?$/, 'firstSeen'],
  [/^last[ _]seen( \(?utc\)?)?$/, 'lastSeen'],
  [/^confidence( level)?$/, 'confidence'],
  [/^(malware|family|malware family)$/, 'malware'],
  [/^tags?$/, 'tags'],
];

const LABELS =
  'Total IOCs|IOC Types|Threat Type|First Seen|Last Seen|Confidence|Source|Tags|Reference|Aliases?|Reporter';
const FAMILY_LINE = new RegExp(
  `\\b(?:Malware Family|Malware|Family)\\s*:\\s*(.+?)(?=\\s+(?:${LABELS})\\s*:|\\s*\\||\\s*$)`,
  'i',
);
const THREAT_LINE = /\bThreat Type\s*:\s*([\w-]+)/i;

/** Common file extensions that are also TLDs: `name.zip` in prose is a file until defanged. */
const FILE_EXTENSION_TLDS = new Set([
  'zip',
  'mov',
  'sh',
  'py',
  'pl',
  'md',
  'rs',
  'ps',
  'cc',
  'cs',
  'so',
  'gz',
  'app',
  'bat',
  'exe',
  'rar',
  'bin',
  'dat',
  'tar',
  'doc',
  'pdf',
  'ini',
  'log',
  'inf',
  'jar',
  'dll',
  'sys',
  'tmp',
  'cfg',
  'xml',
  'json',
  'yml',
  'csv',
  'txt',
  'htm',
  'html',
  'php',
  'asp',
  'aspx',
  'js',
  'ts',
  'mp3',
  'mp4',
  'png',
  'jpg',
  'gif',
  'lnk',
  'iso',
  'img',
  'msi',
  'hta',
  'vbs',
  'ps1',
  'scr',
  'cmd',
  'pif',
  'cpl',
  'ocx',
]);

const URL = /\b(?:https?|ftps?|sftp|tcp|udp|wss?):\/\/[^\s<>"'`|\\^{}]+/gi;
const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@(?:[\p{L}\p{N}_-]{1,63}\.)+[\p{L}][\p{L}\p{N}-]{1,62}(?![\p{L}\p{N}-])/giu;
const V6_PORT = /\[([0-9a-f:.]{2,45})\]:(\d{1,5})\b/gi;
// A colon may precede an address (`dst:1.2.3.4`) unless it belongs to an IPv6 address (`::ffff:1.2.3.4`).
const V4 =
  /(?<![\p{L}\p{N}_.-])(?<![0-9a-fA-F:]:)(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?(?![\p{L}\p{N}_]|\.\d|:\d)/gu;
const V6 =
  /(?<![\p{L}\p{N}_:.])((?:[0-9a-f]{0,4}:){2,7}(?:[0-9a-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?)(?![\p{L}\p{N}_:.])/giu;
const HASH = /(?<![\p{L}\p{N}_])(?:[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32})(?![\p{L}\p{N}_])/giu;
const DOMAIN =
  /(?<![\p{L}\p{N}_.@\\/-])(?:[\p{L}\p{N}_](?:[\p{L}\p{N}_-]{0,61}[\p{L}\p{N}_])?\.)+[\p{L}][\p{L}\p{N}-]{0,62}(?![\p{L}\p{N}_-]|\.[\p{L}\p{N}]|\\|\/\/)/gu;

interface Found {
  value: string;
  kind: 'url' | 'email' | 'ip' | 'hash' | 'domain';
  port?: number;
}

/** Finds indicator tokens in one (already refanged) line; `original` tells what was defanged. */
export function findIndicators(line: string, original: string): Found[] {
  const found: Found[] = [];
  let rest = line;
  const blank = (s: string, start: number, len: number) =>
    s.slice(0, start) + ' '.repeat(len) + s.slice(start + len);
  const take = (re: RegExp, each: (m: RegExpExecArray) => void) => {
    re.lastIndex = 0;
    const matches = [...rest.matchAll(re)];
    for (const m of matches) {
      each(m);
      rest = blank(rest, m.index, m[0].length);
    }
  };
  if (rest.includes('://'))
    take(URL, (m) => {
      const url = trimUrl(m[0]);
      found.push({ value: url, kind: 'url' });
    });
  if (rest.includes('@')) take(EMAIL, (m) => found.push({ value: m[0], kind: 'email' }));
  if (rest.includes('[')) take(V6_PORT, (m) => found.push({ value: m[1], kind: 'ip', port: Number(m[2]) }));
  if (/\d\.\d/.test(rest))
    take(V4, (m) => {
      if (!canonicalIp(m[1]).ok && !wasDefanged(m[0], original)) return;
      found.push({ value: m[1], kind: 'ip', port: m[2] === undefined ? undefined : Number(m[2]) });
    });
  if (rest.includes(':'))
    take(V6, (m) => {
      if (/[0-9a-f]/i.test(m[1]) && canonicalIp(m[1]).ok) found.push({ value: m[1], kind: 'ip' });
    });
  take(HASH, (m) => found.push({ value: m[0], kind: 'hash' }));
  if (rest.includes('.'))
    take(DOMAIN, (m) => {
      const token = m[0];
      const defanged = wasDefanged(token, original);
      if (!defanged && (!canonicalDomain(token).ok || looksLikeFileName(token))) return;
      found.push({ value: token, kind: 'domain' });
    });
  return found;
}

/** Was this token written defanged (it does not occur literally in the original line)? */
function wasDefanged(token: string, original: string): boolean {
  return !original.includes(token);
}

function looksLikeFileName(token: string): boolean {
  const labels = token.split('.');
  return labels.length === 2 && FILE_EXTENSION_TLDS.has(labels[1].toLowerCase());
}

/** Trailing sentence punctuation and unbalanced closing brackets are not part of a URL. */
function trimUrl(url: string): string {
  let u = url;
  for (;;) {
    const last = u[u.length - 1];
    if ('.,;:!?\'"*'.includes(last)) u = u.slice(0, -1);
    else if (last === ')' && count(u, '(') < count(u, ')')) u = u.slice(0, -1);
    else if (last === ']' && count(u, '[') < count(u, ']')) u = u.slice(0, -1);
    else return u;
  }
}

const count = (s: string, c: string) => s.split(c).length - 1;

interface Buffered {
  candidate: IndicatorCandidate;
  bareIp: boolean;
}

export function textReader(sink: ReaderSink, options: TextOptions = {}): LineReader {
  const html = options.html ? new HtmlLineStripper() : null;
  let inHeaders = options.email === true;
  let quotedPrintable = false;
  let pendingSoft = '';
  let pendingSoftLine = 0;
  let columns: Column[] | null = null;
  let family: string | null = null;
  let threatType: string | null = null;
  const buffered: Buffered[] = [];
  const ported = new Set<string>();

  function emitRow(text: string, lineNumber: number) {
    const original = text;
    const trimmed = text.trim();
    if (family === null) {
      const m = FAMILY_LINE.exec(trimmed);
      if (m && !trimmed.startsWith('|')) family = m[1].replace(/^[\s*_`#]+|[\s*_`#]+$/g, '') || null;
    }
    if (threatType === null) {
      const m = THREAT_LINE.exec(trimmed);
      if (m && !trimmed.startsWith('|')) threatType = m[1];
    }
    let meta: Partial<IndicatorCandidate> = {};
    let searchIn = original;
    if (trimmed.startsWith('|') && trimmed.length > 1) {
      const cells = trimmed
        .replace(/^\|/, '')
        .replace(/\|\s*$/, '')
        .split('|')
        .map((c) => c.trim());
      if (cells.every((c) => /^:?-{2,}:?$/.test(c) || c === '')) return; // separator row
      const header = cells.map(columnOf);
      if (header.includes('value')) {
        columns = header as Column[];
        return;
      }
      if (columns !== null) {
        const cell = (name: Column) => {
          const i = columns!.indexOf(name);
          return i >= 0 && i < cells.length ? cells[i] : undefined;
        };
        searchIn = cell('value') ?? original;
        meta = {
          threatType: cell('threatType') || undefined,
          firstSeen: cell('firstSeen'),
          lastSeen: cell('lastSeen'),
          confidence: canonicalConfidence(cell('confidence')),
          malware: cell('malware') || undefined,
          tags: cell('tags') ? canonicalTags(cell('tags')) : undefined,
        };
      }
    } else {
      columns = null;
    }
    const refanged = refang(searchIn);
    const location = `${sink.file}:${lineNumber}`;
    for (const f of findIndicators(refanged, searchIn)) {
      const source: Source = { file: sink.file, location, format: 'text' };
      const candidate: IndicatorCandidate = { ...meta, value: f.value, port: f.port ?? null, source };
      if (f.kind === 'ip' && f.port !== undefined) {
        const ip = canonicalIp(f.value);
        if (ip.ok) ported.add(ip.value.value);
      }
      buffered.push({ candidate, bareIp: f.kind === 'ip' && f.port === undefined });
    }
  }

  return {
    line(raw, lineNumber) {
      let text = raw;
      if (inHeaders) {
        if (text.trim() === '') inHeaders = false;
        else if (/^content-transfer-encoding:\s*quoted-printable/i.test(text)) quotedPrintable = true;
        return;
      }
      if (/^content-[\w-]+:/i.test(text) || /^--[\w'()+,./:=?-]{8,}$/.test(text)) {
        if (/^content-transfer-encoding:\s*quoted-printable/i.test(text)) quotedPrintable = true;
        return; // MIME part headers and boundaries
      }
      if (quotedPrintable) {
        const qp = decodeQuotedPrintable(text);
        if (qp.soft) {
          if (pendingSoft === '') pendingSoftLine = lineNumber;
          pendingSoft += qp.text;
          return;
        }
        text = pendingSoft + qp.text;
        if (pendingSoft !== '') lineNumber = pendingSoftLine;
        pendingSoft = '';
      }
      if (html) text = html.strip(text);
      emitRow(text.replaceAll('\f', ' '), lineNumber);
    },
    end() {
      if (pendingSoft !== '') emitRow(pendingSoft, pendingSoftLine);
      for (const { candidate, bareIp } of buffered) {
        if (bareIp) {
          const ip = canonicalIp(candidate.value);
          if (ip.ok && ported.has(ip.value.value)) continue;
        }
        if (!candidate.malware && family) candidate.malware = family;
        if (!candidate.threatType && threatType) candidate.threatType = threatType;
        sink.candidate(candidate);
      }
    },
  };
}

function columnOf(cell: string): Column | null {
  const name = cell
    .toLowerCase()
    .replace(/[*_`]/g, (c) => (c === '_' ? ' ' : ''))
    .trim();
  for (const [re, column] of COLUMN_NAMES) if (re.test(name)) return column;
  return null;
}

/**
 * Plain lists: one indicator a line (defanged or not), `#` (and `//`, `;`) comment lines, an
 * optional trailing ` # comment`. Every other line must be an indicator, so failures are rejected.
 */
export function plainListReader(sink: ReaderSink): LineReader {
  return {
    line(raw, lineNumber) {
      const text = stripListComment(raw);
      if (text === null) return;
      const source: Source = {
        file: sink.file,
        location: `${sink.file}:${lineNumber}`,
        format: 'plain-list',
      };
      const value = refang(text);
      if (/\s/.test(value)) {
        sink.reject(source.location, 'a list line must hold one indicator', excerpt(raw));
        return;
      }
      sink.candidate({ value, source });
    },
    end() {},
  };
}

/** The indicator part of a list line, or null for blank and comment lines. */
export function stripListComment(raw: string): string | null {
  const text = raw.replace(/\s+(?:#|\/\/).*$/, '').trim();
  if (text === '' || text.startsWith('#') || text.startsWith('//') || text.startsWith(';')) return null;
  return text;
}
