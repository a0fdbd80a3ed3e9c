import { InterpError } from '@interp/core/base';

/** The element types interp reads from `.npy` files. */
export type NpyDType = 'f4' | 'f8' | 'i1' | 'u1' | 'i2' | 'u2' | 'i4' | 'u4' | 'i8' | 'u8' | 'b1';

/** The typed array a `.npy` file's data is read into (bool as Uint8Array, 64-bit ints as BigInt arrays). */
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

/** `\x93NUMPY`, the first six bytes of every `.npy` file. */
export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] as const;

/** The typed-array constructor of each dtype. */
export const NPY_CTORS = {
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

const NUMPY_NAMES: Record<NpyDType, string> = {
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  u1: 'uint8',
  b1: 'bool',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
};

/**
 * numpy's name for a `.npy` element type, for messages.
 *
 * @example
 * ```ts
 * npyDTypeName('u1'); // 'uint8'
 * ```
 */
export function npyDTypeName(dtype: NpyDType): string {
  return NUMPY_NAMES[knownDType(dtype)];
}

/**
 * Bytes per element of a `.npy` element type.
 *
 * @example
 * ```ts
 * npyItemSize('f8'); // 8
 * ```
 */
export function npyItemSize(dtype: NpyDType): number {
  return NPY_CTORS[knownDType(dtype)].BYTES_PER_ELEMENT;
}

function knownDType(dtype: unknown): NpyDType {
  if (typeof dtype !== 'string' || !Object.hasOwn(NUMPY_NAMES, dtype)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${JSON.stringify(dtype) ?? String(dtype)} is not a .npy element type; use one of ${Object.keys(NUMPY_NAMES).join(', ')} (kind letter + bytes, as in '<f4')`,
    );
  }
  return dtype as NpyDType;
}

/** numpy's own limit on a header's length (`max_header_size`), in bytes. */
export const MAX_NPY_HEADER_BYTES = 10_000;

/**
 * Bytes to read from the start of a file to be sure to hold any header `parseNpyHeader` accepts.
 *
 * @example
 * ```ts
 * const head = new Uint8Array(Math.min(size, NPY_HEAD_BYTES));
 * ```
 */
export const NPY_HEAD_BYTES = 12 + MAX_NPY_HEADER_BYTES;
