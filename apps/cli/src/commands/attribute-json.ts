// `interp attribute --json`: attributions as nested arrays in their tensor's shape.
import { JsonRaw, type JsonValue } from '../format/json-text.js';

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
 * The JSON text of `values` as {@link float32} numbers, `[a, b, c]` (jsonText's one-line array
 * of scalars; NaN and infinities are null, -0 is 0). One JSON.stringify of the whole row: value
 * by value through jsonText took several times as long on ResNet-18's 2 x 150k attributions.
 *
 * @example
 * float32Row(Float32Array.of(0.1, -0, Number.NaN)); // '[0.100000001, 0, null]'
 */
export function float32Row(values: Float32Array): string {
  // Numbers' JSON text holds no comma: every comma separates two values.
  return JSON.stringify(Array.from(values, float32)).replaceAll(',', ', ');
}

/**
 * Row-major `data` as nested arrays of `shape` (float32-short numbers), for `--json`: the
 * innermost rows as {@link JsonRaw} text from {@link float32Row}.
 *
 * @example
 * jsonText(nested(Float32Array.of(1, 2, 3, 4), [2, 2])); // '[\n  [1, 2],\n  [3, 4]\n]'
 */
export function nested(data: Float32Array, shape: readonly number[]): JsonValue {
  const build = (offset: number, axis: number): JsonValue => {
    const size = shape[axis]!;
    if (axis === shape.length - 1) {
      return new JsonRaw(float32Row(data.subarray(offset, offset + size)));
    }
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: size }, (_, i) => build(offset + i * stride, axis + 1));
  };
  return build(0, 0);
}
