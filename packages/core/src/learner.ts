import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { DataLoaders } from './data-loader.js';
import { endsInSoftmax } from './ends-in-softmax.js';
import { InterpError } from './errors.js';
import { getPreds } from './get-preds.js';
import { isLayersModel } from './layers-internals.js';
import { crossEntropyFromProbsPerItem, crossEntropyPerItem, type LossFunction } from './losses.js';
import { type Metric, metricName } from './metric.js';
import type { ModelGraph } from './model-graph/model-graph.js';
import { isModelGraph } from './model-graph/to-model-graph.js';
import { Recorder } from './recorder.js';
import { assertInteger, assertNumber, describe } from './validate.js';

/** A model as a plain function from a batch of inputs to a batch of outputs. */
export type ModelFunction = (x: tf.Tensor) => tf.Tensor;

export interface LearnerOptions {
  dls: DataLoaders;
  /**
   * Per-item loss (reduction none); default cross-entropy from logits, or from probabilities
   * when the model is a LayersModel whose last layer is a softmax (applying softmax twice trains
   * to flat, useless probabilities).
   */
  lossFunc?: LossFunction;
  /** Class names; default the train loader's vocab. */
  vocab?: readonly string[];
  metrics?: Metric[];
}

/** Progress of a long run: `done` of `total` steps. */
export type ProgressCallback = (done: number, total: number) => void;

export interface FitOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** An optimizer to use instead of Adam(lr). */
  optimizer?: tf.Optimizer;
  /** Learning rate for each training step (overrides `lr`); lrFind uses it. */
  lrSchedule?: (iteration: number) => number;
  /** Called after each batch with its loss; return `false` to stop training. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a callback that returns nothing must type-check
  onBatchEnd?: (iteration: number, loss: number) => boolean | void;
  /** Called after each epoch with its summary. */
  onEpochEnd?: (record: import('./recorder.js').EpochRecord) => void;
  /** Progress over all training batches of all epochs. */
  onProgress?: ProgressCallback;
  /** Skip the validation pass at each epoch end (default false). */
  skipValidation?: boolean;
}

/** Fit defaults, written once. */
export const fitDefaults = Object.freeze({ lr: 1e-3 } as const);

/**
 * A model with its data, loss and metrics: what every `fromLearner` takes. Like fastai's Learner,
 * `fit` trains and records per-batch losses and learning rates in `recorder`.
 *
 * @example
 * ```ts
 * const learn = Learner.fromLayersModel(model, { dls: new DataLoaders(train, valid), metrics: [accuracy] });
 * await learn.fit(2, { lr: 1e-3 });
 * learn.recorder.epochs; // [{ epoch: 0, trainLoss, validLoss, metrics: { accuracy } }, ...]
 * // Any ModelGraph goes in as it is (an ONNX model; getPreds, GradCAM, ModelDebugger see its nodes):
 * const onnxLearn = new Learner(await loadOnnxModel('model.onnx'), { dls });
 * ```
 */
export class Learner {
  readonly dls: DataLoaders;
  readonly lossFunc: LossFunction;
  readonly vocab: readonly string[] | undefined;
  readonly metrics: Metric[];
  readonly recorder = new Recorder();
  /** The tfjs-layers model, when the learner wraps one. */
  readonly layersModel: LayersModel | undefined;
  /**
   * The model graph, when the learner wraps one (an ONNX model from `loadOnnxModel`, a
   * GraphModel's graph): layer tools (GradCAM, ActivationStats, ModelDebugger) then see its nodes.
   */
  readonly modelGraph: ModelGraph | undefined;
  private readonly fn: (x: tf.Tensor, training: boolean) => tf.Tensor;

  constructor(model: LayersModel | ModelGraph | ModelFunction, options: LearnerOptions) {
    if (!options?.dls) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'a Learner needs { dls }: new DataLoaders(trainLoader, validLoader)',
      );
    }
    this.layersModel = undefined;
    this.modelGraph = undefined;
    if (isLayersModel(model)) {
      this.layersModel = model;
      this.fn = (x, training) => model.apply(x, { training }) as tf.Tensor;
    } else if (isModelGraph(model)) {
      this.modelGraph = model;
      this.fn = (x, training) => (training ? model.run(x, { training }).output : model.predict(x));
    } else if (typeof model === 'function') {
      this.fn = (x) => model(x);
    } else {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `model must be a tfjs-layers LayersModel, a ModelGraph (e.g. from loadOnnxModel) or a function (x) => y; got ${describe(model)}`,
      );
    }
    this.dls = options.dls;
    this.lossFunc =
      options.lossFunc ??
      ((this.layersModel && endsInSoftmax(this.layersModel)) ||
      (this.modelGraph && graphEndsInSoftmax(this.modelGraph))
        ? crossEntropyFromProbsPerItem
        : crossEntropyPerItem);
    this.vocab = options.vocab ?? options.dls.train.vocab;
    this.metrics = options.metrics ?? [];
  }

  /** Wraps a tfjs-layers model (Sequential or functional). */
  static fromLayersModel(model: LayersModel, options: LearnerOptions): Learner {
    if (!isLayersModel(model)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'fromLayersModel needs a tfjs-layers LayersModel (tf.sequential() or tf.model())',
      );
    }
    return new Learner(model, options);
  }

  /** The model's raw outputs for a batch (inference mode unless `training`). Caller disposes. */
  predict(x: tf.Tensor, { training = false } = {}): tf.Tensor {
    return this.fn(x, training);
  }

  /**
   * Variables the optimizer updates: the model's trainable weights, a model graph's trainable
   * parameters (none for ONNX and GraphModel graphs, whose weights are constants), or
   * `undefined` for a function (then every trainable variable it reads).
   */
  trainableVariables(): tf.Variable[] | undefined {
    if (this.modelGraph !== undefined) {
      return (this.modelGraph.parameters?.() ?? [])
        .filter((p) => p.trainable)
        .map((p) => p.value as tf.Variable);
    }
    return this.layersModel?.trainableWeights.map((w) =>
      (w as unknown as { read(): tf.Variable }).read(),
    );
  }

  /**
   * Trains for `epochs` passes over the training loader with Adam(lr) (or `optimizer`), recording
   * each batch's loss and learning rate, then validates (loss and metrics) at each epoch end.
   * `fit(0)` does nothing; negative or fractional epochs throw.
   */
  async fit(epochs: number, options: FitOptions = {}): Promise<Recorder> {
    assertInteger(epochs, 'epochs', 0);
    // As fastai: zero epochs train nothing and record nothing.
    if (epochs === 0) return this.recorder;
    const {
      lr = fitDefaults.lr,
      lrSchedule,
      onBatchEnd,
      onEpochEnd,
      onProgress,
      skipValidation = false,
    } = options;
    assertNumber(lr, 'lr', 0);
    const varList = this.trainableVariables();
    if (varList?.length === 0) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'fit: the model has no trainable weights (ONNX initializers and GraphModel weights are constants, frozen layers are not trained); train it in its own framework, or unfreeze a layer',
      );
    }
    const optimizer = options.optimizer ?? tf.train.adam(lr);
    const ownsOptimizer = options.optimizer === undefined;
    const total = epochs * Math.ceil(this.dls.train.length / this.dls.train.batchSize);
    this.recorder.metricNames = this.metrics.map(metricName);
    let iteration = 0;
    let stop = false;
    try {
      for (let epoch = 0; epoch < epochs && !stop; epoch++) {
        let sum = 0;
        let count = 0;
        for await (const { x, y } of this.dls.train) {
          const stepLr = lrSchedule ? lrSchedule(iteration) : lr;
          setLearningRate(optimizer, stepLr);
          let lossValue: number;
          try {
            const cost = optimizer.minimize(
              () => tf.mean(this.lossFunc(this.fn(x, true), y)) as tf.Scalar,
              true,
              varList,
            );
            lossValue = (await cost!.data())[0]!;
            cost!.dispose();
          } finally {
            x.dispose();
            y.dispose();
          }
          this.recorder.recordBatch(lossValue, stepLr);
          sum += lossValue * x.shape[0]!;
          count += x.shape[0]!;
          iteration++;
          onProgress?.(iteration, total);
          if (onBatchEnd?.(iteration - 1, lossValue) === false) {
            stop = true;
            break;
          }
        }
        if (skipValidation || stop) continue;
        const record = await this.validate(epoch, count ? sum / count : Number.NaN);
        this.recorder.recordEpoch(record);
        onEpochEnd?.(record);
      }
    } finally {
      if (ownsOptimizer) optimizer.dispose();
    }
    return this.recorder;
  }

  /** Loss and metrics on the validation loader. */
  async validate(epoch = 0, trainLoss = Number.NaN) {
    const { preds, targs, losses } = await getPreds(this, {
      dsIdx: 1,
      withLoss: true,
      withDecoded: false,
    });
    try {
      const meanLoss = tf.mean(losses!);
      const validLoss = (await meanLoss.data())[0]!;
      meanLoss.dispose();
      const metrics: Record<string, number> = {};
      for (const m of this.metrics) {
        const s = m(preds, targs);
        metrics[metricName(m)] = (await s.data())[0]!;
        s.dispose();
      }
      return { epoch, trainLoss, validLoss, metrics };
    } finally {
      tf.dispose([preds, targs, losses!]);
    }
  }
}

/**
 * A learner around a plain function model (for example a GraphModel's `predict`). Such a learner
 * can be interpreted and attributed; `fit` trains whatever tf.Variables the function uses.
 */
export function learnerFromFunction(fn: ModelFunction, options: LearnerOptions): Learner {
  if (typeof fn !== 'function') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      'learnerFromFunction needs a function (x: Tensor) => Tensor',
    );
  }
  return new Learner(fn, options);
}

/**
 * Whether a model graph outputs probabilities: its last node in execution order (the output's
 * producer in the ONNX and GraphModel exports we read) is a softmax.
 */
function graphEndsInSoftmax(graph: ModelGraph): boolean {
  return graph.nodes.at(-1)?.op.toLowerCase() === 'softmax';
}

function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as {
    setLearningRate?: (lr: number) => void;
    learningRate?: number;
  };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else if ('learningRate' in o) o.learningRate = lr;
}
