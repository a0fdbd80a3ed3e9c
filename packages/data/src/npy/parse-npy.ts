import { InterpError } from '@interp/core/base';
import { NPY_CTORS, type NpyArray, type NpyData } from './npy-types.js';
import { parseNpyHeader } from './parse-npy-header.js';

/**
 * Parses a NumPy `.npy` file (format versions 1, 2 and 3, little-endian, C order). The data is a
 * view over `bytes` when it is aligned (the format pads the header to 64 bytes, so it usually
 * is): no copy, however large the array. Errors name the file (`name`) and the problem.
 *
 * @example
 * ```ts
 * parseNpy(encodeNpy(Int32Array.of(7, 8), [2]), 'x.npy').data; // Int32Array [7, 8]
 * ```
 */
export function parseNpy(bytes: Uint8Array, name = 'array'): NpyArray {
  const { dtype, shape, dataOffset: start, itemSize: bpe } = parseNpyHeader(bytes, name);
  const Ctor = NPY_CTORS[dtype];
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - start < count * bpe) {
    throw new InterpError(
      'PARSE',
      `${name}: truncated data: header says ${count} values of ${bpe} bytes, file has ${bytes.length - start} bytes`,
    );
  }
  const abs = bytes.byteOffset + start;
  let data: NpyData;
  if (abs % bpe === 0) {
    data = new Ctor(bytes.buffer as ArrayBuffer, abs, count);
  } else {
    const copy = new Uint8Array(count * bpe);
    copy.set(bytes.subarray(start, start + count * bpe));
    data = new Ctor(copy.buffer, 0, count);
  }
  return { dtype, shape, data };
}
