// getPreds (core) on an ONNX model: a Learner around the model itself, or around its predict,
// runs through the model graph like any other; logits checked against numpy (packages/onnx/test-models/mlp.onnx read
// with onnx.numpy_helper: fc1 -> ReLU -> fc2 -> erf GELU -> head, in float64).
import { join } from 'node:path';
import {
  arrayDataLoader,
  DataLoaders,
  getPreds,
  InterpError,
  Learner,
  setupBackend,
  toModelGraph,
} from '@interp/core';
import { Interpretation } from '@interp/core/base';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import { TEST_MODELS } from './test-external-data.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

// x[k] = 2 sin(0.37 k), 2 items x 8 features (float32); numpy's logits and softmax of them.
const X = Float32Array.from({ length: 16 }, (_, k) => 2 * Math.sin(0.37 * k));
const NUMPY_PROBS = [
  [0.3565861406672724, 0.3228436624839672, 0.32057019684876037],
  [0.36707614961456936, 0.33694892513762, 0.2959749252478107],
];

/** getPreds(learn) checked against numpy's probabilities and cross-entropies; leaks nothing. */
async function expectNumpyPreds(learn: Learner): Promise<void> {
  await expectNoLeakedTensors(async () => {
    const { preds, targs, decoded, losses } = await getPreds(learn, { withLoss: true });
    const p = await preds.array();
    NUMPY_PROBS.forEach((row, i) => {
      row.forEach((v, j) => {
        expect((p as number[][])[i]![j]).toBeCloseTo(v, 5);
      });
    });
    expect(Array.from(await targs.data())).toEqual([0, 2]);
    expect(Array.from(await decoded!.data())).toEqual([0, 0]);
    // Cross-entropy per item: -log p[target].
    const l = Array.from(await losses!.data());
    expect(l[0]).toBeCloseTo(-Math.log(NUMPY_PROBS[0]![0]!), 5);
    expect(l[1]).toBeCloseTo(-Math.log(NUMPY_PROBS[1]![2]!), 5);
    tf.dispose([preds, targs, decoded!, losses!]);
  });
}

const dataLoaders = () => {
  const dl = arrayDataLoader(
    { data: X, shape: [2, 8] },
    { data: Int32Array.from([0, 2]), shape: [2] },
    { batchSize: 1 },
  );
  return new DataLoaders(dl, dl);
};

describe('new Learner(onnxModel, { dls })', () => {
  it('takes the ModelGraph itself: getPreds equal to numpy, the graph seen by layer tools', async () => {
    const mlp = await loadOnnxModel(join(TEST_MODELS, 'mlp.onnx'));
    try {
      const learn = new Learner(mlp, { dls: dataLoaders() });
      expect(learn.modelGraph).toBe(mlp);
      expect(toModelGraph(learn)).toBe(mlp);
      tf.dispose(mlp.predict(tf.zeros([1, 8]))); // first run: weight layouts cached for the model's life
      await expectNumpyPreds(learn);
      // Interpretation.fromLearner on it: the largest loss is item 1's -log p[2] (numpy).
      const interp = await expectNoLeakedTensors(() => Interpretation.fromLearner(learn));
      const top = interp.topLosses(1);
      expect(Array.from(top.indices)).toEqual([1]);
      expect(top.losses[0]).toBeCloseTo(-Math.log(NUMPY_PROBS[1]![2]!), 5);
      // ONNX initializers are constants: nothing to train, said before any step.
      await expect(learn.fit(1)).rejects.toThrow(/no trainable weights/);
    } finally {
      mlp.dispose();
    }
  });

  it('rejects what is not a model (the bytes of one) with an InterpError', () => {
    expect(() => new Learner(new Uint8Array(4) as never, { dls: dataLoaders() })).toThrow(
      InterpError,
    );
    expect(() => new Learner(new Uint8Array(4) as never, { dls: dataLoaders() })).toThrow(
      /a ModelGraph \(e\.g\. from loadOnnxModel\).*got a Uint8Array/,
    );
  });
});

describe('getPreds(learner of an ONNX model)', () => {
  it('returns softmax predictions, targets and decoded classes equal to numpy, leaking nothing', async () => {
    const mlp = await loadOnnxModel(join(TEST_MODELS, 'mlp.onnx'));
    const learn = new Learner((x: tf.Tensor) => mlp.predict(x), { dls: dataLoaders() });
    expect(toModelGraph(learn).kind).toBe('function');
    try {
      tf.dispose(mlp.predict(tf.zeros([1, 8]))); // first run: weight layouts cached for the model's life
      await expectNumpyPreds(learn);
    } finally {
      mlp.dispose();
    }
  });
});
