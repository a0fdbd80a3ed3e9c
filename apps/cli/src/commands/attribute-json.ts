// `interp attribute --json`: attributions as nested arrays in their tensor's shape.
import type { JsonValue } from '../format/json-text.js';

/**
 * A float32 value with the few digits that identify it, not the float64 expansion.
 *
 * @example
 * float32(Math.fround(0.1)); // 0.1
 */
export function float32(v: number): number {
  return Number(v.toPrecision(9));
}

/**
 * Row-major `data` as nested arrays of `shape` (float32-short numbers), for `--json`.
 *
 * @example
 * nested(Float32Array.of(1, 2, 3, 4), [2, 2]); // [[1, 2], [3, 4]]
 */
export function nested(data: Float32Array, shape: readonly number[]): JsonValue {
  const build = (offset: number, axis: number): JsonValue => {
    const size = shape[axis]!;
    if (axis === shape.length - 1) {
      return Array.from(data.subarray(offset, offset + size), float32);
    }
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: size }, (_, i) => build(offset + i * stride, axis + 1));
  };
  return build(0, 0);
}
