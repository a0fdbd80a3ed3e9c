// The Captum reference models load through @interp/onnx and compute PyTorch's logits: the
// precondition for comparing any attribution with the recorded Captum numbers.
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  captumCase,
  captumFixturePath,
  captumModelNames,
  captumTensor,
  expectCloseToCaptum,
  readCaptumCases,
} from './test-captum-cases.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('Captum reference cases', () => {
  for (const name of captumModelNames) {
    it(`${name}.onnx run by @interp/onnx gives PyTorch's float64 logits within 1e-4`, async () => {
      const file = await readCaptumCases(name);
      const model = await loadOnnxModel(captumFixturePath(file.model));
      // The first run caches per-node constants (transposed conv filters) that the model owns.
      tf.dispose(tf.tidy(() => model.predict(captumTensor(file.inputs))));
      await expectNoLeakedTensors(async () => {
        const x = captumTensor(file.inputs);
        const y = tf.tidy(() => model.predict(x));
        expect(y.shape).toEqual(file.logits.shape);
        const got = await y.data();
        const diff = Math.max(...file.logits.values.map((v, i) => Math.abs(v - got[i]!)));
        expect(diff).toBeLessThan(1e-4);
        tf.dispose([x, y]);
      });
      model.dispose();
    });
  }

  it('captumCase(file, name) names the available cases when the name is unknown', async () => {
    const file = await readCaptumCases('mlp');
    expect(captumCase(file, 'ig').method).toBe('IntegratedGradients');
    expect(() => captumCase(file, 'no-such-case')).toThrow(
      /no Captum case 'no-such-case'.*cases: /,
    );
  });

  it('expectCloseToCaptum(actual, expected) fails outside 2e-3 of the largest value', async () => {
    const expected = { shape: [2], values: [1, -0.5] };
    await expectCloseToCaptum(Float32Array.of(1.0015, -0.5), expected);
    await expect(expectCloseToCaptum(Float32Array.of(1, -0.503), expected)).rejects.toThrow(
      /element 1/,
    );
  });
});
