// LRP and LayerLRP against every case Captum 0.8 recorded for them (test-fixtures/captum):
// default rules, explicit Epsilon/Gamma/Alpha1-Beta0/Identity rules per module, layer output
// and layer input relevance; float32 here vs Captum's float64, within 2e-3 of the largest value.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type CaptumModelName, captumTensor, loadedCaptumModels } from './test-captum-cases.js';
import { expectLrpCase, runLrpCase } from './test-lrp-cases.js';

// Captum's test_lrp.py rule cases (SimpleLRPModel with one weight -2): not in the shared list.
const simpleLrpNeg = 'toy/simple-lrp-neg' as CaptumModelName;
// Average pooling and dropout (EpsilonRule, pass-through) in a small CNN.
const avgPoolCnn = 'toy/avgpool-cnn' as CaptumModelName;
const names: readonly CaptumModelName[] = [
  'rescnn',
  'mlp',
  'mlp-softmax',
  'toy/simple-lrp',
  simpleLrpNeg,
  avgPoolCnn,
  'toy/multilayer',
  'toy/relu-linear',
];
const models = loadedCaptumModels(names);

describe.each(names)('LRP and LayerLRP on %s equal Captum 0.8', (name) => {
  it('every recorded case, with its delta', async () => {
    const { graph, file } = models.get(name)!;
    const cases = file.cases.filter((c) => c.method === 'LRP' || c.method === 'LayerLRP');
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const x = captumTensor(c.inputs ?? file.inputs);
      try {
        const result = await runLrpCase(graph, x, c);
        try {
          await expectLrpCase(result, c.expected, c.delta);
        } catch (e) {
          throw new Error(`case ${c.name}: ${(e as Error).message}`);
        } finally {
          tf.dispose([result.attributions, result.delta]);
        }
      } finally {
        x.dispose();
      }
    }
  });
});
