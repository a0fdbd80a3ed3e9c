// Integrated Gradients through an ONNX model's affine prefix (P(x), P(b) once per item, the tail
// on P(b) + a (P(x) - P(b)), J_P^T once): the same attributions as the plain path through the
// whole model, complete, and Captum's on the committed reference models.
import { type AffinePrefix, type ModelGraph, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  bnInits,
  bnStem as bnStemOf,
  convInits,
  convStem as convStemOf,
  stemCnn,
} from '../../onnx/src/test-affine-prefix-stems.js';
// The ONNX package's test model writer (test-only; not part of its public API).
import { type InitTensor, type NodeSpec, randomNormal } from '../../onnx/src/test-onnx-builder.js';
import { IntegratedGradients } from './integrated-gradients.js';
import { affinePrefixes } from './internal/path-gradient-sum.js';
import {
  captumCase,
  captumTensor,
  expectCloseToCaptum,
  loadedCaptumModels,
} from './test-captum-cases.js';

/** The stem, then ReLU, conv, 2 x 2 max pool (5 x 9 features), Gemm. */
function cnn(stem: NodeSpec[], stemInits: InitTensor[] = []): Uint8Array {
  const node: NodeSpec = {
    op: 'MaxPool',
    inputs: ['r2'],
    outputs: ['p'],
    attrs: { kernel_shape: [2, 2], strides: [2, 2] },
  };
  return stemCnn(stem, stemInits, { node, features: 5 * 9, scale: 0.5 });
}

const convStem = convStemOf([1, 1], [0, 0, 0, 0]);
const bnStem = bnStemOf(convStem);
/** A Relu on x before the conv: the first node is not affine, so there is no prefix. */
const reluFirst: NodeSpec[] = [
  { op: 'Relu', inputs: ['x'], outputs: ['rx'] },
  { ...convStem, inputs: ['rx', 'w1', 'b1'] },
];

// The test models' prefixes are small convs (27 multiply-adds per value): use them anyway.
beforeAll(async () => {
  await setupBackend('wasm');
  affinePrefixes.minMacsPerOutput = 0;
});

afterEach(() => {
  affinePrefixes.enabled = true;
  affinePrefixes.minMacsPerOutput = 0;
  vi.restoreAllMocks();
});

afterAll(() => {
  affinePrefixes.minMacsPerOutput = 64;
});

/** IG with the prefix on and off; how often the tail ran through the prefix. */
async function bothWays(
  model: ModelGraph,
  x: tf.Tensor,
  options: Parameters<IntegratedGradients['attribute']>[1],
  baseline?: number | tf.Tensor,
) {
  const prefix = model.affinePrefix?.();
  const spy = prefix && vi.spyOn(prefix as AffinePrefix, 'tailGradient');
  const ig = new IntegratedGradients(model, baseline === undefined ? {} : { baseline });
  const run = async () => {
    const r = (await ig.attribute(x, { ...options, returnConvergenceDelta: true })) as {
      attributions: tf.Tensor;
      delta: tf.Tensor;
    };
    const out = { attributions: await r.attributions.data(), delta: await r.delta.data() };
    tf.dispose([r.attributions, r.delta]);
    return out;
  };
  const withPrefix = await run();
  const tailCalls = spy?.mock.calls.length ?? 0;
  affinePrefixes.enabled = false;
  const plain = await run();
  affinePrefixes.enabled = true;
  expect(spy?.mock.calls.length ?? 0).toBe(tailCalls);
  return { withPrefix, plain, tailCalls };
}

function expectSame(a: ArrayLike<number>, b: ArrayLike<number>, tolerance = 1e-5) {
  expect(a.length).toBe(b.length);
  let scale = 0;
  let err = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
  }
  expect(err).toBeLessThanOrEqual(tolerance * scale);
}

const xs = () => tf.tensor(randomNormal(3 * 192, 5), [3, 3, 8, 8]);

/** The model, run once both ways: the weights it derives once (conv filters) exist before a leak check. */
async function loaded(bytes: Uint8Array): Promise<ModelGraph> {
  const model = await loadOnnxModel(bytes);
  const x = xs();
  await bothWays(model, x, { nSteps: 2 });
  x.dispose();
  return model;
}

describe.each([
  ['Conv (bias) -> Relu', cnn([convStem], convInits), 'Conv_0'],
  ['Conv -> BatchNormalization -> Add(const) -> Relu', cnn(bnStem, bnInits), 'Add_2'],
  ['Relu first (no prefix)', cnn(reluFirst, convInits), undefined],
])('IntegratedGradients through the affine prefix of %s', (_, bytes, prefixNode) => {
  it('equals the plain path, chunked and not, and is complete', async () => {
    const model = await loadOnnxModel(bytes);
    const x = xs();
    expect(model.affinePrefix()?.node).toBe(prefixNode);
    for (const internalBatchSize of [undefined, 2, 7]) {
      const { withPrefix, plain, tailCalls } = await bothWays(model, x, {
        nSteps: 12,
        internalBatchSize,
      });
      expect(tailCalls > 0).toBe(prefixNode !== undefined);
      expectSame(withPrefix.attributions, plain.attributions);
      expectSame(withPrefix.delta, plain.delta, 1e-3);
    }
    // Completeness: sum of attributions = F(x) - F(b), to the quadrature's error.
    const { withPrefix } = await bothWays(model, x, { nSteps: 200 });
    const [, ...itemDims] = x.shape;
    const perItem = itemDims.reduce((a, b) => a * b, 1);
    withPrefix.delta.forEach((d, i) => {
      let sum = 0;
      for (let k = i * perItem; k < (i + 1) * perItem; k++) sum += withPrefix.attributions[k]!;
      // ReLU and max-pool kinks on the path: a few percent of F(x) - F(b) at 200 steps.
      expect(Math.abs(d)).toBeLessThan(0.05 * Math.abs(sum - d) + 5e-3);
    });
    x.dispose();
    model.dispose();
  });

  it('takes a nonzero, a one-item and a per-item baseline the same way; leaks nothing', async () => {
    const model = await loaded(bytes);
    const x = xs();
    const one = tf.tensor(randomNormal(192, 8, 0.5), [1, 3, 8, 8]);
    const each = tf.tensor(randomNormal(3 * 192, 9, 0.5), [3, 3, 8, 8]);
    for (const baseline of [0.25, one, each]) {
      await expectNoLeakedTensors(async () => {
        const { withPrefix, plain } = await bothWays(
          model,
          x,
          { nSteps: 10, method: 'riemann_trapezoid', target: [0, 2, 1] },
          baseline,
        );
        expectSame(withPrefix.attributions, plain.attributions);
      });
    }
    tf.dispose([x, one, each]);
    model.dispose();
  });
});

describe('IntegratedGradients through the affine prefix: fallbacks and bad input', () => {
  it('runs a chunk the tail cannot take through the whole model, and all later ones', async () => {
    const model = await loaded(cnn(bnStem, bnInits));
    const x = xs();
    const prefix = model.affinePrefix!()!;
    const real = prefix.tailGradient.bind(prefix);
    let calls = 0;
    vi.spyOn(prefix, 'tailGradient').mockImplementation((a, seed) =>
      ++calls === 2 ? undefined : real(a, seed),
    );
    await expectNoLeakedTensors(async () => {
      const ig = new IntegratedGradients(model);
      const mixed = await ig.attribute(x, { nSteps: 8, internalBatchSize: 6 });
      expect(calls).toBe(2);
      vi.restoreAllMocks();
      affinePrefixes.enabled = false;
      const plain = await ig.attribute(x, { nSteps: 8, internalBatchSize: 6 });
      expectSame(await (mixed as tf.Tensor).data(), await (plain as tf.Tensor).data());
      tf.dispose([mixed as tf.Tensor, plain as tf.Tensor]);
    });
    x.dispose();
    model.dispose();
  });

  it('leaves a prefix doing fewer multiply-adds per value than minMacsPerOutput alone', async () => {
    const model = await loaded(cnn([convStem], convInits));
    const prefix = model.affinePrefix!()!;
    expect(prefix.macsPerOutput).toBe(27);
    const spy = vi.spyOn(prefix, 'tailGradient');
    spy.mockClear();
    affinePrefixes.minMacsPerOutput = 28;
    const x = xs();
    const a = await new IntegratedGradients(model).attribute(x, { nSteps: 4 });
    expect(spy).not.toHaveBeenCalled();
    affinePrefixes.minMacsPerOutput = 27;
    const b = await new IntegratedGradients(model).attribute(x, { nSteps: 4 });
    expect(spy).toHaveBeenCalled();
    expectSame(await (b as tf.Tensor).data(), await (a as tf.Tensor).data());
    tf.dispose([x, a as tf.Tensor, b as tf.Tensor]);
    model.dispose();
  });

  it('refuses bad input as before (a wrong shape, a wrong target)', async () => {
    const model = await loaded(cnn([convStem], convInits));
    const ig = new IntegratedGradients(model);
    const wrong = tf.zeros([2, 8, 8, 3]);
    const x = xs();
    await expectNoLeakedTensors(async () => {
      await expect(ig.attribute(wrong)).rejects.toThrow(/shape \[2, 8, 8, 3\]/);
      await expect(ig.attribute(x, { target: 7 })).rejects.toThrow(/target/);
    });
    tf.dispose([wrong, x]);
    model.dispose();
  });
});

describe("IntegratedGradients through the affine prefix gives Captum's numbers", () => {
  const models = loadedCaptumModels(['rescnn', 'mlp']);
  it.each([
    ['rescnn', 'ig'],
    ['rescnn', 'ig-trapezoid'],
    ['mlp', 'ig'],
    ['mlp', 'ig-trapezoid'],
  ] as const)('%s %s', async (name, caseName) => {
    const { graph, file } = models.get(name)!;
    const prefix = graph.affinePrefix?.();
    expect(prefix, `${name} has an affine prefix`).toBeDefined();
    const spy = vi.spyOn(prefix!, 'tailGradient');
    const c = captumCase(file, caseName);
    const x = captumTensor(file.inputs);
    const given = c.attribute.baselines;
    const baselines = given === undefined ? undefined : captumTensor(given as never);
    const r = await new IntegratedGradients(graph).attribute(x, {
      target: c.attribute.target as number[],
      ...(baselines ? { baselines } : {}),
      ...(c.attribute.n_steps ? { nSteps: c.attribute.n_steps as number } : {}),
      ...(c.attribute.method ? { method: 'riemann_trapezoid' as const } : {}),
      returnConvergenceDelta: true,
    });
    expect(spy).toHaveBeenCalled();
    await expectCloseToCaptum(r.attributions, c.expected);
    const scale = Math.max(...c.expected.values.map(Math.abs));
    const d = await r.delta.data();
    d.forEach((v, i) => {
      expect(Math.abs(v - c.delta!.values[i]!)).toBeLessThan(2e-3 * scale + 1e-5);
    });
    tf.dispose([x, r.attributions, r.delta, ...(baselines ? [baselines] : [])]);
  });
});
