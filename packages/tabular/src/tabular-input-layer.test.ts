import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTabularLayers, tabularInputLayer } from './tabular-input-layer.js';
import { interpErrorOfSync } from './test-helpers.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

function modelWith(config: Parameters<typeof tabularInputLayer>[0], f: number) {
  const input = tfl.input({ shape: [f] });
  const out = tabularInputLayer(config).apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

describe('tabularInputLayer(config)', () => {
  it('one-hot: each code becomes a one-hot vector, continuous columns follow; unknown codes read as 0', async () => {
    const m = modelWith({ cardinalities: [3, 2], embeddingSizes: null, nCont: 1 }, 3);
    const x = tf.tensor2d([
      [2, 1, 0.5],
      [0, 0, -1],
      [7, 1, 2], // code 7 is outside 0..2: #na#
    ]);
    const y = m.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 6]);
    expect(await y.array()).toEqual([
      [0, 0, 1, 0, 1, 0.5],
      [1, 0, 0, 1, 0, -1],
      [1, 0, 0, 0, 1, 2],
    ]);
    tf.dispose([x, y]);
  });

  it("embedding: row `code` of each column's weight matrix, then the continuous values", async () => {
    const m = modelWith({ cardinalities: [3, 2], embeddingSizes: [2, 1], nCont: 2 }, 4);
    // Weights set by hand: E0 rows (code 0..2) and E1 rows.
    m.setWeights([
      tf.tensor2d([
        [0, 0],
        [1, 2],
        [3, 4],
      ]),
      tf.tensor2d([[5], [6]]),
    ]);
    const x = tf.tensor2d([
      [2, 1, 0.25, 9],
      [1, 0, -1, 0],
    ]);
    const y = m.apply(x) as tf.Tensor;
    expect(await y.array()).toEqual([
      [3, 4, 6, 0.25, 9],
      [1, 2, 5, -1, 0],
    ]);
    tf.dispose([x, y]);
    await expectNoLeakedTensors(() => {
      const t = tf.tensor2d([[1, 1, 0, 0]]);
      const out = m.apply(t) as tf.Tensor;
      t.dispose();
      return out;
    });
  });

  it('trains its embeddings on WASM (gradients through one-hot matmul)', async () => {
    const m = modelWith({ cardinalities: [2], embeddingSizes: [1], nCont: 0, seed: 3 }, 1);
    const x = tf.tensor2d([[0], [1]]);
    const target = tf.tensor2d([[-1], [2]]);
    const opt = tf.train.sgd(0.5);
    for (let i = 0; i < 50; i++) {
      opt.minimize(
        () => tf.mean(tf.squaredDifference(m.apply(x) as tf.Tensor, target)) as tf.Scalar,
      );
    }
    expect((await m.getWeights()[0]!.array()) as number[][]).toEqual([
      [expect.closeTo(-1, 3)],
      [expect.closeTo(2, 3)],
    ]);
    tf.dispose([x, target]);
    opt.dispose();
  });

  it('survives a save/load round trip once registered', async () => {
    const m = modelWith({ cardinalities: [3], embeddingSizes: [2], nCont: 1, seed: 1 }, 2);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await m.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    registerTabularLayers();
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const x = tf.tensor2d([[2, 0.5]]);
    const a = m.apply(x) as tf.Tensor;
    const b = loaded.apply(x) as tf.Tensor;
    expect(await b.array()).toEqual(await a.array());
    tf.dispose([x, a, b]);
  });

  it('rejects bad configurations', () => {
    expect(
      interpErrorOfSync(() =>
        tabularInputLayer({ cardinalities: [0], embeddingSizes: null, nCont: 1 }),
      ).message,
    ).toMatch(/cardinalities must be an array of positive integers/);
    expect(
      interpErrorOfSync(() =>
        tabularInputLayer({ cardinalities: [3], embeddingSizes: [2, 2], nCont: 1 }),
      ).message,
    ).toMatch(/embeddingSizes must be null \(one-hot\) or 1 positive integers/);
    expect(
      interpErrorOfSync(() =>
        tabularInputLayer({ cardinalities: [], embeddingSizes: [], nCont: 0 }),
      ).message,
    ).toMatch(/at least one column/);
  });
});
