import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InterpError } from '@interp/core/base';
import { encodeNpy } from '@interp/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-cli.js';
import { readArray } from './read-array.js';

let dir: string;
const write = (name: string, content: string | Uint8Array) =>
  writeFileSync(join(dir, name), content);
const read = (name: string) => readArray(name, dir);

beforeAll(() => {
  dir = tempDir('interp-read-array-');
});

describe('readArray(file, cwd)', () => {
  it('reads .npy float32 without copying the dtype and int64 as int32 when it fits', () => {
    write('f.npy', encodeNpy(Float32Array.of(0.5, 0.25, 1, 0), [2, 2]));
    const f = read('f.npy');
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(f.shape).toEqual([2, 2]);
    write('i.npy', encodeNpy(BigInt64Array.of(0n, 7n, -3n, 2147483647n), [4]));
    const i = read('i.npy');
    expect(i.data).toBeInstanceOf(Int32Array);
    expect(Array.from(i.data)).toEqual([0, 7, -3, 2147483647]);
  });

  it('converts int64/uint64 beyond int32 exactly, and refuses beyond 2^53', () => {
    write('wide.npy', encodeNpy(BigInt64Array.of(1n, 2n ** 40n, -(2n ** 33n)), [3]));
    expect(Array.from(read('wide.npy').data)).toEqual([1, 2 ** 40, -(2 ** 33)]);
    write('u.npy', encodeNpy(BigUint64Array.of(5n, 2n ** 31n), [2]));
    expect(Array.from(read('u.npy').data)).toEqual([5, 2 ** 31]);
    write('huge.npy', encodeNpy(BigInt64Array.of(0n, 2n ** 60n), [2]));
    expect(() => read('huge.npy')).toThrow(
      /huge\.npy: value 1152921504606846976 at index 1 is too large/,
    );
  });

  it('reads .json labels and rows, .csv and .txt', () => {
    write('a.json', '[1, 2, 3]');
    expect(read('a.json')).toMatchObject({ shape: [3], file: 'a.json' });
    write('b.json', '[[1, 2], [3, 4.5]]');
    expect(Array.from(read('b.json').data)).toEqual([1, 2, 3, 4.5]);
    expect(read('b.json').shape).toEqual([2, 2]);
    write('c.csv', '\uFEFF1, 2e-1\r\n.5,nan\r\n\r\n');
    const c = read('c.csv');
    expect(c.shape).toEqual([2, 2]);
    expect(Array.from(c.data)).toEqual([1, 0.2, 0.5, Number.NaN]);
    write('d.txt', '3\n1\n-inf\n');
    expect(Array.from(read('d.txt').data)).toEqual([3, 1, Number.NEGATIVE_INFINITY]);
    write('e.txt', '1 2  3\n4\t5 6\n');
    expect(read('e.txt').shape).toEqual([2, 3]);
    write('empty.json', '[]');
    expect(read('empty.json').shape).toEqual([0]);
  });

  it('names the file and the problem', () => {
    expect(() => read('missing.csv')).toThrow(InterpError);
    expect(() => read('missing.csv')).toThrow('cannot read missing.csv: no such file');
    expect(() => read('.')).toThrow(/unknown format \(no extension\)/);
    write('dir.npy', '');
    expect(() => read('dir.npy')).toThrow(/dir\.npy: not a \.npy file/);
    write('obj.json', '{"a": 1}');
    expect(() => read('obj.json')).toThrow(/obj\.json: expected a JSON array/);
    write('mixed.json', '[1, [2]]');
    expect(() => read('mixed.json')).toThrow(
      /mixed\.json: item 1 is an array but item 0 is a number/,
    );
    write('str.json', '[[1, "x"]]');
    expect(() => read('str.json')).toThrow(/str\.json: row 0, column 1 is "x", not a number/);
    write('deep.json', '[[[1]]]');
    expect(() => read('deep.json')).toThrow(
      /deep\.json: row 0, column 0 is an array; expected at most 2 dimensions/,
    );
    write('nul.json', '[1, null]');
    expect(() => read('nul.json')).toThrow(/nul\.json: item 1 is null, not a number/);
    write('gap.csv', '1\n\n2\n');
    expect(() => read('gap.csv')).toThrow(/gap\.csv: line 2 is empty/);
    write('hex.csv', '0x10\n');
    expect(() => read('hex.csv')).toThrow(/hex\.csv: line 1, column 1: "0x10" is not a number/);
    write('scalar.npy', encodeNpy(Float64Array.of(1), []));
    expect(() => read('scalar.npy')).toThrow(
      /scalar\.npy: expected a 1-D or 2-D array, got a scalar/,
    );
  });
});
