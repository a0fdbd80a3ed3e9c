import type { DataLoader } from './data-loader.js';
import type { Activation } from './get-preds.js';
import type { Learner } from './learner.js';
import type { NDArray } from './nd-array.js';

/**
 * What an interpretation holds, all on the CPU (read once from the model's outputs).
 *
 * @example
 * ```ts
 * new Interpretation({ targs: { data: Int32Array.of(0, 1), shape: [2] },
 *   decoded: { data: Int32Array.of(1, 1), shape: [2] }, losses: Float32Array.of(2.3, 0.1) });
 * ```
 */
export interface InterpretationData {
  /** Where the items come from (for showing them). */
  dl?: DataLoader;
  learn?: Learner;
  /** Model inputs, when kept (`[N, ...]`); otherwise items are decoded from `dl`. */
  inputs?: NDArray<Float32Array>;
  /** Activated predictions `[N, ...]` (probabilities for classifiers), when known. */
  preds?: NDArray<Float32Array | Float64Array>;
  /** Targets `[N, ...]`. */
  targs: NDArray;
  /** Decoded predictions `[N, ...]` (class indices for classifiers). */
  decoded: NDArray;
  /** One loss per item, when known; a function computes them on first use. */
  losses?: Float32Array | (() => Float32Array);
  vocab?: readonly string[];
}

/**
 * Options of `Interpretation.fromLearner`.
 *
 * @example
 * ```ts
 * await ClassificationInterpretation.fromLearner(learn, { dsIdx: 0, withInput: true });
 * ```
 */
export interface FromLearnerOptions {
  /** 0 = train, 1 = valid (default `getPredsDefaults.dsIdx`). */
  dsIdx?: number;
  dl?: DataLoader;
  act?: Activation;
  /** Keep the inputs on the CPU instead of decoding items from the loader when shown. */
  withInput?: boolean;
  onProgress?: (done: number, total: number) => void;
}
