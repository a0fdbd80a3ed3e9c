import { type ModelGraph, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { DeepLift } from '../deep-lift.js';
import type { DeepLiftShap } from '../deep-lift-shap.js';
import type { GradientShap } from '../gradient-shap.js';
import type { AttributionsWithDelta, IntegratedGradients } from '../integrated-gradients.js';
import type { LayerLRP } from '../layer-lrp.js';
import { LRP } from '../lrp.js';
import { captumFixturePath } from '../test-captum-cases.js';
import { type DeltaAttributeOptions, DeltaAttribution } from './delta-attribution.js';

/** Records the options it is given and answers with a tensor, or a pair when a delta is asked. */
class Recorder extends DeltaAttribution<DeltaAttributeOptions> {
  seen: DeltaAttributeOptions[] = [];
  protected async attributeOrDelta(x: tf.Tensor, options: DeltaAttributeOptions) {
    this.seen.push(options);
    const attributions = tf.mul(x, 2);
    if (!options.returnConvergenceDelta) return attributions;
    return { attributions, delta: tf.zeros([x.shape[0]!]) as tf.Tensor1D };
  }
}

let toy: ModelGraph;

beforeAll(async () => {
  await setupBackend('wasm');
  toy = await loadOnnxModel(captumFixturePath('toy/simple-lrp-neg.onnx'));
});

afterAll(() => toy.dispose());

describe('DeltaAttribution', () => {
  it('attribute(x) passes {} and resolves to the method tensor', async () => {
    const m = new Recorder();
    const x = tf.tensor2d([[1, 2]]);
    const attr = await m.attribute(x);
    expect(m.seen).toEqual([{}]);
    expect(Array.from(attr.dataSync())).toEqual([2, 4]);
    tf.dispose([x, attr]);
  });

  it('attribute(x, { returnConvergenceDelta: true }) resolves to { attributions, delta }', async () => {
    const x = tf.tensor2d([[1, 2]]);
    const { attributions, delta } = await new Recorder().attribute(x, {
      returnConvergenceDelta: true,
    });
    expect(delta.shape).toEqual([1]);
    tf.dispose([x, attributions, delta]);
  });

  it('leaks no tensors with or without a delta (LRP frees the delta it computes anyway)', async () => {
    const x = tf.tensor2d([[1, 2, 3]]);
    const lrp = new LRP(toy);
    await expectNoLeakedTensors(() => lrp.attribute(x, { target: 0 }));
    await expectNoLeakedTensors(() =>
      lrp.attribute(x, { target: 0, returnConvergenceDelta: true }),
    );
    await expectNoLeakedTensors(() => new Recorder().attribute(x));
    const alone = await lrp.attribute(x, { target: 0 });
    const both = await lrp.attribute(x, { target: 0, returnConvergenceDelta: true });
    expect(Array.from(alone.dataSync())).toEqual(Array.from(both.attributions.dataSync()));
    tf.dispose([x, alone, both.attributions, both.delta]);
  });

  it('keeps each method’s public overloads (a delta only when asked; baselines required where they were)', () => {
    // Types only (checked by the package's typecheck): nothing is constructed.
    const x = {} as tf.Tensor;
    expectTypeOf<IntegratedGradients['attribute']>().toBeCallableWith(x);
    type Lrp = LRP['attribute'];
    expectTypeOf<ReturnType<Lrp>>().toEqualTypeOf<Promise<tf.Tensor>>();
    const lrp = {} as LRP;
    const withDelta = () => lrp.attribute(x, { target: 0, returnConvergenceDelta: true });
    expectTypeOf<ReturnType<typeof withDelta>>().toEqualTypeOf<Promise<AttributionsWithDelta>>();
    const plain = () => lrp.attribute(x, { returnConvergenceDelta: false });
    expectTypeOf<ReturnType<typeof plain>>().toEqualTypeOf<Promise<tf.Tensor>>();
    expectTypeOf<ReturnType<LayerLRP['attribute']>>().toEqualTypeOf<Promise<tf.Tensor>>();
    // @ts-expect-error GradientShap's baselines are required
    expectTypeOf<GradientShap['attribute']>().toBeCallableWith(x);
    expectTypeOf<GradientShap['attribute']>().toBeCallableWith(x, { baselines: x });
    // @ts-expect-error DeepLiftShap's baselines are required
    expectTypeOf<DeepLiftShap['attribute']>().toBeCallableWith(x);
    // @ts-expect-error DeepLift has no nSteps
    expectTypeOf<DeepLift['attribute']>().toBeCallableWith(x, { nSteps: 3 });
  });
});
