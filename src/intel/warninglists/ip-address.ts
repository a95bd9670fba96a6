/**
 * IP text → 32-bit words, the key format of the prefix tries: IPv4 is one word, IPv6 four.
 * Both parsers are hand-rolled (ipaddr.js handles only the rare leftovers) because they run once per
 * indicator on million-row feeds.
 */
import { ipaddr } from '../../packages/ipaddr.js';

const DIGITS_AND_DOTS = /^[0-9.]+$/;

/** Strict dotted-quad IPv4 (no leading zeros) as an unsigned 32-bit number, or -1. */
export function parseIPv4(text: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1;
      octet = octet * 10 + (c - 48);
      if (octet > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

/** Any IPv4 text ipaddr.js accepts as four-part decimal (e.g. with leading zeros), or -1. */
export function parseIPv4Loose(text: string): number {
  const strict = parseIPv4(text);
  // Only digits-and-dots text can be four-part decimal; the ipaddr.js check throws internally
  // on anything else, which is slow when every URL host passes through here.
  if (strict !== -1 || !DIGITS_AND_DOTS.test(text)) return strict;
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return -1;
  const [a, b, c, d] = ipaddr.IPv4.parse(text).octets;
  return ((a * 256 + b) * 256 + c) * 256 + d;
}

/** Fills `out` (length 4) with the IPv6 address's words; false when `text` is not IPv6. */
export function parseIPv6Words(text: string, out: Uint32Array): boolean {
  let groups = parseIPv6Groups(text);
  // Forms the fast parser leaves alone (zone ids and the like) go through ipaddr.js.
  if (!groups) {
    if (!ipaddr.IPv6.isValid(text)) return false;
    groups = ipaddr.IPv6.parse(text).parts;
  }
  for (let i = 0; i < 4; i++) out[i] = groups[2 * i] * 0x10000 + groups[2 * i + 1];
  return true;
}

const groupScratch: number[] = [0, 0, 0, 0, 0, 0, 0, 0];

/**
 * The eight 16-bit groups of an IPv6 address in RFC 4291 text form (1–4 hex digits a group, at most
 * one `::`, optional trailing dotted IPv4), or null. One pass, no allocation on the hex path:
 * ipaddr.js parsing is several times slower and this runs once per indicator.
 */
function parseIPv6Groups(text: string): number[] | null {
  const groups = groupScratch;
  const n = text.length;
  let count = 0;
  let gap = -1;
  let value = 0;
  let digits = 0;
  let groupStart = 0;
  let i = 0;
  if (n < 2) return null;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return null;
    gap = 0;
    i = 2;
    groupStart = 2;
  }
  let dottedTail = false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 58) {
      if (digits === 0 || count === 8) return null;
      groups[count++] = value;
      value = 0;
      digits = 0;
      if (i + 1 < n && text.charCodeAt(i + 1) === 58) {
        if (gap !== -1) return null;
        gap = count;
        i++;
      }
      groupStart = i + 1;
    } else if (c === 46) {
      const v4 = parseIPv4(text.slice(groupStart));
      if (v4 === -1 || count > 6) return null;
      groups[count++] = Math.floor(v4 / 0x10000);
      groups[count++] = v4 % 0x10000;
      dottedTail = true;
      break;
    } else {
      const digit = hexDigit(c);
      if (digit === -1 || digits === 4) return null;
      value = value * 16 + digit;
      digits++;
    }
  }
  if (!dottedTail) {
    if (digits > 0) {
      if (count === 8) return null;
      groups[count++] = value;
    } else if (!(gap === count && groupStart === n)) {
      return null; // ends in a single ':'
    }
  }
  if (gap === -1) return count === 8 ? groups : null;
  if (count > 7) return null;
  // `::a.b.c.d` (deprecated IPv4-compatible form): read as ipaddr.js reads it, as IPv4-mapped
  // `::ffff:a.b.c.d`, so lookups agree with the canonical values the readers produce.
  if (dottedTail && gap === 0 && count === 2) {
    groups[6] = groups[0];
    groups[7] = groups[1];
    groups.fill(0, 0, 5);
    groups[5] = 0xffff;
    return groups;
  }
  const missing = 8 - count;
  for (let k = count - 1; k >= gap; k--) groups[k + missing] = groups[k];
  for (let k = gap; k < gap + missing; k++) groups[k] = 0;
  return groups;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The embedded IPv4 address of an IPv4-mapped IPv6 address (::ffff:a.b.c.d), or -1. */
export function mappedIPv4(words: Uint32Array): number {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff ? words[3] : -1;
}

/** A CIDR string as words plus prefix length, with host bits cleared. */
export function parseCidrWords(cidr: string): { family: 4 | 6; words: Uint32Array; prefixLength: number } {
  const [address, prefixLength] = ipaddr.parseCIDR(cidr);
  const bytes = address.toByteArray();
  const words = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < words.length; i++) {
    words[i] = ((bytes[4 * i] * 256 + bytes[4 * i + 1]) * 256 + bytes[4 * i + 2]) * 256 + bytes[4 * i + 3];
  }
  return { family: address.kind() === 'ipv4' ? 4 : 6, words, prefixLength };
}
