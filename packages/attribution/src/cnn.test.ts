// Every method on a small trained CNN: completeness, chunking invariance, and the same numbers on
// the wasm and cpu backends.
import { arrayDataLoader, DataLoaders, Learner, setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import { mnistSplit } from '@interp/example-data';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GradCAM } from './grad-cam.js';
import { gradientTimesInput } from './gradient-times-input.js';
import { IntegratedGradients } from './integrated-gradients.js';
import { Occlusion } from './occlusion.js';
import { saliencyMap } from './saliency-map.js';
import { SmoothGrad } from './smooth-grad.js';
import { demoCnn } from './test-models.js';

let learn: Learner;
let digits: tf.Tensor4D;

beforeAll(async () => {
  await setupBackend('wasm');
  const { train, valid } = mnistSplit({ nTrain: 600, nValid: 8 });
  const trainX = { data: train.images, shape: [train.count, 28, 28, 1] };
  const trainY = { data: train.labels, shape: [train.count] };
  const dl = arrayDataLoader(trainX, trainY, { batchSize: 32, shuffle: true, seed: 0 });
  learn = Learner.fromLayersModel(demoCnn(0), { dls: new DataLoaders(dl, dl) });
  await learn.fit(1, { lr: 3e-3, skipValidation: true });
  digits = tf.tensor4d(valid.images, [valid.count, 28, 28, 1]);
});

afterAll(() => {
  digits?.dispose();
});

describe('attribution of a trained MNIST CNN', () => {
  it('IntegratedGradients completeness: |delta| is small against F(x) - F(baseline)', async () => {
    const ig = new IntegratedGradients(learn);
    const { attributions, delta } = await ig.attribute(digits, { returnConvergenceDelta: true });
    const d = await delta.data();
    const sums = await tf.sum(tf.reshape(attributions, [8, -1]), 1).data();
    for (let i = 0; i < 8; i++) {
      const gap = sums[i]! - d[i]!; // F(x) - F(0)
      expect(Math.abs(d[i]!)).toBeLessThan(0.02 * Math.abs(gap) + 1e-3);
    }
    tf.dispose([attributions, delta]);
  });

  it('IntegratedGradients does not depend on internalBatchSize (1, 7, all)', async () => {
    const x = tf.slice(digits, 0, 3);
    const ig = new IntegratedGradients(learn, { baseline: 0.1 });
    const all = await ig.attribute(x, { nSteps: 6, target: 4, internalBatchSize: 18 });
    const ref = await all.data();
    for (const internalBatchSize of [1, 7]) {
      const attr = await ig.attribute(x, { nSteps: 6, target: 4, internalBatchSize });
      expect(maxAbsDiff(await attr.data(), ref)).toBeLessThan(1e-5);
      attr.dispose();
    }
    tf.dispose([x, all]);
  });

  it('every method gives the same numbers on wasm and cpu (1e-4)', async () => {
    // tfjs-backend-wasm's MaxPoolGrad sends the gradient of a tie between equal positive values
    // to the last of them, cpu's (and PyTorch's) to the first; flat digit backgrounds make such
    // ties (every pixel gives relu(bias)). A little noise makes the maxima unique, so this
    // compares our code on both backends rather than that tie rule.
    const x = tf.tidy(() =>
      tf.add(tf.slice(digits, 0, 2), tf.randomUniform([2, 28, 28, 1], 0, 0.01, 'float32', 5)),
    );
    const run = async () => {
      const out = [
        await saliencyMap(learn, x),
        await gradientTimesInput(learn, x),
        await new IntegratedGradients(learn).attribute(x, { nSteps: 8 }),
        await new GradCAM(learn).attribute(x),
        await new GradCAM(learn, { layer: 0 }).attribute(x, { relu: false }),
        await new SmoothGrad(learn).attribute(x, { nSamples: 2, stdevs: 0.1, randomState: 1 }),
        await new Occlusion(learn).attribute(x, {
          slidingWindowShapes: [7, 7, 1],
          strides: [7, 7, 1],
        }),
      ];
      const data = await Promise.all(out.map((t) => t.data()));
      tf.dispose(out);
      return data;
    };
    const onWasm = await run();
    await setupBackend('cpu');
    let onCpu: Awaited<ReturnType<typeof run>>;
    try {
      onCpu = await run();
    } finally {
      await setupBackend('wasm');
    }
    onWasm.forEach((w, k) => {
      const scale = Math.max(1, ...Array.from(w, Math.abs));
      expect(maxAbsDiff(w, onCpu[k]!) / scale, `method ${k}`).toBeLessThan(1e-4);
    });
    x.dispose();
  });

  it('leaks no tensors on the CNN', async () => {
    const x = tf.slice(digits, 0, 2);
    const ig = new IntegratedGradients(learn);
    const cam = new GradCAM(learn);
    await expectNoLeakedTensors(() => ig.attribute(x, { nSteps: 4, returnConvergenceDelta: true }));
    await expectNoLeakedTensors(() => cam.attribute(x));
    x.dispose();
  });
});
