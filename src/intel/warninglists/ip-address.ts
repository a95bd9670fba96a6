/**
 * IP text → 32-bit words, the key format of the prefix tries: IPv4 is one word, IPv6 four.
 * The IPv4 path is hand-rolled because it runs once per indicator on million-row feeds.
 */
import ipaddr from 'ipaddr.js';

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
  if (strict !== -1) return strict;
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return -1;
  const [a, b, c, d] = ipaddr.IPv4.parse(text).octets;
  return ((a * 256 + b) * 256 + c) * 256 + d;
}

/** Fills `out` (length 4) with the IPv6 address's words; false when `text` is not IPv6. */
export function parseIPv6Words(text: string, out: Uint32Array): boolean {
  if (!ipaddr.IPv6.isValid(text)) return false;
  const parts = ipaddr.IPv6.parse(text).parts;
  for (let i = 0; i < 4; i++) out[i] = parts[2 * i] * 0x10000 + parts[2 * i + 1];
  return true;
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
