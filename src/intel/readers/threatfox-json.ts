/**
 * ThreatFox JSON: the API envelope (`{"query_status":"ok","data":[...]}`, also a single by-id
 * record) and the JSON export (`{"<ioc_id>": [ {record}, ... ], ...}`).
 */
import { excerpt, jsonText } from '../strings.js';
import type { Source } from '../types.js';
import { threatFoxCandidate } from './threatfox-record.js';
import { InputError, type ReaderSink } from './types.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function isThreatFoxApi(doc: unknown): boolean {
  return isObject(doc) && ('query_status' in doc || ('ioc' in doc && 'ioc_type' in doc));
}

/**
 * Export: an object keyed by IOC id whose values are lists of records, one of them with
 * `ioc_value`. Other entries are read as entries of the export and rejected one by one, so a bad
 * entry costs only itself.
 */
export function isThreatFoxExport(doc: unknown): boolean {
  if (!isObject(doc)) return false;
  for (const records of Object.values(doc)) {
    if (Array.isArray(records) && records.some((r) => isObject(r) && 'ioc_value' in r)) return true;
  }
  return false;
}

export function readThreatFoxApi(doc: unknown, sink: ReaderSink): void {
  if (!isObject(doc)) throw new InputError('not a ThreatFox API response');
  if ('query_status' in doc) {
    const status = doc.query_status;
    if (status !== 'ok') {
      const detail = typeof doc.data === 'string' ? `: ${excerpt(doc.data)}` : '';
      throw new InputError(`ThreatFox API answered query_status '${excerpt(jsonText(status))}'${detail}`);
    }
    const data = Array.isArray(doc.data) ? doc.data : isObject(doc.data) ? [doc.data] : null;
    if (data === null) throw new InputError("ThreatFox API response has no 'data' list");
    for (const [index, record] of data.entries()) readRecord(record, String(index), sink, 'threatfox-api');
    return;
  }
  readRecord(doc, '0', sink, 'threatfox-api');
}

export function readThreatFoxExport(doc: unknown, sink: ReaderSink): void {
  if (!isObject(doc)) throw new InputError('not a ThreatFox JSON export');
  for (const [id, records] of Object.entries(doc)) {
    if (!Array.isArray(records)) {
      sink.reject(
        `${sink.file}#${id}`,
        'export entry is not a list of records',
        excerpt(JSON.stringify(records) ?? ''),
      );
      continue;
    }
    for (const [i, record] of records.entries())
      readRecord(record, records.length > 1 ? `${id}/${i}` : id, sink, 'threatfox-json');
  }
}

function readRecord(record: unknown, fallbackId: string, sink: ReaderSink, format: string): void {
  const id =
    isObject(record) && (typeof record.id === 'string' || typeof record.id === 'number')
      ? record.id
      : fallbackId;
  const location = `${sink.file}#${id}`;
  if (!isObject(record)) {
    sink.reject(location, 'record is not an object', excerpt(jsonText(record)));
    return;
  }
  const source: Source = { file: sink.file, location, format };
  const result = threatFoxCandidate(record, source);
  if (typeof result === 'string') sink.reject(location, result, excerpt(JSON.stringify(record)));
  else sink.candidate(result);
}
