import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { loadTable } from '../load-table.js';
import { put, tempFolder } from '../test-images.js';
import { encodeNpy } from './encode-npy.js';
import { npyToNumbers } from './npy-to-numbers.js';
import { parseNpy } from './parse-npy.js';
import { readNpyFile } from './read-npy-file.js';

// The loader of tables used a second, looser .npy reader; these pin what changed when it moved
// onto the strict one: the union of dtypes, the stricter header rules, exact int64.

/** A version-1.0 file: header `text` padded to `padTo` bytes (0: no padding), then `data`. */
function file(text: string, data: number[], padTo = 64): Uint8Array {
  const pad = padTo ? (padTo - ((10 + text.length + 1) % padTo)) % padTo : 0;
  const header = `${text}${' '.repeat(pad)}\n`;
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}

/** Little-endian bytes of 64-bit integers, worked by hand from their hex. */
const U64_2x2 = [
  // 1, 0, 2, 1 as uint64 little-endian
  1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
];

describe('loadTable on the strict .npy reader', () => {
  it("reads uint64 and '=' byte-order matrices the old table reader refused", () => {
    const dir = tempFolder();
    const u8 = put(
      dir,
      'u8.npy',
      file("{'descr': '<u8', 'fortran_order': False, 'shape': (2, 2), }", U64_2x2),
    );
    const t = loadTable(u8, { targetColumn: 1 });
    expect(Array.from(t.x.data)).toEqual([1, 2]);
    expect(Array.from(t.targets)).toEqual([0, 1]);
    // '=' is native order, little-endian on every platform interp runs on; 0x3f800000 is 1.0f.
    const eq = put(
      dir,
      'eq.npy',
      file(
        "{'descr': '=f4', 'fortran_order': False, 'shape': (1, 2), }",
        [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40],
      ),
    );
    expect(Array.from(loadTable(eq, { targetColumn: 1 }).x.data)).toEqual([1]);
  });

  it('refuses headers numpy never writes, which the old table reader read', () => {
    const dir = tempFolder();
    const unpadded = put(
      dir,
      'p.npy',
      file("{'descr': '<u8', 'fortran_order': False, 'shape': (2, 2), }", U64_2x2, 0),
    );
    expect(() => loadTable(unpadded, { targetColumn: 1 })).toThrow(/not at a multiple of 16/);
    const extraKey = put(
      dir,
      'k.npy',
      file("{'descr': '<u8', 'fortran_order': False, 'shape': (2, 2), 'x': 1}", U64_2x2),
    );
    expect(() => loadTable(extraKey, { targetColumn: 1 })).toThrow(/unknown key "x"/);
  });

  it('refuses an int64 beyond 2^53 instead of rounding it (the old reader rounded)', () => {
    const dir = tempFolder();
    // 2^53 + 1 = 0x0020000000000001
    const big = [1, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const path = put(
      dir,
      'big.npy',
      file("{'descr': '<i8', 'fortran_order': False, 'shape': (1, 2), }", big),
    );
    expect(() => loadTable(path, { targetColumn: 1 })).toThrow(
      /big\.npy: value 9007199254740993 at index 0 is too large to represent exactly/,
    );
  });
});

describe('npyToNumbers(data, name)', () => {
  it('gives int32 when every int64 fits, exact float64 when not, and other arrays as they are', () => {
    expect(npyToNumbers(BigInt64Array.of(-1n, 2n ** 31n - 1n))).toEqual(
      Int32Array.of(-1, 2 ** 31 - 1),
    );
    expect(npyToNumbers(BigUint64Array.of(2n ** 31n, 5n))).toEqual(Float64Array.of(2 ** 31, 5));
    const f = Float32Array.of(0.5);
    expect(npyToNumbers(f)).toBe(f);
  });

  it('refuses a value beyond ±2^53, naming the array and index', () => {
    expect(() => npyToNumbers(BigInt64Array.of(0n, -(2n ** 60n)), 'y.npy')).toThrow(
      new InterpError(
        'PARSE',
        'y.npy: value -1152921504606846976 at index 1 is too large to represent exactly (beyond ±2^53)',
      ),
    );
  });
});

describe('readNpyFile(file, cwd) and encodeNpy(data, shape)', () => {
  it('reads back what encodeNpy wrote, for each dtype', () => {
    const dir = tempFolder();
    const arrays = [
      Float32Array.of(1.5, -2),
      Float64Array.of(1e300, 0),
      Int8Array.of(-128, 127),
      Uint16Array.of(65535, 0),
      BigInt64Array.of(-(2n ** 63n), 1n),
    ];
    for (const [k, a] of arrays.entries()) {
      put(dir, `${k}.npy`, encodeNpy(a, [1, 2]));
      const r = readNpyFile(`${k}.npy`, dir);
      expect(r.shape).toEqual([1, 2]);
      expect(r.data).toEqual(a);
      expect(parseNpy(encodeNpy(a, [2])).data).toEqual(a);
    }
  });

  it('refuses a missing file, a directory and truncated data with the file named', () => {
    const dir = tempFolder();
    expect(() => readNpyFile('none.npy', dir)).toThrow(/cannot read none\.npy: no such file/);
    expect(() => readNpyFile('.', dir)).toThrow(/cannot read \.: it is a directory/);
    const whole = encodeNpy(Float32Array.of(1, 2, 3), [3]);
    put(dir, 't.npy', whole.subarray(0, whole.length - 1));
    expect(() => readNpyFile('t.npy', dir)).toThrow(
      /t\.npy: truncated data: header says 3 values of 4 bytes, file has 11 bytes/,
    );
  });
});
