/**
 * The indicator model: what every reader produces and every later stage (hunts, renderers,
 * engines, reports) consumes.
 */

export const INDICATOR_TYPES = ['ipv4', 'ipv6', 'domain', 'url', 'md5', 'sha1', 'sha256', 'email'] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export type FlagCategory = 'shared-infrastructure' | 'benign' | 'reserved' | 'dynamic-dns';

/** Why an indicator may match benign traffic. `list` names the bundled warninglist that matched. */
export interface Flag {
  list: string;
  category: FlagCategory;
  reason: string;
}

/** Where one piece of evidence for an indicator came from. */
export interface Source {
  /** Input file (or `-` for stdin, or a pseudo-path such as `threatfox:malware=Nanocore`). */
  file: string;
  /** `file:line` for line formats, `file#<record id>` for record formats. */
  location: string;
  /** Reader that produced it: `threatfox-csv`, `stix`, `text`, … */
  format: string;
  reference?: string;
  reporter?: string;
}

/** A canonical, de-duplicated indicator. Identity is (type, value, port). */
export interface Indicator {
  type: IndicatorType;
  /** Canonical value: lowercase domain/punycode, canonical IP text, normalised URL, lowercase hash. */
  value: string;
  /** Destination port for ip:port (and url with explicit port) indicators; null when none. */
  port: number | null;
  /** Host of a URL indicator (canonical domain or IP); null for other types. */
  host: string | null;
  /** Printable malware family, e.g. `NanoCore RAT`; null when unattributed. */
  malware: string | null;
  /** Malpedia-style id (`win.nanocore`) and aliases, lowercased for matching. */
  malwareIds: string[];
  malwareAliases: string[];
  /** `botnet_cc`, `payload_delivery`, `payload`, … as the feed names it. */
  threatType: string | null;
  /** ISO 8601 UTC (`2026-04-25T10:11:12Z`), or null. */
  firstSeen: string | null;
  lastSeen: string | null;
  /** Expiry from the feed (STIX valid_until), ISO 8601 UTC, or null. */
  validUntil: string | null;
  /** 0–100, or null when the feed gives none. */
  confidence: number | null;
  tags: string[];
  sources: Source[];
  flags: Flag[];
}

/**
 * What a reader yields before canonicalisation: the raw value plus whatever metadata the
 * format carries. `typeHint` is the format's own type word (`ip:port`, `md5_hash`, `domain-name`,
 * `ip-dst|port`, …) or absent when the type must be inferred from the value.
 */
export interface IndicatorCandidate {
  value: string;
  typeHint?: string;
  port?: number | null;
  malware?: string | null;
  malwareIds?: string[];
  malwareAliases?: string[];
  threatType?: string | null;
  firstSeen?: string | null;
  lastSeen?: string | null;
  validUntil?: string | null;
  /** As the feed writes it (`75`, `"75"`, `75%`); clamped to 0–100 when canonicalised. */
  confidence?: number | string | null;
  tags?: string[];
  source: Source;
}

/** An input record that could not become an indicator, kept so nothing is silently lost. */
export interface Rejection {
  /** `file:line` or `file#record`. */
  location: string;
  reason: string;
  /** Short excerpt of the offending input (at most ~120 characters). */
  raw: string;
}

export type ReaderItem =
  | { kind: 'candidate'; candidate: IndicatorCandidate }
  | { kind: 'rejected'; rejection: Rejection };

export interface ReadResult {
  indicators: Indicator[];
  rejected: Rejection[];
  /** Inputs that could not be read at all (missing file, unknown format), one message each. */
  errors: string[];
}
