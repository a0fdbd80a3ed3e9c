import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { base64, pngDataURL } from './base64.js';
import { interpErrorOf } from './test-helpers.js';

describe('base64(bytes) and pngDataURL(png)', () => {
  it('encodes as RFC 4648 does (Node’s Buffer as the oracle), also past one 32 KiB chunk', () => {
    expect(base64(Uint8Array.of(104, 105))).toBe('aGk=');
    expect(base64(new Uint8Array(0))).toBe('');
    const big = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) & 255);
    expect(base64(big)).toBe(Buffer.from(big).toString('base64'));
  });

  it('prefixes the PNG media type', () => {
    expect(pngDataURL(Uint8Array.of(1, 2, 3))).toBe('data:image/png;base64,AQID');
  });

  it('rejects anything but bytes', () => {
    expect(interpErrorOf(() => base64([1, 2] as never))).toMatch(/encodes a Uint8Array of bytes/);
  });
});
