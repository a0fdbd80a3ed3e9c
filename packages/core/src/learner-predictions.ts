// The tensor part of `Interpretation.fromLearner`, loaded by a dynamic import so that importing
// the Interpretation base (`@interp/core/base`) loads no tfjs.
import * as tf from '@tensorflow/tfjs-core';
import { getPreds } from './get-preds.js';
import { getPredsDefaults } from './get-preds-defaults.js';
import type { FromLearnerOptions, InterpretationData } from './interpretation-data.js';
import type { Learner } from './learner.js';
import type { NDArray } from './nd-array.js';

/**
 * Runs the learner over a dataset and reads its predictions, targets, decoded predictions,
 * per-item losses (and inputs, with `withInput`) onto the CPU; disposes every tensor it made.
 */
export async function learnerPredictions(
  learn: Learner,
  options: FromLearnerOptions = {},
): Promise<InterpretationData> {
  const {
    dsIdx = getPredsDefaults.dsIdx,
    act,
    withInput = getPredsDefaults.withInput,
    onProgress,
  } = options;
  const dl = options.dl ?? learn.dls.byIndex(dsIdx);
  const r = await getPreds(learn, {
    dl,
    act,
    withInput,
    withLoss: true,
    withDecoded: true,
    onProgress,
  });
  try {
    const read = async <A extends NDArray['data']>(t: tf.Tensor): Promise<NDArray<A>> => ({
      data: (await t.data()) as A,
      shape: [...t.shape],
    });
    return {
      dl,
      learn,
      preds: await read<Float32Array>(r.preds),
      targs: await read(r.targs),
      decoded: await read(r.decoded!),
      losses: (await r.losses!.data()) as Float32Array,
      inputs: r.inputs ? await read<Float32Array>(r.inputs) : undefined,
      vocab: learn.vocab ?? dl.vocab,
    };
  } finally {
    tf.dispose([r.preds, r.targs, r.decoded!, r.losses!, ...(r.inputs ? [r.inputs] : [])]);
  }
}
