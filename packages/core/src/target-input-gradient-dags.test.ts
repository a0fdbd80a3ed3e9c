// The tape-free input gradient on graphs (layer-dag.ts): residual Add, Concatenate, fan-out,
// DepthwiseConv2D, ZeroPadding2D, ReLU6. Oracles: tf.grad through the tape (same kernels, same
// rounding), central finite differences of the forward pass, and the pretrained nsfwjs
// MobileNetV2 (a real Keras graph) against tf.grad.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { targetInputGradient } from './target-input-gradient.js';
import {
  convRelu,
  difference,
  expectFiniteDifferences,
  expectMatchesTape,
  init,
  nextSeed,
  randomInput,
  seededBatchNorm,
} from './test-target-input-gradient.js';
import { expectNoLeakedTensors } from './testing.js';

type S = tfl.SymbolicTensor;
const apply = (layer: tfl.layers.Layer, x: S | S[]) => layer.apply(x) as S;

const depthwise = (more: Partial<Parameters<typeof tfl.layers.depthwiseConv2d>[0]> = {}) =>
  tfl.layers.depthwiseConv2d({
    kernelSize: 3,
    padding: 'same',
    depthwiseInitializer: tfl.initializers.glorotUniform({ seed: nextSeed() }),
    biasInitializer: tfl.initializers.randomNormal({ stddev: 0.3, seed: nextSeed() }),
    ...more,
  });

/** A MobileNetV2-style block: pad, strided conv, BN, ReLU6, inverted residual with Add. */
function mobileNetLike(): tfl.LayersModel {
  const input = tfl.input({ shape: [9, 9, 3] });
  const padded = apply(
    tfl.layers.zeroPadding2d({
      padding: [
        [0, 1],
        [0, 1],
      ],
    }),
    input,
  );
  const stem = apply(
    tfl.layers.reLU({ maxValue: 6 }),
    apply(
      seededBatchNorm(),
      apply(tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, ...init() }), padded),
    ),
  );
  const expand = apply(
    tfl.layers.conv2d({ filters: 8, kernelSize: 1, activation: 'relu6', ...init() }),
    stem,
  );
  const dw = apply(
    tfl.layers.reLU({ maxValue: 6 }),
    apply(seededBatchNorm(), apply(depthwise(), expand)),
  );
  const project = apply(
    seededBatchNorm(),
    apply(tfl.layers.conv2d({ filters: 4, kernelSize: 1, ...init() }), dw),
  );
  const added = apply(tfl.layers.add(), [stem, project]);
  const strided = apply(depthwise({ strides: 2, padding: 'valid', depthMultiplier: 2 }), added);
  const pooled = apply(tfl.layers.globalAveragePooling2d({}), strided);
  const out = apply(tfl.layers.dense({ units: 5, activation: 'softmax', ...init() }), pooled);
  return tfl.model({ inputs: input, outputs: out });
}

/** An Inception-style block: three branches concatenated, the input itself feeding two of them. */
function inceptionLike(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 2] });
  const a = apply(convRelu(3, { kernelSize: 1 }), input);
  const b = apply(
    tfl.layers.activation({ activation: 'relu' }),
    apply(seededBatchNorm(), apply(convRelu(4, { padding: 'same' }), input)),
  );
  const c = apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }), a);
  const mixed = apply(tfl.layers.concatenate(), [a, b, c]);
  const pooled = apply(tfl.layers.averagePooling2d({ poolSize: 2 }), mixed);
  const flat = apply(tfl.layers.flatten(), apply(tfl.layers.dropout({ rate: 0.5 }), pooled));
  const out = apply(tfl.layers.dense({ units: 4, ...init() }), flat);
  return tfl.model({ inputs: input, outputs: out });
}

/** A ResNet-style model: an identity shortcut around a nested Sequential, and x + x. */
function resNetLike(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 4] });
  const inner = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [6, 6, 4],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        ...init(),
      }),
      seededBatchNorm(),
      tfl.layers.reLU(),
    ],
  });
  const residual = apply(tfl.layers.add(), [input, apply(inner, input)]);
  const doubled = apply(tfl.layers.add(), [residual, residual]);
  const flat = apply(tfl.layers.reshape({ targetShape: [6 * 6 * 4] }), doubled);
  const out = apply(tfl.layers.dense({ units: 3, activation: 'tanh', ...init() }), flat);
  return tfl.model({ inputs: input, outputs: out });
}

const cases = [
  {
    name: 'MobileNetV2-like (pad, ReLU6, depthwise, residual Add)',
    build: mobileNetLike,
    shape: [9, 9, 3],
  },
  {
    name: 'Inception-like (Concatenate of branches, fan-out of the input)',
    build: inceptionLike,
    shape: [8, 8, 2],
  },
  {
    name: 'ResNet-like (identity shortcut, nested Sequential, x + x)',
    build: resNetLike,
    shape: [6, 6, 4],
  },
];

describe.each(['wasm', 'cpu'])('targetInputGradient on graphs, %s', (backend) => {
  beforeAll(async () => {
    await setupBackend(backend);
  });

  it.each(cases)('$name: tape-free and equal to tf.grad', async (c) => {
    const model = c.build();
    const x = randomInput([3, ...c.shape], 21);
    await expectMatchesTape(model, x, [0, 2, 1], 'layers');
    tf.dispose(x);
    model.dispose();
  });

  it.each(cases)('$name: equals central finite differences of the forward pass', async (c) => {
    const model = c.build();
    const x = randomInput([1, ...c.shape], 22);
    const { gradient, outputs } = targetInputGradient(model, x, 1);
    const g = await gradient.data();
    await expectFiniteDifferences(model, x, g, 1, 7);
    tf.dispose([x, gradient, outputs]);
    model.dispose();
  });

  it('ReLU6 passes the gradient where 0 < x <= 6 (a ReLU layer with maxValue, as tf.grad)', async () => {
    const input = tfl.input({ shape: [6] });
    const capped = apply(tfl.layers.reLU({ maxValue: 6 }), input);
    const activation = apply(tfl.layers.activation({ activation: 'relu6' }), input);
    const out = apply(tfl.layers.add(), [capped, activation]);
    const model = tfl.model({ inputs: input, outputs: out });
    const x = tf.tensor2d([[-1, 0, 3, 6, 7, 5.5]]);
    const { gradient, outputs, method } = targetInputGradient(model, x, tf.ones([1, 6]));
    expect(method).toBe('layers');
    // ReLU(maxValue 6) = clipByValue(relu(x), 0, 6): 1 on (0, 6]; relu6 = minimum(6, relu(x)):
    // 1 on (0, 6). Worked by hand from tfjs's Relu, ClipByValue and Minimum gradients.
    expect(Array.from(await gradient.data())).toEqual([0, 0, 2, 1, 0, 2]);
    tf.dispose([x, gradient, outputs]);
    model.dispose();
  });

  it('leaks no tensors on the graph path', async () => {
    const model = mobileNetLike();
    const x = randomInput([2, 9, 9, 3], 23);
    const warm = targetInputGradient(model, x, 0);
    tf.dispose([warm.gradient, warm.outputs]);
    await expectNoLeakedTensors(() => targetInputGradient(model, x, [1, 3]));
    tf.dispose(x);
    model.dispose();
  });
});

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The nsfwjs MobileNetV2 LayersModel, extracted to the cache by the repo's script. */
async function nsfwjsMobileNetV2(): Promise<tfl.LayersModel> {
  const script = join(ROOT, 'scripts/extract-nsfwjs-models.mjs');
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim().split('\n');
  const path = out.find((p) => p.endsWith('/mobilenet_v2/model.json'))!;
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const specs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const buffers = json.weightsManifest.flatMap((g: { paths: string[] }) =>
    g.paths.map((p) => readFileSync(join(dirname(path), p))),
  );
  const data = Buffer.concat(buffers);
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }),
  );
}

describe('the nsfwjs MobileNetV2 (Keras graph: residual Add, DepthwiseConv2D, ReLU6, padding)', () => {
  it('takes the tape-free path and equals tf.grad', async () => {
    await setupBackend('wasm');
    const model = await nsfwjsMobileNetV2();
    const x = tf.tidy(() => tf.mul(randomInput([1, 224, 224, 3], 24), 0.3));
    const tape = targetInputGradient(model, x, 2, { method: 'tape' });
    const ours = targetInputGradient(model, x, 2);
    expect(ours.method).toBe('layers');
    const g = await difference(ours.gradient, tape.gradient);
    expect(g.ref).toBeGreaterThan(0);
    expect(g.diff).toBeLessThanOrEqual(1e-5 * g.ref);
    const o = await difference(ours.outputs, tape.outputs);
    expect(o.diff).toBeLessThanOrEqual(1e-5 * o.ref);
    tf.dispose([x, tape.gradient, tape.outputs, ours.gradient, ours.outputs]);
    model.dispose();
  }, 120_000);
});
