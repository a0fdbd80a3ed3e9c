import { softmaxRows } from '@interp/classification/metrics';
import { InterpError } from '@interp/core/base';
import { notProbabilities } from '../probability-rows.js';

/**
 * N x C model outputs as probabilities: kept when every row already is a distribution (a softmax
 * head), else softmax (logits). Non-finite outputs are refused, naming the item.
 *
 * @example
 * ```ts
 * asProbabilities(Float32Array.of(0, Math.log(3)), 2, 'model.json').probs; // [0.25, 0.75]
 * ```
 */
export function asProbabilities(
  scores: Float32Array,
  c: number,
  source: string,
): { probs: Float32Array; softmax: boolean } {
  const bad = scores.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new InterpError(
      'NON_FINITE',
      `${source}: item ${Math.floor(bad / c)} gets a non-finite score (${scores[bad]}); check the model and the input normalization`,
    );
  }
  if (notProbabilities(scores, c) === undefined) return { probs: scores, softmax: false };
  return { probs: softmaxRows(scores, c), softmax: true };
}
