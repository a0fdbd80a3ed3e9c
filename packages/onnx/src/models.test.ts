import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import { modelWithRandomWeights, TEST_MODELS } from './test-external-data.js';
import { ortRun, randomNormal } from './test-onnx-builder.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** max |ours - oracle| / max |oracle|: the relative error of a whole output. */
function relativeToScale(ours: ArrayLike<number>, oracle: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < oracle.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i]! - oracle[i]!));
    scale = Math.max(scale, Math.abs(oracle[i]!));
  }
  return ours.length === oracle.length ? diff / scale : Infinity;
}

async function compare(path: string, dims: number[]) {
  const input = randomNormal(
    dims.reduce((a, b) => a * b, 1),
    42,
  );
  const oracle = await ortRun(path, input, dims);
  // Load, run and dispose inside the leak check: the model's weights and cached filters are its own.
  const ours = await expectNoLeakedTensors(async () => {
    const model = await loadOnnxModel(path);
    const y = tf.tidy(() => model.predict(tf.tensor(input, dims)));
    const data = await y.data();
    const shape = [...y.shape];
    y.dispose();
    model.dispose();
    return { data, shape };
  });
  return { ours, oracle, error: relativeToScale(ours.data, oracle.data) };
}

describe('whole PyTorch exports match onnxruntime', () => {
  it('a torch MLP with GELU (opset 13, inline weights)', async () => {
    const { ours, oracle, error } = await compare(join(TEST_MODELS, 'mlp.onnx'), [4, 8]);
    expect(ours.shape).toEqual([4, 3]);
    expect(oracle.dims).toEqual([4, 3]);
    expect(error).toBeLessThan(1e-4);
  });

  it('a small CNN: conv, BN, ReLU6, depthwise, pools (opset 11)', async () => {
    const { ours, error } = await compare(join(TEST_MODELS, 'small-cnn.onnx'), [2, 3, 8, 8]);
    expect(ours.shape).toEqual([2, 5]);
    expect(error).toBeLessThan(1e-4);
  });

  it('ResNet-18 from torchvision with external data (opset 13), batch 2', async () => {
    const path = await modelWithRandomWeights('resnet18.onnx', 1);
    const { ours, error } = await compare(path, [2, 3, 224, 224]);
    expect(ours.shape).toEqual([2, 1000]);
    expect(error).toBeLessThan(1e-4);
  });

  it('MobileNetV2 from torchvision with external data (opset 11), batch 1', async () => {
    const path = await modelWithRandomWeights('mobilenet_v2.onnx', 2);
    const { ours, error } = await compare(path, [1, 3, 224, 224]);
    expect(ours.shape).toEqual([1, 1000]);
    expect(error).toBeLessThan(1e-4);
  });

  it('ResNet-18 graph: module paths, params, inferred shapes, layout', async () => {
    const path = await modelWithRandomWeights('resnet18.onnx', 1);
    const model = await loadOnnxModel(path);
    try {
      expect(model.kind).toBe('onnx');
      expect(model.layout).toBe('NCHW');
      expect(model.inputShape).toEqual([null, 3, 224, 224]);
      expect(model.outputShape).toEqual([null, 1000]);
      const layer4 = model.findNode('layer4');
      expect(layer4.modulePath?.startsWith('layer4.1')).toBe(true);
      expect(layer4.outputShape).toEqual([null, 512, 7, 7]);
      const conv1 = model.findNode('/conv1/Conv');
      // 64 x 3 x 7 x 7 weights + 64 biases (BN folded into the conv by the export)
      expect(conv1.params).toBe(64 * 3 * 7 * 7 + 64);
      expect(conv1.outputShape).toEqual([null, 64, 112, 112]);
      // torchvision's ResNet-18 has 11,689,512 parameters (BN's 2 x 4800 running stats are not parameters but the
      // folded biases replace BN's weight and bias, so the count drops by those: checked below by the sum).
      const total = model.nodes.reduce((s, n) => s + n.params, 0);
      expect(total).toBeGreaterThan(11_600_000);
      expect(model.findNode('fc').op).toBe('Gemm');
    } finally {
      model.dispose();
    }
  });

  it('the committed graphs stay small (weights live in the external data file)', async () => {
    for (const name of ['resnet18.onnx', 'mobilenet_v2.onnx']) {
      expect((await readFile(join(TEST_MODELS, name))).byteLength).toBeLessThan(100_000);
    }
  });
});
