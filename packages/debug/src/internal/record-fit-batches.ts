import type { FitOptions, Learner, Recorder } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { hookLayers, type Layer, type LayerHooks } from '../hook-layers.js';
import { activationSummary, HIST_BINS } from './activation-summary.js';

/** One recorded batch: its training iteration and layers x (3 or 43) values, row-major. */
export interface RecordedBatch {
  iteration: number;
  values: Float32Array;
}

/**
 * Runs `fit` (the learner's own, unwrapped) with hooks on `layers` and appends the statistics of
 * every `every`-th training batch to `batches`: ActivationStats' learner path.
 */
export async function recordFitBatches(
  target: { learn: Learner; fit: Learner['fit']; layers: readonly Layer[] },
  { every, withHist }: { every: number; withHist: boolean },
  epochs: number,
  options: FitOptions,
  batches: RecordedBatch[],
): Promise<Recorder> {
  const { learn, fit, layers } = target;
  const width = 3 + (withHist ? HIST_BINS : 0);
  const index = new Map(layers.map((l, i) => [l, i]));
  let iteration = 0;
  let current: (tf.Tensor | undefined)[] = [];
  const pending: { iteration: number; values: tf.Tensor }[] = [];
  const hooks: LayerHooks = hookLayers(learn.layersModel!, layers, (layer, _in, out, kwargs) => {
    // fastai records training batches only, and only every `every`-th one.
    if (kwargs.training !== true || iteration % every !== 0) return;
    const i = index.get(layer)!;
    const first = Array.isArray(out) ? out[0] : out;
    if (!first) return;
    // Keep the output (one copy) and summarize it after the step: computed here, inside the
    // gradient tape, every stats op would also save copies of its inputs for backprop.
    current[i]?.dispose();
    current[i] = tf.keep(tf.clone(first));
  });
  const userOnBatchEnd = options.onBatchEnd;
  try {
    return await fit.call(learn, epochs, {
      ...options,
      onBatchEnd: (it: number, loss: number) => {
        if (it % every === 0 && current.some((t) => t !== undefined)) {
          const values = tf.tidy(() =>
            tf.concat(
              current.map((t) =>
                t ? activationSummary(t, withHist) : tf.fill([width], Number.NaN),
              ),
            ),
          );
          pending.push({ iteration: it, values: tf.keep(values) });
        }
        tf.dispose(current.filter((t): t is tf.Tensor => t !== undefined));
        current = [];
        iteration = it + 1;
        return userOnBatchEnd?.(it, loss);
      },
    });
  } finally {
    hooks.remove();
    tf.dispose(current.filter((t): t is tf.Tensor => t !== undefined));
    await collect(pending, layers.length * width, batches);
  }
}

/** Reads every pending batch in one transfer. */
async function collect(
  pending: { iteration: number; values: tf.Tensor }[],
  size: number,
  batches: RecordedBatch[],
): Promise<void> {
  if (pending.length === 0) return;
  const all = tf.concat(pending.map((p) => p.values));
  try {
    const data = (await all.data()) as Float32Array;
    pending.forEach((p, b) => {
      batches.push({ iteration: p.iteration, values: data.slice(b * size, (b + 1) * size) });
    });
  } finally {
    all.dispose();
    tf.dispose(pending.map((p) => p.values));
  }
}
