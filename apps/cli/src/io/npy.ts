import { InterpError } from '@interp/core/base';

/** The element types interp reads from `.npy` files. */
export type NpyDType = 'f4' | 'f8' | 'i1' | 'u1' | 'i2' | 'u2' | 'i4' | 'u4' | 'i8' | 'u8' | 'b1';

export type NpyData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A parsed `.npy` array: C-order data and its shape. */
export interface NpyArray {
  dtype: NpyDType;
  shape: number[];
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const CTORS = {
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  u1: Uint8Array,
  b1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
  i8: BigInt64Array,
  u8: BigUint64Array,
} as const;

/**
 * Parses a NumPy `.npy` file (format versions 1, 2 and 3, little-endian, C order). The data is a
 * view over `bytes` when it is aligned (the format pads the header to 64 bytes, so it usually
 * is): no copy, however large the array.
 */
/** What a `.npy` header says: element type, shape, and where the data starts. */
export interface NpyHeader {
  dtype: NpyDType;
  /** The dtype as written in the header, for example '<f4'. */
  descr: string;
  shape: number[];
  /** Byte offset of the first value. */
  dataOffset: number;
  /** Bytes per value. */
  itemSize: number;
}

/**
 * Parses the header of a `.npy` file (format versions 1, 2 and 3; little-endian, C order) from
 * its first bytes. Errors name the file (`name`) and the problem.
 */
export function parseNpyHeader(head: Uint8Array, name = 'array'): NpyHeader {
  const fail = (why: string): never => {
    throw new InterpError('PARSE', `${name}: ${why}`);
  };
  if (head.length < 10 || MAGIC.some((m, i) => head[i] !== m)) {
    fail('not a .npy file (missing the \\x93NUMPY magic)');
  }
  const major = head[6]!;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let headerLen: number;
  let offset: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    offset = 10;
  } else if (major === 2 || major === 3) {
    if (head.length < 12) fail('truncated .npy header');
    headerLen = view.getUint32(8, true);
    offset = 12;
  } else {
    return fail(`unsupported .npy format version ${major}`);
  }
  if (offset + headerLen > head.length) fail('truncated .npy header');
  const header = new TextDecoder('latin1').decode(head.subarray(offset, offset + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    return fail('malformed .npy header (needs descr, fortran_order and shape)');
  }
  if (fortran === 'True')
    fail('Fortran-order arrays are not supported; save with np.ascontiguousarray');
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) return fail(`unsupported dtype '${descr}' (use float32, float64 or an integer type)`);
  const [, order, kind, size] = m as unknown as [string, string, string, string];
  const dtype = `${kind}${size}` as NpyDType;
  if (!(dtype in CTORS)) return fail(`unsupported dtype '${descr}'`);
  const itemSize = CTORS[dtype].BYTES_PER_ELEMENT;
  if (order === '>' && itemSize > 1)
    fail(`big-endian dtype '${descr}' is not supported; save as little-endian`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`malformed shape (${shapeText})`);
  return { dtype, descr, shape, dataOffset: offset + headerLen, itemSize };
}

/**
 * Parses a NumPy `.npy` file (format versions 1, 2 and 3, little-endian, C order). The data is a
 * view over `bytes` when it is aligned (the format pads the header to 64 bytes, so it usually
 * is): no copy, however large the array.
 */
export function parseNpy(bytes: Uint8Array, name = 'array'): NpyArray {
  const { dtype, shape, dataOffset: start, itemSize: bpe } = parseNpyHeader(bytes, name);
  const Ctor = CTORS[dtype];
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

/** Encodes a C-order array as a version-1 `.npy` file (used by tests and fixtures). */
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
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
