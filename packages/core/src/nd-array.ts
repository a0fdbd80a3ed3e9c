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

/**
 * A C-order (row-major) array on the CPU: its values and its shape. The one `{ data, shape }`
 * type of interp: arrays interp builds hold a typed array (the default `T`); functions that
 * accept arrays take `NDArray<ArrayLike<number>>`, so plain number arrays work too.
 *
 * @example
 * ```ts
 * const mask: NDArray<ArrayLike<number>> = { data: [0, 1, 1, 0], shape: [2, 2] };
 * ```
 */
export interface NDArray<T extends ArrayLike<number> = TypedArray> {
  data: T;
  shape: readonly number[];
}

/**
 * Number of elements of a shape.
 *
 * @example
 * ```ts
 * sizeOf([2, 3, 4]); // 24
 * ```
 */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Checks that `data.length` matches `shape` and returns the array.
 *
 * @example
 * ```ts
 * ndarray(new Float32Array(6), [2, 3]); // { data, shape: [2, 3] }
 * ```
 */
export function ndarray<T extends ArrayLike<number>>(
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
