import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { layersModelGraph, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
// @interp/onnx is not a dependency of @interp/debug; its source is imported for the oracle test only.
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hookGraphOutputs } from './graph-hook-outputs.js';
import { hookOutputs } from './hook-outputs.js';
import { identityThenDeadModel, interpError, X3 } from './test-models.js';

const MLP_ONNX = fileURLToPath(new URL('../../onnx/test-models/mlp.onnx', import.meta.url));
const EXPECTED = JSON.parse(
  readFileSync(new URL('../test-data/onnx-mlp-activation-stats.json', import.meta.url), 'utf8'),
) as { nodes: Record<string, { mean: number; std: number }[]> };

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('hookOutputs(graph, nodes) / hookGraphOutputs(graph, nodes)', () => {
  it('stores each hooked node output of the last run: identity = x, dead = 0, leaking nothing', async () => {
    const model = identityThenDeadModel();
    const graph = layersModelGraph(model);
    const x = tf.tensor2d(X3, [3, 2]);
    await expectNoLeakedTensors(async () => {
      const hooks = hookOutputs(graph, ['identity', 'dead']);
      expect(hooks.nodes.map((n) => n.name)).toEqual(['identity', 'dead']);
      expect(hooks.get('identity')).toBeUndefined();
      tf.dispose(hooks.run(x));
      tf.dispose(hooks.run(x));
      expect(Array.from(await hooks.get('identity')!.data())).toEqual(Array.from(X3));
      expect(Array.from(await hooks.get(1)!.data())).toEqual([0, 0, 0, 0, 0, 0]);
      expect(hooks.stored).toHaveLength(2);
      hooks.remove();
      hooks.remove();
      expect(hooks.get('dead')).toBeUndefined();
    });
    x.dispose();
    model.dispose();
  });

  it("on an ONNX export, the ReLU node's output has numpy's mean and std", async () => {
    const mlp = await loadOnnxModel(MLP_ONNX);
    const x = tf.tensor2d(
      Float32Array.from({ length: 32 }, (_, k) => 2 * Math.sin(0.37 * k)),
      [4, 8],
    );
    try {
      // The first run caches weight layouts for the model's lifetime (freed by dispose).
      tf.dispose(mlp.predict(x));
      await expectNoLeakedTensors(async () => {
        const hooks = hookOutputs(mlp, ['/act1/Relu']);
        tf.dispose(hooks.run(x));
        const relu = hooks.get('/act1/Relu')!;
        expect(relu.shape).toEqual([4, 16]);
        const want = EXPECTED.nodes['/act1/Relu']![0]!;
        const mean = tf.mean(relu);
        expect((await mean.data())[0]).toBeCloseTo(want.mean, 5);
        mean.dispose();
        expect(hookGraphOutputs(mlp).nodes).toHaveLength(mlp.nodes.length);
        hooks.remove();
      });
    } finally {
      x.dispose();
      mlp.dispose();
    }
  });

  it('rejects unknown nodes, bad indices and runs after remove() with an InterpError', () => {
    const model = identityThenDeadModel();
    const graph = layersModelGraph(model);
    expect(() => hookOutputs(graph, ['nope'])).toThrow(interpError(/nope/));
    expect(() => hookOutputs(graph, [5])).toThrow(interpError(/node index 5 is out of range/));
    expect(() => hookOutputs(graph, [], { detach: 1 as never })).toThrow(
      interpError(/invalid detach/),
    );
    const hooks = hookOutputs(graph, ['dead']);
    expect(() => hooks.get('identity')).toThrow(interpError(/"identity" is not hooked/));
    hooks.remove();
    expect(() => hooks.run(tf.zeros([1, 2]))).toThrow(interpError(/hooks were removed/));
    model.dispose();
  });
});
