import { NPY_MAGIC, type NpyData } from './npy-types.js';

/**
 * Encodes a C-order array as a version-1 `.npy` file, header written as numpy writes it (used by
 * tests and fixtures).
 *
 * @example
 * ```ts
 * writeFileSync('x.npy', encodeNpy(Float32Array.of(1, 2, 3, 4), [2, 2]));
 * ```
 */
export function encodeNpy(data: NpyData, shape: readonly number[]): Uint8Array {
  const descr: Record<string, string> = {
    Float32Array: '<f4',
    Float64Array: '<f8',
    Int8Array: '|i1',
    Uint8Array: '|u1',
    Int16Array: '<i2',
    Uint16Array: '<u2',
    Int32Array: '<i4',
    Uint32Array: '<u4',
    BigInt64Array: '<i8',
    BigUint64Array: '<u8',
  };
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr[data.constructor.name]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64);
  header += '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(NPY_MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
