import { InterpError } from '@interp/core/base';

const TYPES: Record<string, { bytes: number; read: (v: DataView, o: number) => number }> = {
  '<f4': { bytes: 4, read: (v, o) => v.getFloat32(o, true) },
  '<f8': { bytes: 8, read: (v, o) => v.getFloat64(o, true) },
  '<i4': { bytes: 4, read: (v, o) => v.getInt32(o, true) },
  '<i8': { bytes: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
  '<i2': { bytes: 2, read: (v, o) => v.getInt16(o, true) },
  '<u2': { bytes: 2, read: (v, o) => v.getUint16(o, true) },
  '<u4': { bytes: 4, read: (v, o) => v.getUint32(o, true) },
  '|u1': { bytes: 1, read: (v, o) => v.getUint8(o) },
  '|i1': { bytes: 1, read: (v, o) => v.getInt8(o) },
  '|b1': { bytes: 1, read: (v, o) => v.getUint8(o) },
};

/**
 * The numbers of a little-endian, C-order numeric `.npy` file (format 1.0 to 3.0) as float64,
 * with its shape. Errors name the file (`name`) and what is wrong.
 *
 * @example
 * ```ts
 * parseNpy(readFileSync('x.npy'), 'x.npy').shape; // [100, 4]
 * ```
 */
export function parseNpy(
  bytes: Uint8Array,
  name = 'array',
): { data: Float64Array; shape: number[] } {
  const fail = (why: string): never => {
    throw new InterpError('PARSE', `${name}: ${why}`);
  };
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m))
    fail('not a .npy file (missing the \\x93NUMPY magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`unsupported .npy format version ${major}`);
  const start = major === 1 ? 10 : 12;
  const len = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + len > bytes.length) fail('truncated .npy header');
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + len));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const dims = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || dims === undefined)
    fail('malformed .npy header');
  if (fortran === 'True') fail('Fortran-order arrays are not read; save with np.ascontiguousarray');
  const type = TYPES[descr!];
  if (!type) fail(`unsupported dtype ${descr}; save as float32 ('<f4') or float64`);
  const shape = dims!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : fail(`malformed shape (${dims})`)));
  const n = shape.reduce((a, b) => a * b, 1);
  if (start + len + n * type!.bytes > bytes.length)
    fail(`the file holds fewer than the ${n} values its shape says`);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = type!.read(view, start + len + i * type!.bytes);
  return { data, shape };
}
