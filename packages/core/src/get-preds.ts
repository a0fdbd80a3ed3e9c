import * as tf from '@tensorflow/tfjs-core';
import type { DataLoader } from './data-loader.js';
import { InterpError } from './errors.js';
import { getPredsDefaults } from './get-preds-defaults.js';
import type { Learner, ProgressCallback } from './learner.js';
import { toModelGraph } from './model-graph/to-model-graph.js';

/** An activation for getPreds: a function, a name, or 'none' for raw outputs. */
export type Activation = ((t: tf.Tensor) => tf.Tensor) | 'softmax' | 'sigmoid' | 'none';

export interface GetPredsOptions {
  /** 0 = train, 1 = valid (default 1). */
  dsIdx?: number;
  /** A loader to use instead of the learner's. */
  dl?: DataLoader;
  /** Activation applied to the outputs; default the loss function's (softmax for cross-entropy). */
  act?: Activation;
  withInput?: boolean;
  withLoss?: boolean;
  withDecoded?: boolean;
  onProgress?: ProgressCallback;
}

/** getPreds results; every tensor is the caller's to dispose. */
export interface PredsResult {
  /** Activated outputs, `[N, ...]`. */
  preds: tf.Tensor;
  /** Targets, `[N, ...]`. */
  targs: tf.Tensor;
  /** Decoded predictions (argmax classes for cross-entropy). */
  decoded?: tf.Tensor;
  /** Per-item losses `[N]` from the raw outputs. */
  losses?: tf.Tensor1D;
  inputs?: tf.Tensor;
}

/** Turns an {@link Activation} option into a function (undefined = the loss function's). */
export function resolveActivation(
  act: Activation | undefined,
  fallback: (t: tf.Tensor) => tf.Tensor,
) {
  if (act === undefined) return fallback;
  if (typeof act === 'function') return act;
  switch (act) {
    case 'softmax':
      return (t: tf.Tensor) => tf.softmax(t);
    case 'sigmoid':
      return (t: tf.Tensor) => tf.sigmoid(t);
    case 'none':
      return (t: tf.Tensor) => tf.clone(t);
    default:
      throw new InterpError(
        'INVALID_OPTION',
        `invalid act: ${JSON.stringify(act)}; expected a function, 'softmax', 'sigmoid' or 'none'`,
      );
  }
}

/**
 * Batched inference over a loader: activated predictions, targets and, on request, decoded
 * predictions, per-item losses and inputs, concatenated in item order. Each batch runs in a tidy
 * scope, so only the results stay allocated.
 *
 * @example
 * ```ts
 * const { preds, targs, decoded, losses } = await getPreds(learn, { withLoss: true });
 * ```
 */
export async function getPreds(
  learn: Learner,
  options: GetPredsOptions = {},
): Promise<PredsResult> {
  const {
    dsIdx = getPredsDefaults.dsIdx,
    dl = learn.dls.byIndex(dsIdx),
    act,
    withInput = getPredsDefaults.withInput,
    withLoss = getPredsDefaults.withLoss,
    withDecoded = getPredsDefaults.withDecoded,
    onProgress,
  } = options;
  const activation = resolveActivation(act, learn.lossFunc.activation);
  // Inference through the model graph, as every model-running feature runs.
  const graph = toModelGraph(learn, 'getPreds');
  const parts: {
    preds: tf.Tensor[];
    targs: tf.Tensor[];
    decoded: tf.Tensor[];
    losses: tf.Tensor[];
    inputs: tf.Tensor[];
  } = { preds: [], targs: [], decoded: [], losses: [], inputs: [] };
  const total = Math.ceil(dl.length / dl.batchSize);
  let done = 0;
  try {
    for await (const { x, y } of dl) {
      try {
        const out = tf.tidy(() => {
          const raw = graph.predict(x);
          const p = activation(raw);
          return {
            p,
            d: withDecoded ? learn.lossFunc.decodes(p) : undefined,
            l: withLoss ? learn.lossFunc(raw, y) : undefined,
          };
        });
        parts.preds.push(out.p);
        if (out.d) parts.decoded.push(out.d);
        if (out.l) parts.losses.push(out.l);
        parts.targs.push(y);
        if (withInput) parts.inputs.push(x);
      } catch (e) {
        y.dispose();
        x.dispose();
        throw e;
      }
      if (!withInput) x.dispose();
      onProgress?.(++done, total);
    }
    if (parts.preds.length === 0) {
      throw new InterpError(
        'EMPTY_INPUT',
        'the data loader yielded no batches; check that it has items',
      );
    }
    const cat = (ts: tf.Tensor[]) => (ts.length === 1 ? tf.clone(ts[0]!) : tf.concat(ts, 0));
    const result: PredsResult = { preds: cat(parts.preds), targs: cat(parts.targs) };
    if (withDecoded) result.decoded = cat(parts.decoded);
    if (withLoss) result.losses = cat(parts.losses) as tf.Tensor1D;
    if (withInput) result.inputs = cat(parts.inputs);
    return result;
  } finally {
    for (const list of Object.values(parts)) tf.dispose(list);
  }
}
