import { isInterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { loadTable } from './load-table.js';
import { parseNpy } from './npy/parse-npy.js';
import { put, tempFolder } from './test-images.js';

// Written by numpy 1.x: np.save of [[1.5, 2, 0], [3, 4, 1], [5, 6, 1]] float32, [[1, 2], [3, 4]]
// int64, and a Fortran-order 2 x 3 float32 array of ones.
const NPY_F4 =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAAQAAAAAAAAEBAAACAQAAAgD8AAKBAAADAQAAAgD8=';
const NPY_I8 =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAAAAAAIAAAAAAAAAAwAAAAAAAAAEAAAAAAAAAA==';
const NPY_FORTRAN =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AACAPwAAgD8AAIA/AACAPwAAgD8=';
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

function expectError(call: () => unknown, pattern: RegExp) {
  try {
    call();
    expect.unreachable();
  } catch (e) {
    expect(isInterpError(e), String(e)).toBe(true);
    expect((e as Error).message).toMatch(pattern);
  }
}

describe('loadTable(path, { targetColumn })', () => {
  it('reads a CSV: text target to sorted class ids, other columns as float features, NA as NaN', () => {
    const dir = tempFolder();
    const csv = put(dir, 't.csv', 'a,species,b\n1.5,gentoo,2\nNA,adelie,-3e1\n0,gentoo,4\n');
    const t = loadTable(csv, { targetColumn: 'species' });
    expect(t.featureNames).toEqual(['a', 'b']);
    expect(t.vocab).toEqual(['adelie', 'gentoo']);
    expect(Array.from(t.targets)).toEqual([1, 0, 1]);
    expect(t.x.shape).toEqual([3, 2]);
    expect(Array.from(t.x.data)).toEqual([1.5, 2, Number.NaN, -30, 0, 4]);
  });

  it('keeps whole-number targets as class ids and others as floats', () => {
    const dir = tempFolder();
    expect(loadTable(put(dir, 'a.csv', 'x,y\n1,2\n3,0\n'), { targetColumn: 'y' }).targets).toEqual(
      Int32Array.of(2, 0),
    );
    const r = loadTable(put(dir, 'b.csv', 'x,y\n1,0.5\n3,2\n'), { targetColumn: 'y' });
    expect(r.targets).toEqual(Float32Array.of(0.5, 2));
    expect(r.vocab).toBeUndefined();
  });

  it('reads a numpy .npy matrix with the target column by index', () => {
    const dir = tempFolder();
    const t = loadTable(put(dir, 't.npy', bytes(NPY_F4)), { targetColumn: 2 });
    expect(t.featureNames).toEqual(['x0', 'x1']);
    expect(Array.from(t.x.data)).toEqual([1.5, 2, 3, 4, 5, 6]);
    expect(Array.from(t.targets)).toEqual([0, 1, 1]);
  });

  it('refuses a CSV without the target column, a text feature, ragged rows and unknown formats', () => {
    const dir = tempFolder();
    const csv = put(dir, 't.csv', 'a,b\n1,2\n');
    expectError(
      () => loadTable(csv, { targetColumn: 'kind' }),
      /t\.csv has no column "kind"; its columns are a, b/,
    );
    expectError(
      () => loadTable(put(dir, 'u.csv', 'a,b,y\n1,red,0\n'), { targetColumn: 'y' }),
      /row 2, column b: "red" is not a number/,
    );
    expectError(
      () => loadTable(put(dir, 'v.csv', 'a,y\n1\n'), { targetColumn: 'y' }),
      /row 2: 1 fields, but the header has 2/,
    );
    expectError(
      () => loadTable(put(dir, 'w.xlsx', 'x'), { targetColumn: 'y' }),
      /unknown table format/,
    );
    expectError(
      () => loadTable(`${dir}/missing.csv`, { targetColumn: 'y' }),
      /cannot read .*missing\.csv: no such file/,
    );
  });
});

describe('parseNpy(bytes, name)', () => {
  it('reads float32 and int64 files numpy wrote', () => {
    expect(parseNpy(bytes(NPY_F4)).shape).toEqual([3, 3]);
    const i8 = parseNpy(bytes(NPY_I8));
    expect(i8.dtype).toBe('i8');
    expect(i8.data).toEqual(BigInt64Array.of(1n, 2n, 3n, 4n));
  });

  it('refuses Fortran order, non-npy bytes and truncated data', () => {
    expectError(
      () => parseNpy(bytes(NPY_FORTRAN), 'f.npy'),
      /f\.npy: Fortran-order arrays are not supported/,
    );
    expectError(() => parseNpy(new Uint8Array(20), 'z.npy'), /z\.npy: not a \.npy file/);
    expectError(
      () => parseNpy(bytes(NPY_F4).subarray(0, 130), 't.npy'),
      /t\.npy: truncated data: header says 9 values/,
    );
  });
});
