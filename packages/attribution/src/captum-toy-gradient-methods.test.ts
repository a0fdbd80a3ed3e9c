// The gradient-rule methods on Captum's own unit-test toy models (fixed weights: ReLU nets where
// DeepLift's rescale rule is exact, a Tanh net, a multi-layer net) against the numbers Captum 0.8
// gives on them (test-fixtures/captum/toy), plus DeepLift's completeness on each.
import type { ModelGraph } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DeepLift } from './deep-lift.js';
import { DeepLiftShap } from './deep-lift-shap.js';
import { GuidedBackprop } from './guided-backprop.js';
import { LRP } from './lrp.js';
import { Saliency } from './saliency.js';
import {
  attributionsAndDelta,
  type CaptumCase,
  captumCase,
  captumTensor,
  expectCloseToCaptum,
  loadedCaptumModels,
} from './test-captum-cases.js';

const toys = [
  'toy/multilayer',
  'toy/relu-linear',
  'toy/relu-deeplift',
  'toy/tanh-deeplift',
] as const;
const models = loadedCaptumModels(toys);

/** Every primary case of `method` in a toy's file, run through `attribute` and compared. */
async function compare(
  name: (typeof toys)[number],
  method: string,
  attribute: (graph: ModelGraph, x: tf.Tensor, c: CaptumCase) => Promise<unknown>,
): Promise<number> {
  const { graph, file } = models.get(name)!;
  const cases = file.cases.filter((c) => c.method === method && c.kind === 'primary');
  for (const c of cases) {
    const x = captumTensor(c.inputs ?? file.inputs);
    const result = await attribute(graph, x, c);
    const { attributions, delta } = attributionsAndDelta(result);
    await expectCloseToCaptum(attributions, c.expected);
    if (c.delta && delta) {
      const scale = Math.max(...c.expected.values.map(Math.abs));
      const d = await delta.data();
      for (let i = 0; i < d.length; i++) {
        expect(Math.abs(d[i]! - c.delta.values[i]!)).toBeLessThan(2e-3 * scale + 1e-5);
      }
    }
    tf.dispose([x, attributions, delta as tf.Tensor]);
  }
  return cases.length;
}

const target = (c: CaptumCase) => c.attribute.target as number;

describe.each(toys)('Captum toy model %s', (name) => {
  it('DeepLift (and its convergence delta), DeepLiftShap, Saliency, GuidedBackprop, LRP equal Captum', async () => {
    let count = 0;
    count += await compare(name, 'DeepLift', (g, x, c) => {
      const multiplyByInputs = (c.constructor.multiply_by_inputs as boolean | undefined) ?? true;
      const baselines = c.attribute.baselines;
      return new DeepLift(g, { multiplyByInputs }).attribute(x, {
        target: target(c),
        baselines: typeof baselines === 'number' ? baselines : undefined,
        returnConvergenceDelta: c.attribute.return_convergence_delta === true,
      });
    });
    count += await compare(name, 'DeepLiftShap', async (g, x, c) => {
      const baselines = captumTensor(c.attribute.baselines as CaptumCase['expected']);
      const out = await new DeepLiftShap(g).attribute(x, { target: target(c), baselines });
      baselines.dispose();
      return out;
    });
    count += await compare(name, 'Saliency', (g, x, c) =>
      new Saliency(g).attribute(x, { target: target(c) }),
    );
    count += await compare(name, 'GuidedBackprop', (g, x, c) =>
      new GuidedBackprop(g).attribute(x, { target: target(c) }),
    );
    count += await compare(name, 'LRP', (g, x, c) =>
      new LRP(g).attribute(x, {
        target: target(c),
        returnConvergenceDelta: c.attribute.return_convergence_delta === true,
      }),
    );
    expect(count).toBeGreaterThan(0);
  });

  it("DeepLift is complete: each item's attributions sum to f(x) - f(0) (delta ~ 0)", async () => {
    const { graph, file } = models.get(name)!;
    const x = captumTensor(file.inputs);
    const { attributions, delta } = await new DeepLift(graph).attribute(x, {
      target: 0,
      returnConvergenceDelta: true,
    });
    const scale = Math.max(...(await tf.abs(attributions).data()));
    for (const d of await delta.data()) expect(Math.abs(d)).toBeLessThan(1e-4 * scale + 1e-6);
    tf.dispose([x, attributions, delta]);
  });
});

it('the toy cases exist (so a renamed case cannot skip silently)', () => {
  expect(captumCase(models.get('toy/relu-deeplift')!.file, 'deeplift').method).toBe('DeepLift');
});
