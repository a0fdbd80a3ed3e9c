// ActivationStats on a model graph: the same numbers as the LayersModel training path on the same
// tfjs model, hand-worked values, and an ONNX export against numpy (test-data/make-onnx-activation-stats.py).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { arrayDataLoader, Learner, layersModelGraph, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
// @interp/onnx is not a dependency of @interp/debug; its source is imported for the oracle test only.
import { loadOnnxModel } from '@interp/onnx';
import { createDocument, toSVGString } from '@interp/viz';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActivationStats } from './activation-stats.js';
import { histChart } from './hist-chart.js';
import { identityThenDeadModel, interpError, X3, x3Learner } from './test-models.js';

const MLP_ONNX = fileURLToPath(new URL('../../onnx/test-models/mlp.onnx', import.meta.url));
const EXPECTED = JSON.parse(
  readFileSync(new URL('../test-data/onnx-mlp-activation-stats.json', import.meta.url), 'utf8'),
) as {
  batches: number[];
  nodes: Record<string, { mean: number; std: number; nearZero: number; hist: number[] }[]>;
};

beforeAll(async () => {
  await setupBackend('wasm');
});

/** 2 -> 3 relu -> 2 with seeded random weights: a nonlinearity between the watched layers. */
function reluNet(): tfl.Sequential {
  const m = tfl.sequential();
  const init = (seed: number) => tfl.initializers.randomNormal({ seed, stddev: 1 });
  m.add(
    tfl.layers.dense({
      units: 3,
      inputShape: [2],
      activation: 'relu',
      name: 'hidden',
      kernelInitializer: init(1),
      biasInitializer: init(2),
    }),
  );
  m.add(tfl.layers.dense({ units: 2, name: 'out', kernelInitializer: init(3) }));
  return m;
}

describe('ActivationStats.fromGraph(model, batches, options)', () => {
  it('gives the same numbers as recording learn.fit on the same tfjs model and batch', async () => {
    const model = reluNet();
    const x = tf.tensor2d(X3, [3, 2]);
    const viaGraph = await ActivationStats.fromGraph(model, [x], { withHist: true });
    const learn = x3Learner(model, 1);
    const viaFit = new ActivationStats(learn, { withHist: true });
    await learn.fit(1, { lr: 0 });
    viaFit.remove();
    const [a, b] = [viaGraph.statsByLayer(), viaFit.statsByLayer()];
    expect(a.map((l) => [l.layer, l.className])).toEqual([
      ['hidden', 'Dense'],
      ['out', 'Dense'],
    ]);
    expect(b.map((l) => l.layer)).toEqual(['hidden', 'out']);
    a.forEach((l, i) => {
      expect(l.mean[0]).toBeCloseTo(b[i]!.mean[0]!, 6);
      expect(l.std[0]).toBeCloseTo(b[i]!.std[0]!, 6);
      expect(l.nearZero).toEqual(b[i]!.nearZero);
      expect(Array.from(l.hist![0]!)).toEqual(Array.from(b[i]!.hist![0]!));
    });
    x.dispose();
    model.dispose();
  });

  it('records the hand-worked statistics of X3 on a graph, one record per batch, leaking nothing', async () => {
    const model = identityThenDeadModel();
    const graph = layersModelGraph(model);
    const x = tf.tensor2d(X3, [3, 2]);
    await expectNoLeakedTensors(async () => {
      const activs = new ActivationStats(graph);
      await activs.record(x);
      await activs.record(x);
      const [identity, dead] = activs.statsByLayer();
      expect(identity!.iterations).toEqual([0, 1]);
      // mean 19.85 / 6, sample std 5.3976306530427465, near zero 0, 0.05, -1 -> 1/2.
      expect(identity!.mean[1]).toBeCloseTo(19.85 / 6, 5);
      expect(identity!.std[1]).toBeCloseTo(5.3976306530427465, 5);
      expect(identity!.nearZero).toEqual([0.5, 0.5]);
      expect(dead!.nearZero).toEqual([1, 1]);
    });
    // A data loader's { x, y } batches are consumed and disposed.
    const dl = arrayDataLoader(
      { data: X3, shape: [3, 2] },
      { data: new Float32Array(6), shape: [3, 2] },
      { batchSize: 3 },
    );
    await expectNoLeakedTensors(async () => {
      const activs = await ActivationStats.fromGraph(graph, dl);
      expect(activs.length).toBe(1);
    });
    x.dispose();
    model.dispose();
  });

  it('matches numpy on the ONNX MLP export (Gemm, ReLU, erf GELU nodes), histograms included', async () => {
    const mlp = await loadOnnxModel(MLP_ONNX);
    const names = Object.keys(EXPECTED.nodes);
    const batches = EXPECTED.batches.map((b) =>
      tf.tensor2d(
        Float32Array.from({ length: 32 }, (_, k) => 2 * Math.sin(0.37 * k + b)),
        [4, 8],
      ),
    );
    try {
      // The first run caches weight layouts for the model's lifetime (freed by dispose).
      tf.dispose(mlp.predict(batches[0]!));
      await expectNoLeakedTensors(async () => {
        const activs = await ActivationStats.fromGraph(mlp, batches, {
          layers: names,
          withHist: true,
        });
        for (const rec of activs.statsByLayer()) {
          const want = EXPECTED.nodes[rec.layer]!;
          expect(rec.iterations).toEqual([0, 1]);
          want.forEach((w, b) => {
            expect(rec.mean[b]).toBeCloseTo(w.mean, 5);
            expect(rec.std[b]).toBeCloseTo(w.std, 5);
            expect(rec.nearZero[b]).toBeCloseTo(w.nearZero, 6);
            expect(Array.from(rec.hist![b]!)).toEqual(w.hist);
          });
        }
        expect(activs.statsByLayer().map((r) => r.className)).toEqual([
          'Gemm',
          'Relu',
          'Gemm',
          'Mul',
          'Gemm',
        ]);
        // The plots read the node names and ops as they read layers.
        const document = await createDocument();
        const svg = toSVGString(activs.plotLayerStats({ document }));
        expect(svg).toContain('/act1/Relu');
        expect(histChart(activs, { document }).querySelectorAll('svg').length).toBeGreaterThan(0);
        // Default: the nodes with parameters.
        const byDefault = new ActivationStats(mlp);
        expect(byDefault.layers.map((l) => l.name)).toEqual([
          '/fc1/Gemm',
          '/fc2/Gemm',
          '/head/Gemm',
        ]);
      });
    } finally {
      tf.dispose(batches);
      mlp.dispose();
    }
  });

  it('rejects bad input with an InterpError saying what to do', async () => {
    const model = identityThenDeadModel();
    const graph = layersModelGraph(model);
    await expect(ActivationStats.fromGraph(graph, 3 as never)).rejects.toThrow(
      interpError(/batches must be an array of tensors or a data loader/),
    );
    await expect(ActivationStats.fromGraph(graph, [])).rejects.toThrow(
      interpError(/batches held no batch/),
    );
    await expect(ActivationStats.fromGraph(graph, [[1, 2]] as never)).rejects.toThrow(
      interpError(/needs a batch tensor x/),
    );
    expect(() => new ActivationStats(graph, { layers: ['nope'] })).toThrow(interpError(/nope/));
    expect(() => new ActivationStats(graph, { layers: [7] })).toThrow(
      interpError(/node index 7 is out of range/),
    );
    await expect(ActivationStats.fromGraph(42 as never, [])).rejects.toThrow(
      interpError(/ActivationStats.fromGraph: the model must be/),
    );
    const fnLearner = new Learner((t: tf.Tensor) => tf.relu(t), { dls: x3Learner(model, 1).dls });
    expect(() => new ActivationStats(fnLearner)).toThrow(
      interpError(/plain function.*use ActivationStats.fromGraph\(model, batches\)/),
    );
    const learn = x3Learner(model, 1);
    const activs = new ActivationStats(learn);
    await expect(activs.record(tf.zeros([1, 2]))).rejects.toThrow(
      interpError(/records during learn.fit/),
    );
    activs.remove();
    expect(() => new ActivationStats(graph).plotLayerStats()).toThrow(
      interpError(/call record\(x\)/),
    );
    model.dispose();
  });
});
