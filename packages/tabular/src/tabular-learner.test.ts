import { isInterpError, setupBackend } from '@interp/core';
import { loadPenguins } from '@interp/example-data';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FeatureImportance } from './feature-importance.js';
import { rfpimpImportance } from './rfpimp-importance.js';
import { Table } from './table.js';
import { TabularData } from './tabular-data.js';
import { embSzRule, tabularLearner, tabularLearnerDefaults } from './tabular-learner.js';
import { interpErrorOfSync } from './test-helpers.js';

let data: TabularData;
beforeAll(async () => {
  await setupBackend('wasm');
  data = new TabularData(Table.fromRecords(loadPenguins() as never), { yName: 'species', seed: 0 });
});

describe('tabularLearner(data, options)', () => {
  it('has the expected defaults (fastai layers [200, 100], embeddings, batch norm)', () => {
    expect(tabularLearnerDefaults).toEqual({
      layers: [200, 100],
      embeddings: 'embedding',
      dropout: 0,
      batchNorm: true,
      batchSize: 64,
    });
    // fastai's emb_sz_rule: min(600, round(1.6 * n ** 0.56)).
    expect(embSzRule(4)).toBe(3);
    expect(embSzRule(3)).toBe(3);
    expect(embSzRule(100)).toBe(21);
    expect(embSzRule(10 ** 7)).toBe(600);
  });

  it('builds an MLP with an embedding per categorical column (and _na flag)', () => {
    const learn = tabularLearner(data, { seed: 0 });
    const model = learn.layersModel!;
    expect(model.inputs[0]!.shape).toEqual([null, 10]);
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
    // island (4 levels) and sex (3) and four flags (3 levels each): embSzRule gives 3 each.
    const emb = model.layers[1]!.getWeights().map((w) => w.shape);
    expect(emb).toEqual([
      [4, 3],
      [3, 3],
      [3, 3],
      [3, 3],
      [3, 3],
      [3, 3],
    ]);
    const dense = model.layers
      .filter((l) => l.getClassName() === 'Dense')
      .map((l) => l.getWeights()[0]!.shape);
    expect(dense).toEqual([
      [18 + 4, 200],
      [200, 100],
      [100, 3],
    ]);
    const onehot = tabularLearner(data, {
      embeddings: 'onehot',
      layers: [8],
      batchNorm: false,
      seed: 0,
    });
    expect(onehot.layersModel!.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'InterpTabularInput',
      'Dense',
      'Dense',
    ]);
    // one-hot widths 4 + 3 + 4 * 3, plus 4 continuous columns.
    expect(onehot.layersModel!.layers[2]!.getWeights()[0]!.shape).toEqual([23, 8]);
  });

  it('reaches > 90% validation accuracy on penguins, trained on WASM, reproducibly with a seed', async () => {
    const learn = tabularLearner(data, { layers: [32, 16], seed: 0 });
    const before = tf.memory().numTensors;
    await learn.fit(5, { lr: 1e-2 });
    expect(tf.memory().numTensors).toBe(before);
    const acc = learn.recorder.epochs.at(-1)!.metrics.accuracy!;
    expect(acc).toBeGreaterThan(0.9);
    const again = tabularLearner(data, { layers: [32, 16], seed: 0 });
    await again.fit(5, { lr: 1e-2 });
    expect(again.recorder.losses).toEqual(learn.recorder.losses);
    // The features the species depend on: the bill measurements matter more than sex.
    const r = await new FeatureImportance(learn).permutationImportance({ randomState: 0 });
    expect(r.features).toEqual([
      'island',
      'sex',
      'billLength',
      'billDepth',
      'flipperLength',
      'bodyMass',
    ]);
    expect(r.baselineScore).toBeCloseTo(acc, 6);
    const top = r.features[r.importancesMean.indexOf(Math.max(...r.importancesMean))];
    expect(top).toBe('billLength');
    expect(r.importancesMean[r.features.indexOf('billLength')]).toBeGreaterThan(
      r.importancesMean[r.features.indexOf('sex')]!,
    );
    const rf = await rfpimpImportance(learn, { randomState: 0 });
    expect(rf.baselineScore).toBe(r.baselineScore);
  });

  it('one-hot inputs and regression train too', async () => {
    const onehot = tabularLearner(data, { embeddings: 'onehot', layers: [16], seed: 1 });
    await onehot.fit(3, { lr: 1e-2 });
    expect(onehot.recorder.epochs.at(-1)!.metrics.accuracy).toBeGreaterThan(0.9);
    const reg = new TabularData(
      Table.fromRecords(loadPenguins() as never).take(
        Array.from({ length: 344 }, (_, i) => i).filter(
          (i) => loadPenguins()[i]!.bodyMass !== null,
        ),
      ),
      { yName: 'bodyMass', seed: 0 },
    );
    const learn = tabularLearner(reg, { layers: [16], seed: 0 });
    expect(learn.lossFunc.lossName).toBe('mse');
    expect(learn.layersModel!.outputs[0]!.shape).toEqual([null, 1]);
    expect(learn.metrics).toEqual([]);
  });

  it('rejects bad options', () => {
    expect(interpErrorOfSync(() => tabularLearner(data, { layers: [0] })).message).toMatch(
      /invalid layers: \[0\]/,
    );
    expect(
      interpErrorOfSync(() => tabularLearner(data, { embeddings: 'dense' as never })).message,
    ).toMatch(/invalid embeddings: "dense"; expected one of 'embedding', 'onehot'/);
    expect(interpErrorOfSync(() => tabularLearner(data, { dropout: 1 })).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      interpErrorOfSync(() => tabularLearner(data, { embSizes: { island: 0 } })).message,
    ).toMatch(/embSizes.island must be >= 1/);
    expect(isInterpError(interpErrorOfSync(() => tabularLearner({} as never)))).toBe(true);
  });
});
