// `interp attribute --json`: attributions as nested arrays in their tensor's shape.
import { JsonRaw, type JsonValue } from '../format/json-text.js';

/** Powers of ten that are exact doubles (10^0 .. 10^22). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A float32 value rounded to 9 significant digits (enough to identify it), as a number:
 * `Number(v.toPrecision(9))`, which JSON prints as its shortest text. For magnitudes 1e-14 to
 * 1e30 it is computed without toPrecision, which took most of `--json`'s time: the 9 digits as an
 * integer k from one product or quotient by an exact power of ten (error <= 0.5 ulp of m < 1e9,
 * under 6e-8), rounded half-up away from ties (a fraction within 1e-4 of 0.5 takes toPrecision),
 * then k / 10^p: a division of exact values, so correctly rounded, the same double the 9-digit
 * text parses to. Other values (0, NaN, infinities, the extremes) go through toPrecision.
 *
 * @example
 * float32(Math.fround(0.1)); // 0.100000001
 */
export function float32(v: number): number {
  const a = v < 0 ? -v : v;
  if (!(a >= 1e-14 && a < 1e30)) return Number(v.toPrecision(9));
  // p: the power of ten that brings a to 9 integer digits, [1e8, 1e9).
  let p = 8 - Math.floor(Math.log10(a));
  const scaled = (q: number) => (q >= 0 ? a * POW10[q]! : a / POW10[-q]!);
  let m = scaled(p);
  if (m < 1e8) m = scaled(++p);
  else if (m >= 1e9) m = scaled(--p);
  let k = Math.floor(m);
  const frac = m - k;
  if (frac > 0.4999 && frac < 0.5001) return Number(v.toPrecision(9));
  if (frac > 0.5) k++;
  const r = p >= 0 ? k / POW10[p]! : k * POW10[-p]!;
  return v < 0 ? -r : r;
}

/**
 * The JSON text of `values` as {@link float32} numbers, `[a, b, c]` (jsonText's one-line array
 * of scalars; NaN and infinities are null, -0 is 0). One JSON.stringify of the whole row.
 *
 * @example
 * float32Row(Float32Array.of(0.1, -0, Number.NaN)); // '[0.100000001, 0, null]'
 */
export function float32Row(values: Float32Array): string {
  // Numbers' JSON text holds no comma: every comma separates two values (split and join took
  // half as long as replaceAll, and a join of each value's JSON.stringify twice as long).
  return JSON.stringify(Array.from(values, float32)).split(',').join(', ');
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
