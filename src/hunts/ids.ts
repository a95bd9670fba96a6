/** Deterministic GUIDs, so regenerating the same hunts gives the same ids (no churn in Sentinel). */
import { createHash } from 'node:crypto';

// Fixed namespace for huntforge ids (an RFC 4122 name-based, SHA-1 "version 5" scheme).
const NAMESPACE = Buffer.from('6f1d3c52a8e94b0c9d5e2f7a1b3c4d5e', 'hex');

export function stableGuid(...parts: string[]): string {
  const hash = createHash('sha1').update(NAMESPACE).update(parts.join('\u0000')).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
