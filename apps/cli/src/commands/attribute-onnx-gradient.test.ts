// `interp attribute --method ig` on an ONNX model takes the model's own tape-free input gradient
// (OnnxModel.inputGradient, through core's targetInputGradient), and its attributions equal
// Integrated Gradients written out by hand with tf.grad on the same model.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { encodeNpy } from '@interp/data';
import { loadOnnxModel, OnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runMain } from '../test-main.js';

const onnxDir = dirname(createRequire(import.meta.url).resolve('@interp/onnx/package.json'));
const STEPS = 4;
let dir: string;
let image: Float32Array;

beforeAll(async () => {
  await setupBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'interp-cli-onnx-ig-'));
  // small-cnn: [N, 3, 8, 8] -> 5 classes (a torch export: Conv, Relu, pooling, Gemm).
  copyFileSync(join(onnxDir, 'test-models', 'small-cnn.onnx'), join(dir, 'cnn.onnx'));
  image = Float32Array.from({ length: 2 * 3 * 8 * 8 }, (_, i) => Math.sin(0.37 * i));
  writeFileSync(join(dir, 'x.npy'), encodeNpy(image, [2, 3, 8, 8]));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** x * (1/S) sum_{k=1..S} grad F_t(k/S x): IG from a zero baseline, right Riemann sum. */
async function handIntegratedGradients(targets: number[]): Promise<Float32Array> {
  const model = await loadOnnxModel(join(dir, 'cnn.onnx'));
  const result = tf.tidy(() => {
    const x = tf.tensor4d(image, [2, 3, 8, 8]);
    const mask = tf.cast(tf.oneHot(targets, 5), 'float32');
    let total = tf.zerosLike(x);
    for (let k = 1; k <= STEPS; k++) {
      const score = (z: tf.Tensor) => tf.sum(tf.mul(model.predict(z), mask));
      total = tf.add(total, tf.grad(score)(tf.mul(x, k / STEPS)));
    }
    return tf.mul(x, tf.div(total, STEPS));
  });
  const data = (await result.data()) as Float32Array;
  result.dispose();
  model.dispose();
  return data;
}

describe('interp attribute --model file.onnx --method ig', () => {
  it("runs the ONNX model's own input gradient and equals IG by hand with tf.grad", async () => {
    const spy = vi.spyOn(OnnxModel.prototype, 'inputGradient');
    try {
      const args = ['--method', 'ig', '--n-steps', String(STEPS), '--ig-method', 'riemann_right'];
      const r = await expectNoLeakedTensors(() =>
        runMain(['attribute', '--model', 'cnn.onnx', '--input', 'x.npy', ...args, '--json'], dir),
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(spy).toHaveBeenCalled();
      const out = JSON.parse(r.stdout);
      const want = await handIntegratedGradients(out.target);
      const got = (out.attributions as number[][][][]).flat(3);
      const scale = Math.max(...want.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      expect(got).toHaveLength(want.length);
      for (const [i, v] of got.entries()) expect(Math.abs(v - want[i]!)).toBeLessThan(1e-5 * scale);
    } finally {
      spy.mockRestore();
    }
  });

  it('exits 2 with one line for an input the ONNX model cannot take', async () => {
    writeFileSync(join(dir, 'wrong.npy'), encodeNpy(new Float32Array(2 * 8 * 8 * 3), [2, 8, 8, 3]));
    const r = await runMain(
      ['attribute', '--model', 'cnn.onnx', '--input', 'wrong.npy', '--method', 'ig'],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^interp attribute: wrong\.npy has shape \[2, 8, 8, 3\]/);
  });
});
