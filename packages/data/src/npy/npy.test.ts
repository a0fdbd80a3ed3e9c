import { readFileSync } from 'node:fs';
import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from './encode-npy.js';
import { npyDTypeName, npyItemSize } from './npy-types.js';
import { parseNpy } from './parse-npy.js';
import { parseNpyHeader } from './parse-npy-header.js';

// Files with crafted headers and numpy's verdict on each (np.load), written by
// scripts/npy-header-cases.py: numpy is the oracle, the test needs no Python.
interface Case {
  name: string;
  file: string;
  numpy: { ok: true; shape: number[]; descr: string } | { ok: false; error: string };
}
const { cases } = JSON.parse(
  readFileSync(new URL('./__fixtures__/npy-header-cases.json', import.meta.url), 'utf8'),
) as { cases: Case[] };

/** Files numpy reads that we refuse on purpose: numpy never writes them, or we do not read the dtype. */
const STRICTER = new Set([
  'hex dim',
  'underscore dim',
  'plus sign',
  'parenthesized dim',
  'octal dim',
  'duplicate shape key',
  'string concatenation',
  'comment',
  'no newline',
  'not padded',
  'np.save Fortran order',
  'np.save unicode',
]);
const unsupportedDtype = (name: string) => /^np\.save (>f4|<f2|<c8) /.test(name);

function ours(c: Case): { shape: number[]; descr: string } | InterpError {
  try {
    const bytes = new Uint8Array(Buffer.from(c.file, 'base64'));
    const { descr, shape } = parseNpyHeader(bytes, 'case.npy');
    parseNpy(bytes, 'case.npy');
    return { descr, shape };
  } catch (e) {
    if (e instanceof InterpError) return e;
    throw new Error(`${c.name}: ${(e as Error).message}`);
  }
}

describe('parseNpyHeader(head, name) against numpy', () => {
  it('reads every header numpy writes, with numpy shape and dtype', () => {
    const saved = cases.filter((c) => c.name.startsWith('np.save') && !STRICTER.has(c.name));
    expect(saved.length).toBeGreaterThan(60);
    for (const c of saved) {
      const r = ours(c);
      if (unsupportedDtype(c.name)) {
        expect(r, c.name).toBeInstanceOf(InterpError);
        expect((r as Error).message, c.name).toMatch(/case\.npy: (unsupported|big-endian) dtype/);
        continue;
      }
      expect(r, c.name).not.toBeInstanceOf(Error);
      if (!c.numpy.ok) throw new Error(`${c.name}: numpy refused its own file`);
      expect(r, c.name).toEqual({ shape: c.numpy.shape, descr: c.numpy.descr });
    }
  });

  it('accepts only what numpy accepts, reads it as numpy does, and refuses what numpy refuses', () => {
    for (const c of cases) {
      const r = ours(c);
      if (r instanceof InterpError) {
        expect(r.message, c.name).toMatch(/^case\.npy: /);
        expect(r.message, c.name).not.toContain('\n');
        if (c.numpy.ok) {
          expect(STRICTER.has(c.name) || unsupportedDtype(c.name), `${c.name}: ${r.message}`).toBe(
            true,
          );
        }
      } else {
        expect(c.numpy.ok, `${c.name}: we read what numpy refuses`).toBe(true);
        if (c.numpy.ok) expect(r, c.name).toEqual({ shape: c.numpy.shape, descr: c.numpy.descr });
        expect(STRICTER.has(c.name), c.name).toBe(false);
      }
    }
  });

  it('names the problem: hex, float and exponent dims, NUL, duplicate and unknown keys, padding, version', () => {
    const message = (name: string) => {
      const r = ours(cases.find((c) => c.name === name)!);
      expect(r, name).toBeInstanceOf(InterpError);
      return (r as InterpError).message;
    };
    expect(message('hex dim')).toMatch(/not a decimal integer/);
    expect(message('float dim')).toMatch(/not a decimal integer/);
    expect(message('exponent dim')).toMatch(/not a decimal integer/);
    expect(message('NUL in header')).toMatch(/a NUL byte at header byte/);
    expect(message('duplicate shape key')).toMatch(/the key "shape" appears twice/);
    expect(message('unknown key')).toMatch(/unknown key "x"/);
    expect(message('missing shape')).toMatch(/no shape/);
    expect(message('bare int shape')).toMatch(/needs a trailing comma, as in \(4,\)/);
    expect(message('not padded')).toMatch(/not at a multiple of 16/);
    expect(message('no newline')).toMatch(/must end with a newline/);
    expect(message('version 1.1')).toMatch(/unsupported \.npy format version 1\.1/);
    expect(message('bad magic')).toMatch(/not a \.npy file/);
    expect(message('truncated data')).toMatch(/truncated data/);
  });

  it('refuses a shape too large to address before allocating', () => {
    expect(() =>
      parseNpyHeader(
        frame("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }"),
        'big.npy',
      ),
    ).toThrow(/big\.npy: shape \(99999999999, 99999999999\) is too large/);
    expect(() =>
      parseNpyHeader(
        frame(`{'descr': '<f4', 'fortran_order': False, 'shape': (${'9'.repeat(30)},), }`),
        'big.npy',
      ),
    ).toThrow(/big\.npy: malformed .npy header: a dimension beyond 2\^53/);
  });
});

/** A version-1.0 file of header `text`, padded with spaces to 64 bytes and ended by a newline. */
function frame(text: string): Uint8Array {
  const padded = `${text + ' '.repeat((64 - ((10 + text.length + 1) % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + padded.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) out[10 + i] = padded.charCodeAt(i);
  return out;
}

describe('npyDTypeName and npyItemSize', () => {
  it("give numpy's name and element size for every dtype a header can hold", () => {
    // numpy: np.dtype('<u2').name == 'uint16', .itemsize == 2; '|b1' is bool, 1 byte.
    expect(npyDTypeName('u2')).toBe('uint16');
    expect(npyDTypeName('b1')).toBe('bool');
    expect(npyDTypeName('i8')).toBe('int64');
    expect(npyItemSize('f8')).toBe(8);
    expect(npyItemSize('b1')).toBe(1);
    expect(npyItemSize('i2')).toBe(2);
    const head = parseNpyHeader(encodeNpy(Uint16Array.of(1, 2, 3), [3]), 'x.npy');
    expect(npyItemSize(head.dtype)).toBe(head.itemSize);
  });

  it('refuses a dtype a .npy header cannot hold', () => {
    expect(() => npyDTypeName('f2' as never)).toThrow(
      /"f2" is not a \.npy element type; use one of f4, f8, i1, u1, b1, i2, u2, i4, u4, i8, u8/,
    );
    expect(() => npyItemSize('toString' as never)).toThrow(
      /"toString" is not a \.npy element type/,
    );
  });
});
