// LRP's rules on Captum's analytic toy (test_lrp.py's SimpleLRPModel with one weight -2), a
// hand-worked epsilon case, conservation, batching, bad input and leaks. The Captum-recorded cases
// of every rule on the residual CNN and the MLP are in lrp-captum.test.ts.
import { InterpError, type ModelGraph, setupBackend } from '@interp/core';
import { chainGraph, expectNoLeakedTensors } from '@interp/core/testing';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Alpha1Beta0Rule,
  EpsilonRule,
  GammaRule,
  IdentityRule,
  type LrpRule,
} from './internal/lrp-rule.js';
import { LRP } from './lrp.js';
import { captumFixturePath } from './test-captum-cases.js';

let toy: ModelGraph;
let rescnn: ModelGraph;
let softmaxMlp: ModelGraph;

beforeAll(async () => {
  await setupBackend('wasm');
  toy = await loadOnnxModel(captumFixturePath('toy/simple-lrp-neg.onnx'));
  rescnn = await loadOnnxModel(captumFixturePath('rescnn.onnx'));
  softmaxMlp = await loadOnnxModel(captumFixturePath('mlp-softmax.onnx'));
});

afterAll(() => {
  for (const g of [toy, rescnn, softmaxMlp]) g.dispose();
});

async function lrpOnToy(rules?: Record<string, LrpRule>) {
  const x = tf.tensor2d([[1, 2, 3]]);
  const { attributions, delta } = await new LRP(toy, { rules }).attribute(x, {
    target: 0,
    returnConvergenceDelta: true,
  });
  const out = { attr: Array.from(await attributions.data()), delta: (await delta.data())[0]! };
  tf.dispose([x, attributions, delta]);
  return out;
}

const closeTo = (values: number[]) => values.map((v) => expect.closeTo(v, 3));

describe("LRP on Captum's test_lrp.py model (linear 3x3 of 2s with w[0][0] = -2, ReLU, linear2 of 3s)", () => {
  // x = [1, 2, 3]: z = [8, 12, 12], output 96. Every rule conserves relevance (no biases).
  it('default epsilon rules: [6, 36, 54]', async () => {
    // linear2 hands a_k 3 / 96 x 96 = [24, 36, 36] down; linear: s = R / z = [3, 3, 3],
    // c_j = sum_k w_kj s_k = [6, 18, 18], times x.
    const { attr, delta } = await lrpOnToy();
    expect(attr).toEqual(closeTo([6, 36, 54]));
    expect(Math.abs(delta)).toBeLessThan(1e-4);
  });

  it('GammaRule({ gamma: 1 }) then GammaRule(): [28/3, 104/3, 52], by module path or node name', async () => {
    // linear2: w' = 3.75 everywhere, R = [24, 36, 36] again; linear: w' = w + max(w, 0) = 4 but
    // w'[0][0] = -2, z' = [18, 24, 24], s = [4/3, 3/2, 3/2], c = [28/3, 52/3, 52/3], times x.
    const expected = closeTo([28 / 3, 104 / 3, 52]);
    const byPath = await lrpOnToy({
      linear: new GammaRule({ gamma: 1 }),
      linear2: new GammaRule(),
    });
    expect(byPath.attr).toEqual(expected);
    expect(Math.abs(byPath.delta)).toBeLessThan(1e-4);
    const linear = toy.nodes.find((n) => n.modulePath === 'linear' && n.op === 'MatMul')!;
    const byName = await lrpOnToy({
      [linear.name]: new GammaRule({ gamma: 1 }),
      linear2: new GammaRule(),
    });
    expect(byName.attr).toEqual(expected);
  });

  it('Alpha1Beta0Rule on both: [12, 33.6, 50.4]', async () => {
    // linear: w' = max(w, 0): z' = [10, 12, 12], s = [2.4, 3, 3], c = [12, 16.8, 16.8], times x.
    const both = new Alpha1Beta0Rule();
    const { attr, delta } = await lrpOnToy({ linear: both, linear2: both });
    expect(attr).toEqual(closeTo([12, 33.6, 50.4]));
    expect(Math.abs(delta)).toBeLessThan(1e-4);
  });

  it('IdentityRule on linear, EpsilonRule on linear2: [24, 36, 36] (linear2 relevance handed on)', async () => {
    const { attr } = await lrpOnToy({ linear: new IdentityRule(), linear2: new EpsilonRule() });
    expect(attr).toEqual(closeTo([24, 36, 36]));
  });
});

describe('LRP on hand-made graphs', () => {
  const weights = () => tf.tensor2d([[1], [2]]);
  const linearGraph = (w: tf.Tensor2D) =>
    chainGraph(
      [{ name: 'fc', op: 'Gemm', outputShape: [null, 1], params: 2, fn: (x) => tf.matMul(x, w) }],
      { inputShape: [null, 2] },
    );

  it('EpsilonRule({ epsilon: 1 }) absorbs relevance: R = x w / (z + 1) f(x)', async () => {
    // x = [1, 1], w = [1, 2]: z = 3, s = 1 / (3 + 1); x w s = [0.25, 0.5], times f = 3:
    // [0.75, 1.5]; delta 3 - 2.25 = 0.75.
    const w = weights();
    const x = tf.tensor2d([[1, 1]]);
    const lrp = new LRP(linearGraph(w), { rules: { fc: new EpsilonRule({ epsilon: 1 }) } });
    const { attributions, delta } = await lrp.attribute(x, {
      target: 0,
      returnConvergenceDelta: true,
    });
    expect(Array.from(await attributions.data())).toEqual(closeTo([0.75, 1.5]));
    expect((await delta.data())[0]).toBeCloseTo(0.75, 5);
    tf.dispose([w, x, attributions, delta]);
  });

  it('a weight rule on a node whose weights the graph does not show is refused by name', async () => {
    const w = weights();
    const x = tf.tensor2d([[1, 1]]);
    const lrp = new LRP(linearGraph(w), { rules: { fc: new GammaRule() } });
    await expect(lrp.attribute(x, { target: 0 })).rejects.toThrow(
      /node "fc" \(Gemm\) has weights that a Gamma or Alpha1Beta0 rule would change, but its output could not be recomputed/,
    );
    tf.dispose([w, x]);
  });
});

describe('LRP invariants on the residual CNN', () => {
  const x = () => tf.randomUniform([3, 3, 8, 8], -1, 1, 'float32', 7);
  const rules = () => ({
    'stem.conv': new Alpha1Beta0Rule(),
    'block.conv1': new GammaRule(),
    'stem.bn': new IdentityRule(),
  });

  it('an item alone gets the row it gets in a batch (batch 1 and batch 3)', async () => {
    const xs = x();
    const lrp = new LRP(rescnn, { rules: rules() });
    const batch = await lrp.attribute(xs, { target: [0, 1, 2] });
    const one = tf.slice(xs, [1], [1]);
    const alone = await lrp.attribute(one, { target: 1 });
    const row = tf.slice(batch, [1], [1]);
    const scale = (await tf.max(tf.abs(row)).data())[0]!;
    const diff = (await tf.max(tf.abs(tf.sub(row, alone))).data())[0]!;
    expect(diff).toBeLessThan(1e-4 * scale + 1e-7);
    tf.dispose([xs, batch, one, alone, row]);
  });

  it('delta = target score - sum of relevances; rules leak no tensors', async () => {
    const xs = x();
    const lrp = new LRP(rescnn, { rules: rules() });
    await expectNoLeakedTensors(() =>
      lrp.attribute(xs, { target: 2, returnConvergenceDelta: true }),
    );
    const r = await lrp.attribute(xs, { target: 2, returnConvergenceDelta: true });
    const logits = rescnn.predict(xs);
    const scores = await tf.slice(logits, [0, 2], [-1, 1]).data();
    const sums = await tf.sum(r.attributions, [1, 2, 3]).data();
    const delta = await r.delta.data();
    for (let i = 0; i < 3; i++) expect(delta[i]).toBeCloseTo(scores[i]! - sums[i]!, 4);
    tf.dispose([xs, logits, r.attributions, r.delta]);
  });
});

describe('LRP bad input', () => {
  it('refuses unsupported ops naming the nodes, unless a rule is given (as Captum)', () => {
    expect(() => new LRP(softmaxMlp)).toThrow(InterpError);
    expect(() => new LRP(softmaxMlp)).toThrow(
      /no rule for node op\(s\) Sigmoid, Softmax \(node\(s\) "\/act1\/Sigmoid", "\/softmax\/Softmax"\).*explicit rule in options.rules/,
    );
    const eps = new EpsilonRule();
    expect(() => new LRP(softmaxMlp, { rules: { act1: eps, softmax: eps } })).not.toThrow();
  });

  it('refuses a rules key that names nothing, a rule on a ReLU, and a value that is no rule', () => {
    expect(() => new LRP(rescnn, { rules: { 'block.nope': new GammaRule() } })).toThrow(
      /rules names "block.nope", which is no node name or module path of the model; use one of "stem.conv"/,
    );
    expect(() => new LRP(rescnn, { rules: { 'block.relu1': new GammaRule() } })).toThrow(
      /node "\/block\/relu1\/Relu" \(Relu\) passes relevance through unchanged and takes no rule/,
    );
    const notARule = { gamma: 0.25 } as unknown as LrpRule;
    expect(() => new LRP(rescnn, { rules: { fc: notARule } })).toThrow(
      /rules\["fc"\] is not an LRP rule; use new EpsilonRule\(\)/,
    );
  });

  it('refuses a plain function model (no nodes for rules)', () => {
    expect(() => new LRP((x: tf.Tensor) => tf.sum(x, 1, true))).toThrow(
      /a plain function has none/,
    );
  });
});
