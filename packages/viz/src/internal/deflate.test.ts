import { inflateRawSync, inflateSync, crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { lcgBytes } from '../test-png.js';
import { adler32, crc32 } from './checksums.js';
import { deflateRaw, zlibCompress } from './deflate.js';

function inflated(data: Uint8Array): Uint8Array {
  return new Uint8Array(inflateRawSync(deflateRaw(data)));
}

describe('deflateRaw(data)', () => {
  const cases: [string, Uint8Array][] = [
    ['empty input', new Uint8Array(0)],
    ['one byte', new Uint8Array([7])],
    ['two bytes', new Uint8Array([200, 201])],
    ['a long run (several max-length matches)', new Uint8Array(1000).fill(42)],
    ['random bytes (mostly literals, all 9-bit codes)', lcgBytes(5000, 3)],
    [
      'a period-70000 pattern (repeats beyond the 32 KiB window)',
      (() => {
        const base = lcgBytes(70000, 9);
        const out = new Uint8Array(150000);
        for (let i = 0; i < out.length; i++) out[i] = base[i % 70000]!;
        return out;
      })(),
    ],
    [
      'a period-32768 pattern (matches at the maximum distance)',
      (() => {
        const base = lcgBytes(32768, 5);
        const out = new Uint8Array(80000);
        for (let i = 0; i < out.length; i++) out[i] = base[i % 32768]!;
        return out;
      })(),
    ],
    [
      'every match length from 3 to 258',
      (() => {
        const parts: number[] = [];
        for (let len = 3; len <= 258; len++) {
          const unit = Array.from({ length: len }, (_, i) => (i * 7 + len) & 0xff);
          parts.push(...unit, 255, 254, ...unit, 253);
        }
        return new Uint8Array(parts);
      })(),
    ],
  ];
  for (const [name, data] of cases) {
    it(`round-trips through zlib's inflate: ${name}`, () => {
      expect(Buffer.from(inflated(data)).equals(Buffer.from(data))).toBe(true);
    });
  }

  it('compresses runs: 100 kB of zeros take under 1 kB', () => {
    expect(deflateRaw(new Uint8Array(100_000)).length).toBeLessThan(1000);
  });
});

describe('zlibCompress(data)', () => {
  it('writes a zlib header and Adler-32 trailer that zlib accepts', () => {
    const data = new TextEncoder().encode('hello hello hello world, hello png');
    const z = zlibCompress(data);
    expect((z[0]! * 256 + z[1]!) % 31).toBe(0);
    expect(new TextDecoder().decode(inflateSync(z))).toBe('hello hello hello world, hello png');
  });
});

describe('crc32 and adler32', () => {
  it('match the published check values for "123456789"', () => {
    const data = new TextEncoder().encode('123456789');
    // Check values from the CRC catalogue (CRC-32/ISO-HDLC) and RFC 1950's definition.
    expect(crc32(data)).toBe(0xcbf43926);
    expect(adler32(data)).toBe(0x091e01de);
  });

  it("agree with Node's zlib CRC and the per-byte Adler definition on 100 kB (past the 5552-byte block)", () => {
    const data = lcgBytes(100_000, 11);
    expect(crc32(data)).toBe(zlibCrc32(data));
    // RFC 1950's definition, reduced at every byte.
    let a = 1;
    let b = 0;
    for (const byte of data) {
      a = (a + byte) % 65521;
      b = (b + a) % 65521;
    }
    expect(adler32(data)).toBe(((b << 16) | a) >>> 0);
  });
});
