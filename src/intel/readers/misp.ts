/**
 * MISP event JSON (`{"Event": {...}}`, a REST search `{"response": [{"Event": …}]}` or a list of
 * events): Attribute and Object attributes. Only attributes with `to_ids: true` are indicators —
 * MISP's own flag for "meant to be actionable"; the others are listed as rejected with that reason.
 * The family comes from a `misp-galaxy:malpedia="…"` tag or a malpedia Galaxy cluster.
 */

import { ownValue } from '../../own.js';
import { canonicalNames } from '../canonical.js';
import { excerpt, intern, jsonText } from '../strings.js';
import type { IndicatorCandidate, Source } from '../types.js';
import { InputError, type ReaderSink } from './types.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function isMisp(doc: unknown): boolean {
  return eventEntries(doc) !== null;
}

const isEventEntry = (e: unknown): e is { Event: Obj } => isObject(e) && isObject(e.Event);

/**
 * The event entries of one `{"Event": …}` document or of a list of them (as the REST API's
 * `{"response": […]}` or an export). A list is MISP when one entry is an event; the others are
 * rejected one by one, so a bad entry costs only itself.
 */
function eventEntries(doc: unknown): unknown[] | null {
  if (isEventEntry(doc)) return [doc];
  const list = isObject(doc) && Array.isArray(doc.response) ? doc.response : doc;
  return Array.isArray(list) && list.some(isEventEntry) ? list : null;
}

/** MISP attribute type → how its value splits into candidate parts. */
const TYPES: Record<string, { hint: string; part?: 'left' | 'right' | 'both'; portRight?: boolean }> = {
  'ip-dst': { hint: 'ip' },
  'ip-src': { hint: 'ip' },
  'ip-dst|port': { hint: 'ip', portRight: true },
  'ip-src|port': { hint: 'ip', portRight: true },
  domain: { hint: 'domain' },
  hostname: { hint: 'domain' },
  'hostname|port': { hint: 'domain', part: 'left' },
  'domain|ip': { hint: '', part: 'both' },
  url: { hint: 'url' },
  md5: { hint: 'md5' },
  sha1: { hint: 'sha1' },
  sha256: { hint: 'sha256' },
  'filename|md5': { hint: 'md5', part: 'right' },
  'filename|sha1': { hint: 'sha1', part: 'right' },
  'filename|sha256': { hint: 'sha256', part: 'right' },
  'malware-sample': { hint: 'md5', part: 'right' },
  'email-src': { hint: 'email' },
  'email-dst': { hint: 'email' },
  email: { hint: 'email' },
  'whois-registrant-email': { hint: 'email' },
};

/** Descriptive attribute types that are never indicators: skipped without a rejection. */
const DESCRIPTIVE = new Set([
  'comment',
  'text',
  'other',
  'attachment',
  'link',
  'datetime',
  'counter',
  'float',
  'size-in-bytes',
  'boolean',
  'port',
  'filename',
  'threat-actor',
  'campaign-name',
  'vulnerability',
  'weakness',
]);

export function readMisp(doc: unknown, sink: ReaderSink): void {
  const entries = eventEntries(doc);
  if (entries === null) throw new InputError('not a MISP event');
  for (const [i, entry] of entries.entries()) {
    if (isEventEntry(entry)) readEvent(entry.Event, sink);
    else sink.reject(`${sink.file}#[${i}]`, 'list entry is not a MISP event', excerpt(jsonText(entry)));
  }
}

function readEvent(event: Obj, sink: ReaderSink): void {
  const eventFamily = familyFrom(event);
  const eventTags = plainTags(event.Tag);
  const eventDate = str(event.date);
  const threatLevel = str(event.threat_level_id);
  const context = { eventFamily, eventTags, eventDate, threatLevel };
  const attributes = Array.isArray(event.Attribute) ? event.Attribute : [];
  for (const [i, a] of attributes.entries()) readAttribute(a, `Attribute[${i}]`, context, sink);
  const objects = Array.isArray(event.Object) ? event.Object : [];
  for (const [oi, o] of objects.entries()) {
    if (!isObject(o) || !Array.isArray(o.Attribute)) continue;
    for (const [i, a] of o.Attribute.entries())
      readAttribute(a, `Object[${oi}].Attribute[${i}]`, context, sink);
  }
}

interface EventContext {
  eventFamily: { name: string; aliases: string[] } | null;
  eventTags: string[];
  eventDate: string | null;
  threatLevel: string | null;
}

function readAttribute(attr: unknown, path: string, event: EventContext, sink: ReaderSink): void {
  if (!isObject(attr)) {
    sink.reject(`${sink.file}#${path}`, 'attribute is not an object', excerpt(JSON.stringify(attr) ?? ''));
    return;
  }
  const id = str(attr.uuid) ?? str(attr.id) ?? path;
  const location = `${sink.file}#${id}`;
  const type = str(attr.type)?.toLowerCase() ?? '';
  const value = typeof attr.value === 'string' ? attr.value : '';
  const raw = excerpt(`${type} ${value}`);
  if (attr.deleted === true) return;
  if (DESCRIPTIVE.has(type)) return;
  const mapping = ownValue(TYPES, type);
  if (!mapping) {
    sink.reject(location, `MISP attribute type '${type}' is not supported`, raw);
    return;
  }
  if (attr.to_ids !== true && attr.to_ids !== 1 && attr.to_ids !== '1') {
    sink.reject(location, 'to_ids is false: not marked for detection', raw);
    return;
  }
  if (value === '') {
    sink.reject(location, 'attribute has no value', raw);
    return;
  }
  const family = familyFrom(attr) ?? event.eventFamily;
  const tags = [...new Set([...event.eventTags, ...plainTags(attr.Tag)])];
  const source: Source = { file: sink.file, location, format: 'misp' };
  const base: Omit<IndicatorCandidate, 'value'> = {
    malware: family?.name ?? null,
    malwareAliases: family?.aliases,
    threatType: null,
    firstSeen: str(attr.first_seen) ?? event.eventDate ?? str(attr.timestamp),
    lastSeen: str(attr.last_seen),
    tags,
    source,
  };
  const bar = value.indexOf('|');
  const left = bar >= 0 ? value.slice(0, bar) : value;
  const right = bar >= 0 ? value.slice(bar + 1) : '';
  if (mapping.portRight) {
    if (bar < 0) {
      sink.reject(location, `${type} value has no '|port' part`, raw);
      return;
    }
    const port = Number(right);
    sink.candidate({
      ...base,
      value: left,
      typeHint: mapping.hint,
      port: Number.isInteger(port) ? port : -1,
    });
  } else if (mapping.part === 'both') {
    sink.candidate({ ...base, value: left });
    if (right !== '') sink.candidate({ ...base, value: right, typeHint: 'ip' });
  } else if (mapping.part === 'right') {
    if (bar < 0) {
      sink.reject(location, `${type} value has no '|' part`, raw);
      return;
    }
    sink.candidate({ ...base, value: right, typeHint: mapping.hint });
  } else if (mapping.part === 'left') {
    sink.candidate({ ...base, value: left, typeHint: mapping.hint });
  } else {
    sink.candidate({ ...base, value, typeHint: mapping.hint });
  }
}

const GALAXY_TAG =
  /^misp-galaxy:(?:malpedia|mitre-malware|malware|tool|rat|botnet|ransomware|stealer|backdoor|banker)="(.+)"$/i;

/** Family from `misp-galaxy:malpedia="NanoCore"` tags or a malpedia-type Galaxy cluster. */
function familyFrom(holder: Obj): { name: string; aliases: string[] } | null {
  if (Array.isArray(holder.Galaxy)) {
    for (const galaxy of holder.Galaxy) {
      if (!isObject(galaxy) || !Array.isArray(galaxy.GalaxyCluster)) continue;
      for (const cluster of galaxy.GalaxyCluster) {
        if (!isObject(cluster) || !str(cluster.value)) continue;
        if (!/malpedia|malware|tool|rat|botnet/i.test(str(galaxy.type) ?? str(cluster.type) ?? '')) continue;
        const meta = isObject(cluster.meta) ? cluster.meta : {};
        return { name: intern(cluster.value as string), aliases: canonicalNames(meta.synonyms) };
      }
    }
  }
  if (Array.isArray(holder.Tag)) {
    for (const tag of holder.Tag) {
      const m = isObject(tag) && typeof tag.name === 'string' ? GALAXY_TAG.exec(tag.name) : null;
      if (m) return { name: intern(m[1]), aliases: [] };
    }
  }
  return null;
}

function plainTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) return [];
  const out: string[] = [];
  for (const tag of tags) {
    const name = isObject(tag) ? str(tag.name) : null;
    if (name && !name.startsWith('misp-galaxy:')) out.push(intern(name));
  }
  return out;
}
