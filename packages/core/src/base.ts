// The tensor-free part of core: importing it loads no tfjs (for pure metric code and fast CLIs).

export type { InterpErrorCode } from './errors.js';
export { InterpError, isInterpError } from './errors.js';
export type { NDArray, TypedArray } from './nd-array.js';
export { ndarray, sizeOf } from './nd-array.js';
export type { RandomGenerator, RandomState } from './random.js';
export { createRng, toRng } from './random.js';
export type { TopK } from './top-k.js';
export { topK } from './top-k.js';
export {
  assertInteger,
  assertLabels,
  assertNumber,
  assertSameLength,
  describe,
  keyword,
} from './validate.js';
