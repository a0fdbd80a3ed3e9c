// GradCAM, LayerGradCam and LayerActivation on a LayersModel with batch norms: the pass that takes
// the activation is core's folded forward (BN and ReLU6 folded into the convs). Oracle: the map worked by hand from tfjs's own (unfolded) activation.
// With global average pooling and a linear dense head, d score_t / d A[h, w, c] = W[c, t] / (H W)
// everywhere, so the channel weights are W[:, t] / (H W) and the map is sum_c W[c, t] A_c / (H W).
import { InterpError, setupBackend, toModelGraph } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { GradCAM } from './grad-cam.js';
import { LayerActivation } from './layer-activation.js';
import { LayerGradCam } from './layer-grad-cam.js';
import { learnerFor } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

type S = tfl.SymbolicTensor;
const apply = (layer: tfl.layers.Layer, x: S | S[]) => layer.apply(x) as S;
let seed = 1;
const glorot = () => tfl.initializers.glorotUniform({ seed: seed++ });
const bn = () =>
  tfl.layers.batchNormalization({
    movingMeanInitializer: tfl.initializers.randomNormal({ seed: seed++ }),
    movingVarianceInitializer: tfl.initializers.randomUniform({
      minval: 0.5,
      maxval: 2,
      seed: seed++,
    }),
    gammaInitializer: tfl.initializers.randomNormal({ mean: 1, stddev: 0.5, seed: seed++ }),
    betaInitializer: tfl.initializers.randomNormal({ seed: seed++ }),
  });
const relu6 = (name?: string) => tfl.layers.reLU({ maxValue: 6, name });
const conv = (filters: number, kernelSize = 1, strides = 1) =>
  tfl.layers.conv2d({
    filters,
    kernelSize,
    strides,
    padding: 'same',
    useBias: false,
    kernelInitializer: glorot(),
  });

/** A MobileNetV2-style net ending in a conv + BN + ReLU6 'cam' map, global pooling and a linear dense. */
function mobileNetLike() {
  const input = tfl.input({ shape: [10, 10, 3] });
  const stem = apply(relu6(), apply(bn(), apply(conv(4, 3, 2), input)));
  const depthwise = tfl.layers.depthwiseConv2d({
    kernelSize: 3,
    padding: 'same',
    useBias: false,
    depthwiseInitializer: glorot(),
  });
  const dw = apply(relu6(), apply(bn(), apply(depthwise, stem)));
  const added = apply(tfl.layers.add(), [stem, apply(bn(), apply(conv(4), dw))]);
  const cam = apply(relu6('cam'), apply(bn(), apply(conv(6), added)));
  const pooled = apply(tfl.layers.globalAveragePooling2d({}), cam);
  const dense = tfl.layers.dense({ units: 4, kernelInitializer: glorot(), name: 'logits' });
  const out = apply(dense, pooled);
  return {
    model: tfl.model({ inputs: input, outputs: out }),
    activation: tfl.model({ inputs: input, outputs: cam }),
    dense,
  };
}

function images(n: number): tf.Tensor4D {
  return tf.tensor4d(
    Float32Array.from({ length: n * 300 }, (_, i) => 2 * Math.sin(i * 0.37)),
    [n, 10, 10, 3],
  );
}

/** The hand map of each item for `targets` (default: each item's predicted class), [n, 5, 5]. */
async function handMaps(net: ReturnType<typeof mobileNetLike>, x: tf.Tensor, targets?: number[]) {
  const [activation, outputs] = [net.activation.predict(x), net.model.predict(x)] as tf.Tensor[];
  const a = (await activation!.array()) as number[][][][];
  const w = (await net.dense.getWeights()[0]!.array()) as number[][];
  const logits = (await outputs!.array()) as number[][];
  tf.dispose([activation!, outputs!]);
  return a.map((item, i) => {
    const row = logits[i]!;
    const t = targets?.[i] ?? row.indexOf(Math.max(...row));
    return item.map((r) => r.map((c) => c.reduce((s, v, k) => s + v * w[k]![t]!, 0) / 25));
  });
}

function expectClose(ours: number[], expected: number[]) {
  const largest = Math.max(...expected.map(Math.abs));
  expect(largest).toBeGreaterThan(0);
  const diff = Math.max(...ours.map((v, i) => Math.abs(v - expected[i]!)));
  expect(diff).toBeLessThanOrEqual(1e-5 * largest);
}

describe('GradCAM and the layer methods on a LayersModel with batch norms (folded first pass)', () => {
  it('attribute(x) equals the hand map from the unfolded activation, default and given targets, 1 and 3 images', async () => {
    const net = mobileNetLike();
    const cam = new GradCAM(net.model);
    expect(cam.layerName).toBe('cam');
    for (const n of [1, 3]) {
      const x = images(n);
      for (const targets of [undefined, [2, 0, 3].slice(0, n)]) {
        const target = targets && Int32Array.from(targets);
        const maps = await cam.attribute(x, { target, upsample: false, relu: false });
        expect(maps.shape).toEqual([n, 5, 5]);
        expectClose(Array.from(await maps.data()), (await handMaps(net, x, targets)).flat(2));
        const relu = await cam.attribute(x, { target, upsample: false });
        const hand = (await handMaps(net, x, targets)).flat(2).map((v) => Math.max(v, 0));
        expectClose(Array.from(await relu.data()), hand);
        tf.dispose([maps, relu]);
      }
      x.dispose();
    }
  });

  it('runs no FusedBatchNorm in its first pass, for a model or a Learner; the model graph gives the same map', async () => {
    const net = mobileNetLike();
    const x = images(2);
    for (const model of [net.model, learnerFor(net.model)]) {
      const cam = new GradCAM(model);
      const info = await tf.profile(() => cam.attribute(x));
      expect(info.kernels.map((k) => k.name)).not.toContain('FusedBatchNorm');
      tf.dispose(info.result as tf.Tensor);
    }
    // A model graph has no LayersModel behind it here: its first pass walks the layers.
    const walked = await new GradCAM(toModelGraph(net.model)).attribute(x);
    const folded = await new GradCAM(net.model).attribute(x);
    expectClose(Array.from(await folded.data()), Array.from(await walked.data()));
    tf.dispose([x, walked, folded]);
  });

  it("LayerGradCam and LayerActivation take the folded pass too (and the head alone under the tape): the hand map and tfjs's activation", async () => {
    const net = mobileNetLike();
    const x = images(3);
    const targets = [1, 3, 0];
    const layerCam = new LayerGradCam(net.model, { layer: 'cam' });
    const info = await tf.profile(() =>
      layerCam.attribute(x, { target: Int32Array.from(targets) }),
    );
    // The activation's pass is folded and the tape runs the head alone (the BNs are upstream).
    expect(info.kernels.map((k) => k.name)).not.toContain('FusedBatchNorm');
    const map = info.result as tf.Tensor;
    expect(map.shape).toEqual([3, 5, 5, 1]);
    expectClose(Array.from(await map.data()), (await handMaps(net, x, targets)).flat(2));
    const acts = await new LayerActivation(net.model, { layer: 'cam' }).attribute(x);
    const expected = net.activation.predict(x) as tf.Tensor;
    expectClose(Array.from(await acts.data()), Array.from(await expected.data()));
    tf.dispose([x, map, acts, expected]);
  });

  it('LayerGradCam without a target reads the predicted classes off its one folded pass (no forward of its own): the hand map', async () => {
    const net = mobileNetLike();
    const x = images(3);
    const layerCam = new LayerGradCam(net.model, { layer: 'cam' });
    const info = await tf.profile(() => layerCam.attribute(x));
    // model.predict (a separate pass for the targets) would run FusedBatchNorm.
    expect(info.kernels.map((k) => k.name)).not.toContain('FusedBatchNorm');
    const map = info.result as tf.Tensor;
    expect(map.shape).toEqual([3, 5, 5, 1]);
    expectClose(Array.from(await map.data()), (await handMaps(net, x)).flat(2));
    // The same checks of the call as with a target.
    await expect(layerCam.attribute(x, { additionalForwardArgs: [1] })).rejects.toThrow(
      /additionalForwardArgs is not supported/,
    );
    const wrong = tf.zeros([3, 10, 10, 4]);
    await expect(layerCam.attribute(wrong)).rejects.toThrow(InterpError);
    tf.dispose([x, map, wrong]);
  });

  it('leaks no tensors', async () => {
    const net = mobileNetLike();
    const x = images(3);
    const cam = new GradCAM(net.model);
    (await cam.attribute(x)).dispose(); // plans the folds and caches the folded weights
    await expectNoLeakedTensors(() => cam.attribute(x));
    await expectNoLeakedTensors(() => cam.attribute(x, { target: 1, upsample: false }));
    await expectNoLeakedTensors(() => cam.attribute(x, { target: 9 }).catch(() => undefined));
    const layerCam = new LayerGradCam(net.model, { layer: 'cam' });
    await expectNoLeakedTensors(() => layerCam.attribute(x, { target: 2 }));
    await expectNoLeakedTensors(() => layerCam.attribute(x));
    await expectNoLeakedTensors(() =>
      new LayerActivation(net.model, { layer: 'cam' }).attribute(x),
    );
    x.dispose();
  });
});
