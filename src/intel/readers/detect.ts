/**
 * Format detection from content, never from the file name: the first few KB decide between the
 * ThreatFox CSV export, JSON (the document then decides which JSON format), plain lists and free
 * text. Binary inputs (PDF, ZIP, NUL bytes) are refused with a hint.
 */
import { isMisp, readMisp } from './misp.js';
import { isStix, readStix } from './stix.js';
import { stripListComment } from './text.js';
import {
  isThreatFoxApi,
  isThreatFoxExport,
  readThreatFoxApi,
  readThreatFoxExport,
} from './threatfox-json.js';
import type { FormatName, JsonReader } from './types.js';

export const ACCEPTED_FORMATS =
  'ThreatFox API JSON, ThreatFox JSON/CSV export, STIX 2.1 bundle, MISP event JSON, plain list, free text (Markdown, HTML, e-mail, text)';

export type Detected =
  | { kind: 'json' }
  | { kind: 'lines'; format: 'threatfox-csv' | 'plain-list' | 'text'; html?: boolean; email?: boolean }
  | { kind: 'binary'; reason: string };

/** Looks at the start of the input (bytes for magic numbers, text for everything else). */
export function detectFromPeek(bytes: Uint8Array, text: string): Detected {
  const magic = Buffer.from(bytes.subarray(0, 5)).toString('latin1');
  if (magic.startsWith('%PDF-'))
    return { kind: 'binary', reason: 'is a PDF: extract its text first (e.g. pdftotext)' };
  if (magic.startsWith('PK\x03\x04')) return { kind: 'binary', reason: 'is a ZIP archive: unzip it first' };
  if (text.includes('\u0000')) return { kind: 'binary', reason: 'is binary (contains NUL bytes)' };
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('{') || body.startsWith('[')) {
    // `[` also starts Markdown links, defanged text and `[v6]:port`; JSON needs a value right after it.
    if (body.startsWith('{') || /^\[\s*(?:[{["\]]|-?\d+(?:\.\d+)?\s*[,\]]|true|false|null)/.test(body))
      return { kind: 'json' };
  }
  if (/^#?\s*"first_seen_utc"/m.test(body) || /^#\s*ThreatFox IOCs:.*CSV format/m.test(body))
    return { kind: 'lines', format: 'threatfox-csv' };
  if (/<(?:!doctype html|html|body|head|table|div|p|td|br)\b[^>]*>/i.test(body))
    return { kind: 'lines', format: 'text', html: true };
  if (
    /^(?:Return-Path|Received|Delivered-To|From|Message-ID|MIME-Version|Date|Subject|To|X-[\w-]+):\s/i.test(
      body,
    )
  ) {
    const headers = body.split(/\r?\n\r?\n/, 1)[0];
    if (
      /^(?:From|Received|Message-ID|MIME-Version):/im.test(headers) &&
      /^Subject:|^Date:|^To:/im.test(headers)
    )
      return { kind: 'lines', format: 'text', email: true, html: /content-type:\s*text\/html/i.test(body) };
  }
  return { kind: 'lines', format: isPlainList(body) ? 'plain-list' : 'text' };
}

/**
 * Most non-comment lines of the peek (but the possibly cut-off last one) are a single token that
 * looks like an indicator. A majority rather than all, so a list with a few bad lines is still
 * read as a list and those lines are rejected with a reason instead of silently skipped as prose.
 */
function isPlainList(text: string): boolean {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1) lines.pop();
  let tokens = 0;
  let other = 0;
  for (const line of lines) {
    const t = stripListComment(line);
    if (t === null) continue;
    if (!/\s/.test(t) && /[.:@[({]|^[0-9a-f]{32,}$/i.test(t)) tokens++;
    else other++;
  }
  return tokens > 0 && tokens > other * 2;
}

/** Which JSON reader understands a parsed document, or null. */
export function jsonReaderFor(doc: unknown): { format: FormatName; read: JsonReader } | null {
  if (isThreatFoxApi(doc)) return { format: 'threatfox-api', read: readThreatFoxApi };
  if (isStix(doc)) return { format: 'stix', read: readStix };
  if (isMisp(doc)) return { format: 'misp', read: readMisp };
  if (isThreatFoxExport(doc)) return { format: 'threatfox-json', read: readThreatFoxExport };
  return null;
}
