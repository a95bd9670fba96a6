import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { canonicalIp, canonicalPort } from '../../src/intel/canonical.js';
import { toIsoUtc } from '../../src/intel/timestamps.js';

// Dotted text near the edge cases: octets above 255, leading zeros, missing or extra parts.
const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.stringMatching(/^[0-9]{1,4}$/));
const dotted = fc.array(octet, { minLength: 3, maxLength: 5 }).map((parts) => parts.join('.'));

test('the char-code IPv4 check agrees with ipaddr.js on four-part decimal text', () => {
  fc.assert(
    fc.property(fc.oneof(fc.ipV4(), dotted), (text) => {
      const ours = canonicalIp(text);
      const strict = ipaddr.IPv4.isValidFourPartDecimal(text);
      if (strict) {
        assert.ok(ours.ok, text);
        assert.equal(ours.value.value, ipaddr.IPv4.parse(text).toString());
      } else if (ours.ok) {
        // Anything else we accept must not be an IPv4 text at all (only IPv6 is left).
        assert.equal(ours.value.type, 'ipv6', text);
      }
    }),
    { numRuns: 5000 },
  );
});

test('port text: 1–5 ASCII digits, surrounding whitespace allowed, 1–65535', () => {
  const reference = (raw: string) => {
    const t = raw.trim();
    const n = /^\d{1,5}$/.test(t) ? Number(t) : Number.NaN;
    return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : null;
  };
  fc.assert(
    fc.property(
      fc.oneof(
        fc.integer({ min: 0, max: 999_999 }).map(String),
        fc.stringMatching(/^[\s\u00a00-9a+-]{0,7}$/),
        fc.string({ maxLength: 7 }),
      ),
      (raw) => {
        const ours = canonicalPort(raw);
        assert.equal(ours.ok ? ours.value : null, reference(raw), JSON.stringify(raw));
      },
    ),
    { numRuns: 5000 },
  );
});

test('ThreatFox timestamps: the fast path agrees with Date on valid instants and refuses invalid ones', () => {
  const two = (n: number) => String(n).padStart(2, '0');
  fc.assert(
    fc.property(
      fc.integer({ min: 1970, max: 2100 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
      fc.boolean(),
      (y, mo, d, h, mi, s, utc) => {
        const text = `${y}-${two(mo)}-${two(d)} ${two(h)}:${two(mi)}:${two(s)}${utc ? ' UTC' : ''}`;
        const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
        const valid =
          date.getUTCFullYear() === y &&
          date.getUTCMonth() === mo - 1 &&
          date.getUTCDate() === d &&
          date.getUTCHours() === h &&
          date.getUTCMinutes() === mi &&
          date.getUTCSeconds() === s;
        assert.equal(toIsoUtc(text), valid ? `${date.toISOString().slice(0, 19)}Z` : null, text);
      },
    ),
    { numRuns: 3000 },
  );
});

test('line input: ASCII chunks bypass the decoder, a character split across chunks still reads whole', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { readIndicators } = await import('../../src/intel/read.js');
  const dir = mkdtempSync(join(tmpdir(), 'huntforge-ascii-'));
  try {
    const head = '1.2.3.4\n';
    const chunk = 1 << 20; // read.ts reads files in 1 MiB chunks
    // Comment lines so that the first chunk is all ASCII (bypassing the decoder) and the two bytes
    // of 'ü' straddle the second chunk boundary.
    const end = 2 * chunk - 1;
    let padding = '';
    while (head.length + padding.length + 80 < end) padding += `# ${'x'.repeat(76)}\n`;
    const filler = `#${'y'.repeat(end - head.length - padding.length - 2 - 1)}\n`;
    const before = `${head}${padding}${filler}b`;
    assert.equal(Buffer.byteLength(before), end);
    const path = join(dir, 'list.txt');
    writeFileSync(path, `${before}ücher.de\n5.6.7.8\n`);
    const result = await readIndicators([path]);
    assert.deepEqual(
      result.indicators.map((i) => i.value),
      ['1.2.3.4', 'xn--bcher-kva.de', '5.6.7.8'],
    );
    assert.equal(result.rejectedTotal, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
