// LayerLRP: Captum's test_layer_lrp.py identity (the relevance at linear2's input is linear's
// output relevance), the residual block's add (its output relevance split between the summands
// in proportion to each one's share of the sum), bad input and leaks. The Captum-recorded layer
// cases are in lrp-captum.test.ts and lrp-layers-model.test.ts.
import { InterpError, type ModelGraph, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GammaRule } from './internal/lrp-rule.js';
import { LayerLRP } from './layer-lrp.js';
import { captumFixturePath } from './test-captum-cases.js';

let toy: ModelGraph;
let rescnn: ModelGraph;

beforeAll(async () => {
  await setupBackend('wasm');
  toy = await loadOnnxModel(captumFixturePath('toy/simple-lrp-neg.onnx'));
  rescnn = await loadOnnxModel(captumFixturePath('rescnn.onnx'));
});

afterAll(() => {
  toy.dispose();
  rescnn.dispose();
});

const values = async (t: tf.Tensor) => Array.from(await t.data());

describe('LayerLRP(model, { layer, attributeToLayerInput })', () => {
  it("at linear2's input equals linear's output: [24, 36, 36] on [1, 2, 3], delta 0 (Captum's test)", async () => {
    // z = [8, 12, 12] (ReLU keeps them), output 96: linear2's epsilon rule gives a_k 3 / 96 x 96.
    const x = tf.tensor2d([[1, 2, 3]]);
    const upper = await new LayerLRP(toy, {
      layer: 'linear2',
      attributeToLayerInput: true,
    }).attribute(x, { target: 0, returnConvergenceDelta: true });
    const lower = await new LayerLRP(toy, { layer: 'linear' }).attribute(x, { target: 0 });
    expect(upper.attributions.shape).toEqual([1, 3]);
    expect(await values(upper.attributions)).toEqual([24, 36, 36].map((v) => expect.closeTo(v, 3)));
    expect(await values(lower)).toEqual([24, 36, 36].map((v) => expect.closeTo(v, 3)));
    expect(Math.abs((await upper.delta.data())[0]!)).toBeLessThan(1e-4);
    tf.dispose([x, upper.attributions, upper.delta, lower]);
  });

  it("splits the residual add's relevance between its summands by their share: R_y = y R / (y + x)", async () => {
    const x = tf.randomUniform([2, 3, 8, 8], -1, 1, 'float32', 3);
    const target = [0, 2];
    const add = await new LayerLRP(rescnn, { layer: 'block.add' }).attribute(x, { target });
    const summand = await new LayerLRP(rescnn, {
      layer: 'block.add',
      attributeToLayerInput: true,
    }).attribute(x, { target });
    const bn2 = await new LayerLRP(rescnn, { layer: 'block.bn2' }).attribute(x, { target });
    const { taps } = rescnn.run(x, { taps: ['block.bn2', 'pool'] });
    const y = taps['block.bn2']!;
    const sum = tf.add(y, taps.pool!);
    const share = tf.div(tf.mul(y, add), tf.add(sum, tf.mul(tf.sign(sum), 1e-9)));
    const scale = (await tf.max(tf.abs(add)).data())[0]!;
    for (const r of [summand, bn2]) {
      const err = (await tf.max(tf.abs(tf.sub(r, share))).data())[0]!;
      expect(err).toBeLessThan(1e-4 * scale);
    }
    tf.dispose([x, add, summand, bn2, y, taps.pool!, sum, share]);
  });

  it("the residual block's input relevance sums both paths: block.conv1's input is pool's output", async () => {
    const x = tf.randomUniform([2, 3, 8, 8], -1, 1, 'float32', 4);
    const rules = { 'block.conv1': new GammaRule() };
    const input = await new LayerLRP(rescnn, {
      layer: 'block.conv1',
      attributeToLayerInput: true,
      rules,
    }).attribute(x, { target: 1 });
    const pool = await new LayerLRP(rescnn, { layer: 'pool', rules }).attribute(x, { target: 1 });
    const err = (await tf.max(tf.abs(tf.sub(input, pool))).data())[0]!;
    expect(err).toBeLessThan(1e-6);
    await expectNoLeakedTensors(() =>
      new LayerLRP(rescnn, { layer: 'block.conv2', rules }).attribute(x, {
        target: 1,
        returnConvergenceDelta: true,
      }),
    );
    tf.dispose([x, input, pool]);
  });

  it('refuses a layer without a rule, a missing layer and an unknown one', () => {
    expect(() => new LayerLRP(rescnn, { layer: 'block.relu1' })).toThrow(InterpError);
    expect(() => new LayerLRP(rescnn, { layer: 'block.relu1' })).toThrow(
      /layer "block.relu1" is node "\/block\/relu1\/Relu" \(Relu\), which has no LRP rule/,
    );
    expect(() => new LayerLRP(rescnn, {} as { layer: string })).toThrow(
      /layer must be a layer name or module path/,
    );
    expect(() => new LayerLRP(rescnn, { layer: 'block.nope' })).toThrow(/no node or layer named/);
    expect(() => new LayerLRP(rescnn, { layer: 'fc', rules: { nope: new GammaRule() } })).toThrow(
      /rules names "nope"/,
    );
  });
});
