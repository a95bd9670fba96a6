/**
 * Deterministic identifiers: the same name always gives the same UUID, so regenerating hunts, rules
 * and exports from the same feed does not churn ids in the SIEM or the TIP.
 */
import { createHash } from 'node:crypto';

/** Namespace of exported objects (Sigma rules, STIX objects, Elastic rules); fixed forever. */
export const HUNTFORGE_NAMESPACE = '6f1c0f0e-3c52-4d5e-9a57-2b8f4f3f7a11';
/** Namespace of hunt ids (Sentinel hunting queries and analytics rules); fixed forever. */
const HUNT_NAMESPACE = '6f1d3c52-a8e9-4b0c-9d5e-2f7a1b3c4d5e';

/** RFC 4122 version-5 UUID (SHA-1 of namespace and name). */
export function uuidV5(name: string, namespace: string = HUNTFORGE_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A hunt's GUID from its parts (family, kind, table, …). */
export function stableGuid(...parts: string[]): string {
  return uuidV5(parts.join('\u0000'), HUNT_NAMESPACE);
}
