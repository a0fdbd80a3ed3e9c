import { InterpError } from './errors.js';

/** Typed arrays interp reads and writes. */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Uint32Array
  | Uint8ClampedArray;

/** A C-order (row-major) array on the CPU: a typed array and its shape. */
export interface NDArray<T extends TypedArray = TypedArray> {
  data: T;
  shape: number[];
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Checks that `data.length` matches `shape` and returns the array. */
export function ndarray<T extends TypedArray>(
  data: T,
  shape: readonly number[],
  name = 'array',
): NDArray<T> {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name}: shape [${shape.join(', ')}] has a negative or fractional size`,
    );
  }
  const n = sizeOf(shape);
  if (n !== data.length) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name}: shape [${shape.join(', ')}] needs ${n} values, got ${data.length}`,
    );
  }
  return { data, shape: [...shape] };
}
