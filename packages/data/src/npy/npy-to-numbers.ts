import { InterpError } from '@interp/core/base';
import type { NpyData } from './npy-types.js';

/** {@link NpyData} without the BigInt arrays: every element a JS number. */
export type NpyNumbers = Exclude<NpyData, BigInt64Array | BigUint64Array>;

/**
 * A `.npy` array's data as JS numbers: int64 / uint64 become an Int32Array when every value fits
 * (the usual labels), else float64, exactly or not at all (a value beyond ±2^53 is an error naming
 * `name` and the index); other dtypes are returned as they are.
 *
 * @example
 * ```ts
 * npyToNumbers(BigInt64Array.of(1n, 2n)); // Int32Array [1, 2]
 * ```
 */
export function npyToNumbers(data: NpyData, name = 'array'): NpyNumbers {
  if (!(data instanceof BigInt64Array || data instanceof BigUint64Array)) return data;
  const signed = data instanceof BigInt64Array;
  const n = data.length;
  // Little-endian halves: a value fits in int32 when its high word is the sign extension of the low.
  const words = new Int32Array(data.buffer, data.byteOffset, n * 2);
  const out = new Int32Array(n);
  let fits = true;
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i]!;
    const hi = words[2 * i + 1]!;
    if (signed ? hi !== lo >> 31 : hi !== 0 || lo < 0) {
      fits = false;
      break;
    }
    out[i] = lo;
  }
  if (fits) return out;
  const wide = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new InterpError(
        'PARSE',
        `${name}: value ${v} at index ${i} is too large to represent exactly (beyond ±2^53)`,
      );
    }
    wide[i] = Number(v);
  }
  return wide;
}
