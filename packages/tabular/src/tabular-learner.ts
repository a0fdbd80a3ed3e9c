import {
  accuracy,
  crossEntropyPerItem,
  InterpError,
  Learner,
  type Metric,
  mseLossPerItem,
} from '@interp/core';
import { assertInteger, assertNumber, keyword } from '@interp/core/internal';
import * as tfl from '@tensorflow/tfjs-layers';
import type { TabularData } from './tabular-data.js';
import { tabularInputLayer } from './tabular-input-layer.js';

/** Options of {@link tabularLearner}. */
export interface TabularLearnerOptions {
  /** Sizes of the hidden layers (default [200, 100], fastai's). */
  layers?: readonly number[];
  /** How categorical columns enter the net: learned embeddings (default) or one-hot vectors. */
  embeddings?: 'embedding' | 'onehot';
  /** Embedding width per categorical column name; default fastai's rule min(600, round(1.6 n^0.56)). */
  embSizes?: Readonly<Record<string, number>>;
  /** Dropout after each hidden layer (default 0). */
  dropout?: number;
  /** Batch normalization after each hidden layer, as fastai's TabularModel (default true). */
  batchNorm?: boolean;
  /** Rows per training batch (default 64). */
  batchSize?: number;
  /** Seed of the weight initialization and of the training order; undefined = random. */
  seed?: number;
  /** Validation metrics; default [accuracy] for classification, none for regression. */
  metrics?: Metric[];
}

/** tabularLearner defaults, written once. */
export const tabularLearnerDefaults = Object.freeze({
  layers: Object.freeze([200, 100] as const),
  embeddings: 'embedding',
  dropout: 0,
  batchNorm: true,
  batchSize: 64,
} as const);

/**
 * fastai's embedding size rule for a column with `nLevels` levels (`#na#` included):
 * `min(600, round(1.6 * nLevels ** 0.56))`.
 *
 * @example
 * ```ts
 * embSzRule(4); // 3
 * ```
 */
export function embSzRule(nLevels: number): number {
  return Math.min(600, Math.round(1.6 * nLevels ** 0.56));
}

/**
 * A learner for a {@link TabularData}: a tfjs-layers MLP (functional model) whose input layer
 * embeds each categorical column (or one-hot encodes it) and appends the continuous columns,
 * followed by Dense + ReLU (+ BatchNorm, + dropout) blocks and a linear output: one logit per
 * class with cross-entropy for classification, one value with MSE for regression. Train it with
 * `learn.fit(epochs, { lr })`.
 *
 * @example
 * ```ts
 * await setupBackend('wasm');
 * const learn = tabularLearner(data, { layers: [64, 32], seed: 0 });
 * await learn.fit(10, { lr: 1e-2 });
 * learn.recorder.epochs.at(-1)?.metrics.accuracy; // > 0.9 on penguins
 * ```
 */
export function tabularLearner(data: TabularData, options: TabularLearnerOptions = {}): Learner {
  if (!data || !Array.isArray(data.columnNames) || typeof data.dls !== 'function') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      'tabularLearner needs a TabularData (new TabularData(table, { yName, ... }))',
    );
  }
  const {
    layers = tabularLearnerDefaults.layers,
    embSizes = {},
    dropout = tabularLearnerDefaults.dropout,
    batchNorm = tabularLearnerDefaults.batchNorm,
    batchSize = tabularLearnerDefaults.batchSize,
    seed,
  } = options;
  const embeddings = keyword(
    options.embeddings,
    'embeddings',
    ['embedding', 'onehot'],
    tabularLearnerDefaults.embeddings,
  );
  if (!Array.isArray(layers) || !layers.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid layers: ${JSON.stringify(layers)}; expected hidden layer sizes, positive integers (e.g. [200, 100])`,
    );
  }
  assertNumber(dropout, 'dropout', 0, 0.99);
  if (seed !== undefined) assertInteger(seed, 'seed');
  const catCols = [...data.catNames, ...data.naNames];
  const cardinalities = [
    ...data.catNames.map((n) => data.categorify.vocab(n).length),
    ...data.naNames.map(() => 3),
  ];
  const embeddingSizes =
    embeddings === 'onehot'
      ? null
      : catCols.map((n, j) => {
          const s = embSizes[n] ?? embSzRule(cardinalities[j]!);
          assertInteger(s, `embSizes.${n}`, 1);
          return s;
        });
  const init = (k: number) =>
    seed === undefined ? undefined : tfl.initializers.glorotUniform({ seed: seed + 1000 + k });

  const input = tfl.input({ shape: [data.columnNames.length] });
  let h = tabularInputLayer({
    cardinalities,
    embeddingSizes,
    nCont: data.contNames.length,
    seed: seed ?? null,
  }).apply(input) as tfl.SymbolicTensor;
  layers.forEach((units, k) => {
    const kernelInitializer = init(k);
    h = tfl.layers
      .dense({ units, activation: 'relu', ...(kernelInitializer ? { kernelInitializer } : {}) })
      .apply(h) as tfl.SymbolicTensor;
    if (batchNorm)
      h = tfl.layers.batchNormalization({ momentum: 0.9 }).apply(h) as tfl.SymbolicTensor;
    if (dropout > 0) {
      h = tfl.layers
        .dropout({ rate: dropout, ...(seed === undefined ? {} : { seed: seed + 2000 + k }) })
        .apply(h) as tfl.SymbolicTensor;
    }
  });
  const classification = data.yType === 'category';
  const outInit = init(layers.length);
  const out = tfl.layers
    .dense({
      units: classification ? data.vocab!.length : 1,
      ...(outInit ? { kernelInitializer: outInit } : {}),
    })
    .apply(h) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  return Learner.fromLayersModel(model, {
    dls: data.dls({ batchSize, ...(seed === undefined ? {} : { seed }) }),
    lossFunc: classification ? crossEntropyPerItem : mseLossPerItem,
    ...(data.vocab ? { vocab: data.vocab } : {}),
    metrics: options.metrics ?? (classification ? [accuracy] : []),
  });
}
