import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceOutput, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import type { OnnxModel } from './onnx-model.js';
import { onnx } from './onnx-proto.js';
import { TEST_MODELS } from './test-external-data.js';

let cnn: OnnxModel;
const x = () => tf.randomNormal([2, 3, 8, 8], 0, 1, 'float32', 5);

beforeAll(async () => {
  await setupBackend('wasm');
  cnn = await loadOnnxModel(join(TEST_MODELS, 'small-cnn.onnx'));
  // Static shapes come from dry runs on first access: done here, out of the counted runs.
  cnn.nodes;
});
afterAll(() => cnn.dispose());

/** The convolution kernels tfjs runs for f; with `fromInput`, those reading the 3-channel input. */
async function convKernels(f: () => tf.Tensor, fromInput = false): Promise<number> {
  const info = await tf.profile(() => tf.tidy(f));
  const readsInput = (shape: number[] | undefined) =>
    (shape ?? []).join(',') === '2,8,8,3' || (shape ?? []).join(',') === '2,3,8,8';
  return info.kernels.filter(
    (k) => /conv2d$/i.test(k.name) && (!fromInput || readsInput(k.inputShapes[0])),
  ).length;
}

describe('OnnxModel run with replaceOutput hooks', () => {
  it('skips the replaced node and the nodes only it needs; the head gives fc.bias on zeros', async () => {
    const proto = onnx.ModelProto.decode(await readFile(join(TEST_MODELS, 'small-cnn.onnx')));
    const bias = proto.graph!.initializer!.find((t) => t.name === 'fc.bias')!;
    const expected = [...new Float32Array(new Uint8Array(bias.rawData!).buffer)];
    const input = x();
    const zeros = tf.zeros([2, 8, 1, 1]);
    const full = await convKernels(() => cnn.predict(input));
    expect(full).toBeGreaterThan(1);
    expect(await convKernels(() => cnn.run(input, { hooks: { gap: () => zeros } }).output)).toBe(
      full,
    );
    expect(
      await convKernels(() => cnn.run(input, { hooks: { gap: replaceOutput(zeros) } }).output),
    ).toBe(0);
    const out = tf.tidy(
      () =>
        cnn.run(input, { hooks: { gap: replaceOutput(zeros) } }).output.arraySync() as number[][],
    );
    for (const row of out)
      for (const [i, v] of row.entries()) expect(v).toBeCloseTo(expected[i]!, 6);
    tf.dispose([input, zeros]);
  });

  it('feeding a node its own output back gives predict exactly, without the first convolution', async () => {
    const input = x();
    const relu1 = tf.tidy(() => cnn.run(input, { taps: ['relu1'] }).taps.relu1!);
    expect(await convKernels(() => cnn.predict(input), true)).toBe(1);
    const head = () => cnn.run(input, { hooks: { relu1: replaceOutput(relu1) } }).output;
    expect(await convKernels(head, true)).toBe(0);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(head(), cnn.predict(input)))).dataSync()[0]);
    expect(diff).toBe(0);
    tf.dispose([input, relu1]);
  });

  it('rejects a replacement of the wrong shape; leaks no tensors', async () => {
    const input = x();
    const wrong = tf.zeros([2, 8]);
    const zeros = tf.zeros([2, 8, 1, 1]);
    expect(() => cnn.run(input, { hooks: { gap: replaceOutput(wrong) } })).toThrowError(
      /"\/gap\/GlobalAveragePool" returned shape \[2, 8\] for an output of shape \[N, 8, 1, 1\]/,
    );
    await expectNoLeakedTensors(() =>
      tf.tidy(() => cnn.run(input, { hooks: { gap: replaceOutput(zeros) } }).output),
    );
    tf.dispose([input, wrong, zeros]);
  });
});
