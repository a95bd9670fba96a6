/**
 * Canonical indicator values, and the step that turns a reader's IndicatorCandidate into an
 * Indicator (or a reason why it cannot be one).
 *
 * Decisions:
 * - IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes the IPv4 address: it is the same host, and logs
 *   record it either way, so one canonical form lets one hunt cover both.
 * - IPv4 must be four decimal parts; `010.1.1.1` and `0x7f.1` are rejected as ambiguous rather than
 *   guessed (inet_aton would read them as octal/hex).
 * - CIDR ranges are rejected: an indicator is one address.
 * - Domains are lowercase, without trailing dot, IDN as punycode, and must end in an ICANN public
 *   suffix (tldts) with at least one label before it (`co.uk` alone is not a domain).
 * - URLs keep their path and query as given; scheme and host are lowercased, a default port is
 *   dropped, an explicit one is kept in the value and in `port`. For the network schemes (http,
 *   https, ftp, ws, wss) the value is what a request carries and a proxy logs: an empty path is
 *   `/` (also before `?`), and user info (`user:pass@`) and the `#fragment` are left out, since
 *   clients never send them.
 * - E-mail addresses are lowercased as a whole (mail systems treat them case-insensitively).
 */
import { domainToASCII } from 'node:url';
import { ownValue } from '../own.js';
import { ipaddr } from '../packages/ipaddr.js';
import { tldts } from '../packages/tldts.js';
import { isPlainDomain } from './domain-shape.js';
import { detach, intern } from './strings.js';
import { toIsoUtc } from './timestamps.js';
import type { Indicator, IndicatorCandidate, IndicatorType } from './types.js';

export type Canonical<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Canonical<T> => ({ ok: true, value });
const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

export interface CanonicalIp {
  type: 'ipv4' | 'ipv6';
  value: string;
}

const IPV4_OK = 0;
const IPV4_NOT = 1;
const IPV4_LEADING_ZERO = 2;
const IPV4_RANGE = 3;

/**
 * Dotted-quad check by character codes (the hot path of a ThreatFox export is mostly ip:port).
 * A valid address without leading zeros is already in canonical form.
 */
function checkIPv4(text: string): number {
  const n = text.length;
  if (n < 7 || n > 15) return IPV4_NOT;
  let dots = 0;
  let digits = 0;
  let octet = 0;
  let leadingZero = false;
  let overflow = false;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? 46 : text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0) return IPV4_NOT;
      if (digits > 1 && leadingZero) return IPV4_LEADING_ZERO;
      if (octet > 255) overflow = true;
      if (i < n) dots++;
      digits = 0;
      octet = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 0) leadingZero = c === 48;
      if (++digits > 3) return IPV4_NOT;
      octet = octet * 10 + (c - 48);
    } else return IPV4_NOT;
  }
  if (dots !== 3) return IPV4_NOT;
  return overflow ? IPV4_RANGE : IPV4_OK;
}

export function canonicalIp(raw: string): Canonical<CanonicalIp> {
  const text = raw.trim();
  if (text.includes('/')) return fail(`'${text}' is a CIDR range, not a single address`);
  const v4 = checkIPv4(text);
  if (v4 === IPV4_OK) return ok({ type: 'ipv4', value: detach(text) });
  if (v4 === IPV4_LEADING_ZERO) return fail(`'${text}' has a leading zero (octal/decimal ambiguity)`);
  if (v4 === IPV4_RANGE) return fail(`'${text}' is not an IPv4 address (octet above 255)`);
  const v6 = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  // ipaddr's IPv6 check is slow on non-addresses; an IPv6 address has at least two colons.
  const firstColon = v6.indexOf(':');
  if (firstColon >= 0 && v6.indexOf(':', firstColon + 1) > 0 && ipaddr.IPv6.isValid(v6)) {
    const addr = ipaddr.IPv6.parse(v6.replace(/%.*$/, ''));
    if (addr.isIPv4MappedAddress()) return ok({ type: 'ipv4', value: addr.toIPv4Address().toString() });
    return ok({ type: 'ipv6', value: addr.toString() });
  }
  return fail(`'${text}' is not an IP address`);
}

/** Splits `1.2.3.4:443`, `[2001:db8::1]:443` and plain addresses into host and port. */
export function splitHostPort(raw: string): { host: string; port: string | null } {
  const text = raw.trim();
  const bracketed = text.charCodeAt(0) === 91 /* [ */ ? /^\[([^\]]+)\](?::(\d*))?$/.exec(text) : null;
  if (bracketed) return { host: bracketed[1], port: bracketed[2] ?? null };
  const colon = text.lastIndexOf(':');
  // More than one colon without brackets is an IPv6 address, not host:port.
  if (colon > 0 && text.indexOf(':') === colon)
    return { host: text.slice(0, colon), port: text.slice(colon + 1) };
  return { host: text, port: null };
}

export function canonicalPort(raw: string | number): Canonical<number> {
  const n = typeof raw === 'number' ? raw : decimalPort(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) return fail(`port '${raw}' is not 1–65535`);
  return ok(n);
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** 1–5 decimal digits (surrounding whitespace allowed) as a number; NaN for anything else. */
function decimalPort(raw: string): number {
  // trim() only when an end is not a digit (it is the slow part on a million rows).
  const text = raw.length > 0 && isDigit(raw, 0) && isDigit(raw, raw.length - 1) ? raw : raw.trim();
  if (text.length === 0 || text.length > 5) return Number.NaN;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return Number.NaN;
    n = n * 10 + c;
  }
  return n;
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

export function canonicalDomain(raw: string): Canonical<string> {
  if (isPlainDomain(raw)) {
    const problem = publicSuffixProblem(raw);
    return problem === null ? ok(detach(raw)) : fail(problem);
  }
  let text = raw.trim();
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (text === '') return fail('empty domain');
  // Pure ASCII (the common case) needs no IDN conversion.
  let ascii = /^[\x21-\x7e]+$/.test(text) ? text.toLowerCase() : domainToASCII(text.toLowerCase());
  if (ascii === '') return fail(`'${raw}' is not a valid domain name`);
  if (ascii.length > 253) return fail(`domain is longer than 253 characters`);
  const labels = ascii.split('.');
  if (labels.length < 2) return fail(`'${raw}' has no top-level domain`);
  for (const label of labels) {
    if (!LABEL.test(label)) return fail(`'${raw}' has an invalid label '${label}'`);
  }
  if (/^\d+$/.test(labels[labels.length - 1])) return fail(`'${raw}' looks like an IP address, not a domain`);
  const problem = publicSuffixProblem(ascii);
  if (problem !== null) return fail(problem);
  ascii = detach(ascii);
  return ok(ascii);
}

/** tldts options for a name already checked: only its suffix is looked up. */
const SUFFIX_ONLY = { extractHostname: false, validateHostname: false, detectIp: false } as const;

/**
 * Why a lowercase ASCII name with valid labels is not a registrable domain (its suffix is not an
 * ICANN public suffix, or it is one itself), or null when it is one.
 */
export function publicSuffixProblem(ascii: string): string | null {
  const info = tldts.parse(ascii, SUFFIX_ONLY);
  if (!info.isIcann) return `'.${info.publicSuffix}' is not a public top-level domain`;
  if (info.domain === null) return `'${ascii}' is a public suffix, not a registrable domain`;
  return null;
}

const HEX = /^[0-9a-fA-F]+$/;
const HASH_BY_LENGTH: Record<number, 'md5' | 'sha1' | 'sha256'> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };

export function canonicalHash(raw: string): Canonical<{ type: 'md5' | 'sha1' | 'sha256'; value: string }> {
  const text = raw.trim();
  if (!HEX.test(text)) return fail(`'${text}' is not a hexadecimal hash`);
  const type = HASH_BY_LENGTH[text.length];
  if (!type) return fail(`a hash of ${text.length} hex digits is not md5, sha1 or sha256`);
  return ok({ type, value: detach(text.toLowerCase()) });
}

const EMAIL = /^([^\s@]+)@([^\s@]+)$/;

export function canonicalEmail(raw: string): Canonical<string> {
  const m = EMAIL.exec(raw.trim());
  if (!m) return fail(`'${raw}' is not an e-mail address`);
  if (!/^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/.test(m[1]))
    return fail(`'${raw}' has an invalid local part`);
  const domain = canonicalDomain(m[2]);
  if (!domain.ok) return fail(`e-mail domain: ${domain.reason}`);
  return ok(detach(`${m[1].toLowerCase()}@${domain.value}`));
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ftp: 21, ws: 80, wss: 443 };
const URL_PARTS = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#\s]*)([^\s]*)$/;

export interface CanonicalUrl {
  value: string;
  host: string;
  port: number | null;
}

export function canonicalUrl(raw: string): Canonical<CanonicalUrl> {
  const m = URL_PARTS.exec(raw.trim());
  if (!m) return fail(`'${raw}' is not a URL (scheme://host/...)`);
  const scheme = m[1].toLowerCase();
  const defaultPort = ownValue(DEFAULT_PORTS, scheme);
  const network = defaultPort !== undefined;
  let authority = m[2];
  let userinfo = '';
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    userinfo = network ? '' : authority.slice(0, at + 1);
    authority = authority.slice(at + 1);
  }
  const { host: rawHost, port: rawPort } = splitHostPort(authority);
  if (rawHost === '') return fail(`URL '${raw}' has no host`);
  let host: string;
  let hostForm: string;
  // A host without a colon is an IP address only as a canonical dotted quad (no whitespace can
  // be in it): others need not build canonicalIp's reason for not being one.
  const ip =
    rawHost.indexOf(':') < 0 && checkIPv4(rawHost) !== IPV4_OK
      ? fail('not an IP address')
      : canonicalIp(rawHost);
  if (ip.ok) {
    host = ip.value.value;
    hostForm = ip.value.type === 'ipv6' ? `[${host}]` : host;
  } else {
    const domain = canonicalDomain(rawHost);
    if (!domain.ok) return fail(`URL host: ${domain.reason}`);
    host = domain.value;
    hostForm = host;
  }
  let port: number | null = null;
  if (rawPort !== null && rawPort !== '') {
    const p = canonicalPort(rawPort);
    if (!p.ok) return fail(`URL ${p.reason}`);
    if (defaultPort !== p.value) port = p.value;
  }
  let path = m[3];
  if (network) {
    const hash = path.indexOf('#');
    if (hash >= 0) path = path.slice(0, hash);
    if (path === '' || path[0] === '?') path = `/${path}`;
  }
  const value = `${scheme}://${userinfo}${hostForm}${port === null ? '' : `:${port}`}${path}`;
  return ok({ value: detach(value), host, port });
}

/** Canonical value and type of one raw indicator, inferring the type when the feed gives none. */
export interface CanonicalValue {
  type: IndicatorType;
  value: string;
  port: number | null;
  host: string | null;
}

/** Feed type words → the kind of value expected. Unknown hints fall back to inference. */
const HINTS: Record<string, 'ip' | 'domain' | 'url' | 'hash' | 'email' | 'md5' | 'sha1' | 'sha256'> = {
  'ip:port': 'ip',
  ip: 'ip',
  ipv4: 'ip',
  ipv6: 'ip',
  'ipv4-addr': 'ip',
  'ipv6-addr': 'ip',
  'ip-dst': 'ip',
  'ip-src': 'ip',
  'ip-dst|port': 'ip',
  'ip-src|port': 'ip',
  domain: 'domain',
  hostname: 'domain',
  'domain-name': 'domain',
  url: 'url',
  md5: 'md5',
  md5_hash: 'md5',
  sha1: 'sha1',
  sha1_hash: 'sha1',
  'sha-1': 'sha1',
  sha256: 'sha256',
  sha256_hash: 'sha256',
  'sha-256': 'sha256',
  hash: 'hash',
  email: 'email',
  'email-src': 'email',
  'email-dst': 'email',
  envelope_from: 'email',
  body_from: 'email',
};

/** Hints a feed may carry that name a real but unsupported kind; rejected with that reason. */
const UNSUPPORTED_HINT = /^(sha3_384_hash|sha3-384|sha512|sha-512|sha384|ssdeep|imphash|tlsh|ja3|cidr)/i;

export function canonicalValue(
  raw: string,
  typeHint?: string,
  port?: number | null,
): Canonical<CanonicalValue> {
  // Feeds write their type words in lowercase; normalise only when the exact word is unknown.
  const hintKey =
    typeHint === undefined
      ? undefined
      : Object.hasOwn(HINTS, typeHint)
        ? typeHint
        : typeHint.trim().toLowerCase();
  const hint = hintKey && Object.hasOwn(HINTS, hintKey) ? HINTS[hintKey] : undefined;
  if (hintKey && !hint && UNSUPPORTED_HINT.test(hintKey))
    return fail(
      `indicator type '${typeHint}' is not supported (supported: ipv4, ipv6, domain, url, md5, sha1, sha256, email)`,
    );
  const text = raw.trim();
  if (text === '') return fail('empty value');
  const kind = hint ?? inferKind(text);
  switch (kind) {
    case 'ip':
      return canonicalIpWithPort(text, port);
    case 'domain': {
      const d = canonicalDomain(text);
      return d.ok ? ok({ type: 'domain', value: d.value, port: null, host: null }) : d;
    }
    case 'url': {
      const u = canonicalUrl(text);
      return u.ok ? ok({ type: 'url', value: u.value.value, port: u.value.port, host: u.value.host }) : u;
    }
    case 'email': {
      const e = canonicalEmail(text);
      return e.ok ? ok({ type: 'email', value: e.value, port: null, host: null }) : e;
    }
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'hash': {
      const h = canonicalHash(text);
      if (!h.ok) return h;
      if (kind !== 'hash' && h.value.type !== kind)
        return fail(`${typeHint} value has ${text.length} hex digits, which is a ${h.value.type} hash`);
      return ok({ type: h.value.type, value: h.value.value, port: null, host: null });
    }
    default:
      return fail(`'${excerptValue(text)}' is not an IP address, domain, URL, hash or e-mail address`);
  }
}

function canonicalIpWithPort(text: string, port?: number | null): Canonical<CanonicalValue> {
  // `1.2.3.4:443` and `[v6]:443` split first (the common ThreatFox case); a bare IPv6 stays whole.
  const split =
    text.startsWith('[') || text.indexOf(':') === text.lastIndexOf(':') ? splitHostPort(text) : null;
  const ip = canonicalIp(split ? split.host : text);
  if (!ip.ok) return ip;
  const portText = split ? split.port : null;
  let finalPort: number | null = null;
  if (portText !== null) {
    const p = canonicalPort(portText);
    if (!p.ok) return p;
    finalPort = p.value;
  } else if (port !== undefined && port !== null) {
    const p = canonicalPort(port);
    if (!p.ok) return p;
    finalPort = p.value;
  }
  return ok({ type: ip.value.type, value: ip.value.value, port: finalPort, host: null });
}

function inferKind(text: string): 'ip' | 'domain' | 'url' | 'hash' | 'email' | null {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(text)) return 'url';
  if (text.includes('@')) return 'email';
  if (HEX.test(text) && text.length in HASH_BY_LENGTH) return 'hash';
  if (/^[\d.:[\]]+$/.test(text) || (text.includes(':') && /^[0-9a-fA-F:.[\]%]+$/.test(text))) return 'ip';
  if (text.includes('.')) return 'domain';
  return null;
}

function excerptValue(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** Clamps a feed confidence into 0–100; null when absent or not a number. */
export function canonicalConfidence(raw: unknown): number | null {
  if (raw === null || raw === undefined || raw === '' || raw === 'None') return null;
  if (typeof raw !== 'number' && typeof raw !== 'string') return null;
  let n = typeof raw === 'number' ? raw : Number(raw); // `75`, ` 75 `
  if (Number.isNaN(n)) n = Number(String(raw).trim().replace(/%$/, '')); // `75%`
  if (!Number.isFinite(n)) return null;
  return Math.round(Math.min(100, Math.max(0, n)));
}

const tagCache = new Map<string, string[]>();

/** Splits a comma-joined tag string (exports) or accepts an array (API); de-duplicated, trimmed. */
export function canonicalTags(raw: unknown): string[] {
  if (raw === null || raw === undefined) return EMPTY;
  if (typeof raw === 'string') {
    if (raw === '' || raw === 'None') return EMPTY;
    const hit = tagCache.get(raw);
    if (hit) return hit;
    const tags = uniqueStrings(raw.split(','));
    if (tagCache.size > 20_000) tagCache.clear();
    tagCache.set(detach(raw), tags);
    return tags;
  }
  if (Array.isArray(raw)) return uniqueStrings(raw.filter((t): t is string => typeof t === 'string'));
  return EMPTY;
}

/** Shared empty list: indicators without tags/aliases/flags all point to it; never mutate. */
export const EMPTY: never[] = [];

function uniqueStrings(items: string[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    const t = item.trim();
    if (t !== '' && !out.includes(t)) out.push(intern(t));
  }
  return out.length === 0 ? EMPTY : out;
}

const nameCache = new Map<string, string[]>();

/** Lowercased ids/aliases for family matching: `win.nanocore`, `Nancrat,NanoCore` → lists. */
export function canonicalNames(raw: unknown): string[] {
  if (typeof raw !== 'string') return splitNames(raw);
  const hit = nameCache.get(raw);
  if (hit) return hit;
  const names = splitNames(raw);
  if (nameCache.size > 20_000) nameCache.clear();
  nameCache.set(detach(raw), names);
  return names;
}

function splitNames(raw: unknown): string[] {
  const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : [];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') continue;
    const t = item.trim().toLowerCase();
    if (t !== '' && t !== 'none' && !out.includes(t)) out.push(intern(t));
  }
  return out.length === 0 ? EMPTY : out;
}

/** Turns a reader's candidate into a canonical Indicator (flags are set later, after merging). */
export function canonicalise(candidate: IndicatorCandidate): Canonical<Indicator> {
  const value = canonicalValue(candidate.value, candidate.typeHint, candidate.port);
  if (!value.ok) return value;
  const v = value.value;
  const malware = candidate.malware ? cleanName(candidate.malware) : null;
  return ok({
    type: v.type,
    value: v.value,
    port: v.port,
    host: v.host,
    malware,
    malwareIds: candidate.malwareIds ?? EMPTY,
    malwareAliases: candidate.malwareAliases ?? EMPTY,
    threatType: candidate.threatType ? cleanName(candidate.threatType) : null,
    firstSeen: toIsoUtc(candidate.firstSeen),
    lastSeen: toIsoUtc(candidate.lastSeen),
    validUntil: toIsoUtc(candidate.validUntil),
    confidence: canonicalConfidence(candidate.confidence),
    tags: candidate.tags ?? EMPTY,
    sources: [candidate.source],
    flags: EMPTY,
  });
}

/** Printable names (family, threat type): trimmed, control characters removed, `Unknown malware` is none. */
const cleanNames = new Map<string, string | null>();

export function cleanName(raw: string): string | null {
  // Families and threat types repeat on every row of a feed: clean each distinct spelling once.
  const hit = cleanNames.get(raw);
  if (hit !== undefined) return hit;
  const name = raw.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  const clean = name === '' || /^(unknown( malware)?|none|null|n\/a|-)$/i.test(name) ? null : intern(name);
  if (cleanNames.size > 20_000) cleanNames.clear();
  cleanNames.set(detach(raw), clean);
  return clean;
}
