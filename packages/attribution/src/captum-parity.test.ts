// The Captum reference models load through @interp/onnx and compute PyTorch's logits: the
// precondition for comparing any attribution with the recorded Captum numbers. The recorded
// IG and DeepLift cases are also checked against our forward pass through completeness, which
// ties each case's attributions, target and baselines to the committed model.
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CaptumCase,
  type CaptumCaseFile,
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

  // Every model but simple-lrp (LRP cases only) has IG and DeepLift cases with deltas.
  for (const name of captumModelNames.filter((m) => m !== 'toy/simple-lrp')) {
    it(`${name}: IG and DeepLift cases satisfy completeness on our forward pass`, async () => {
      const file = await readCaptumCases(name);
      const model = await loadOnnxModel(captumFixturePath(file.model));
      const cases = file.cases.filter(
        (c) =>
          c.kind === 'primary' &&
          c.delta !== undefined &&
          (c.method === 'IntegratedGradients' || c.method === 'DeepLift'),
      );
      expect(cases.length).toBeGreaterThanOrEqual(2);
      // Float32 forward passes of scores up to ~400 (toy/multilayer): 5e-4 absolute.
      for (const c of cases) {
        const gap = await scoreGap(model, file, c);
        const n = file.inputs.shape[0]!;
        const itemSize = c.expected.values.length / n;
        for (let i = 0; i < n; i++) {
          const sum = c.expected.values
            .slice(i * itemSize, (i + 1) * itemSize)
            .reduce((a, b) => a + b, 0);
          // Captum's delta is sum(attributions) - (F(x)[t] - F(baseline)[t]).
          expect(sum - c.delta!.values[i]!, `${c.name} item ${i}`).toBeCloseTo(gap[i]!, 3);
        }
      }
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

/** F(x)[t] - F(baseline)[t] per item, on our forward pass, for a case's target and baselines. */
async function scoreGap(
  model: { predict(x: tf.Tensor): tf.Tensor },
  file: CaptumCaseFile,
  c: CaptumCase,
): Promise<number[]> {
  const x = captumTensor(file.inputs);
  const given = c.attribute.baselines;
  const b = given === undefined ? tf.zerosLike(x) : captumTensor(given as never);
  const [fx, fb] = tf.tidy(() => [model.predict(x), model.predict(b)]);
  const [yx, yb] = [await fx!.data(), await fb!.data()];
  tf.dispose([x, b, fx!, fb!]);
  const n = file.inputs.shape[0]!;
  const classes = yx.length / n;
  const target = c.attribute.target as number | number[];
  return Array.from({ length: n }, (_, i) => {
    const t = typeof target === 'number' ? target : target[i]!;
    return yx[i * classes + t]! - yb[i * classes + t]!;
  });
}
