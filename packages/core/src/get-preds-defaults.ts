/**
 * getPreds defaults, written once (tfjs-free, so `Interpretation.fromLearner` in
 * `@interp/core/base` reads the same ones): the validation set, inputs not kept, no per-item
 * losses, decoded predictions.
 *
 * @example
 * ```ts
 * getPredsDefaults.dsIdx; // 1
 * ```
 */
export const getPredsDefaults = Object.freeze({
  dsIdx: 1,
  withInput: false,
  withLoss: false,
  withDecoded: true,
} as const);
