// The tensor-free part of core: importing it loads no tfjs (for pure metric code and fast CLIs).
export { InterpError, isInterpError } from './errors.js';
export type { InterpErrorCode } from './errors.js';
export { createRng, toRng } from './random.js';
export type { RandomGenerator, RandomState } from './random.js';
export { topK } from './top-k.js';
export type { TopK } from './top-k.js';
export {
  assertInteger,
  assertLabels,
  assertNumber,
  assertSameLength,
  describe,
  keyword,
} from './validate.js';
