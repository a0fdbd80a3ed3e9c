import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { endsInSoftmax } from './ends-in-softmax.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const dense = (activation?: 'softmax' | 'relu') =>
  tfl.layers.dense({ units: 3, inputShape: [2], ...(activation ? { activation } : {}) });

describe('endsInSoftmax(model)', () => {
  it('is true for a last Dense or Activation set to softmax, or a Softmax layer', () => {
    expect(endsInSoftmax(tfl.sequential({ layers: [dense('softmax')] }))).toBe(true);
    expect(
      endsInSoftmax(
        tfl.sequential({ layers: [dense(), tfl.layers.activation({ activation: 'softmax' })] }),
      ),
    ).toBe(true);
    expect(endsInSoftmax(tfl.sequential({ layers: [dense(), tfl.layers.softmax()] }))).toBe(true);
  });

  it('is false for logits, and for softmax anywhere but last', () => {
    expect(endsInSoftmax(tfl.sequential({ layers: [dense()] }))).toBe(false);
    expect(
      endsInSoftmax(tfl.sequential({ layers: [dense('softmax'), tfl.layers.dense({ units: 2 })] })),
    ).toBe(false);
  });

  it("looks into a model nested last, and reads a functional model's output layer", () => {
    const head = tfl.sequential({ layers: [dense('relu'), tfl.layers.softmax()] });
    expect(endsInSoftmax(tfl.sequential({ layers: [head] }))).toBe(true);
    const input = tfl.input({ shape: [2] });
    const out = tfl.layers
      .dense({ units: 2, activation: 'softmax' })
      .apply(input) as tfl.SymbolicTensor;
    expect(endsInSoftmax(tfl.model({ inputs: input, outputs: out }))).toBe(true);
  });
});
