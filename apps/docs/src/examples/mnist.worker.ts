// The Web Worker of the MNIST example (mnist.ts starts it with comlink): it trains the two models
// off the main thread, so the tab stays responsive and its progress bar paints, and sends each
// back in tfjs's save format (topology + weights) for the page to load with tfl.loadLayersModel.
import { accuracy, arrayDataLoader, DataLoaders, Learner, setupBackend } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as Comlink from 'comlink';

/** Digits as 0..1 floats `[count, 28, 28]`, their labels and per-pixel masks `[count, 28, 28]`. */
export interface Digits {
  images: Float32Array;
  labels: Int32Array;
  masks: Int32Array;
  count: number;
}

/** Called after each batch: batches done, batches in all. */
export type TrainProgress = (done: number, total: number) => void;

/** A trained model as tfjs saves it, and how long training took. */
export interface Trained {
  artifacts: tf.io.ModelArtifacts;
  seconds: number;
}

const init = (seed: number) => tfl.initializers.heNormal({ seed });
const conv = (name: string, filters: number, seed: number, inputShape?: number[]) =>
  tfl.layers.conv2d({
    name,
    inputShape,
    filters,
    kernelSize: 3,
    activation: 'relu',
    padding: 'same',
    kernelInitializer: init(seed),
  });

/**
 * The digit classifier: conv(16) - pool - conv(32) - pool - conv(32) - global average pool -
 * dense(10) logits. The global-average-pool head makes Grad-CAM on conv3 a class activation map.
 */
function classifier(): tfl.LayersModel {
  return tfl.sequential({
    name: 'mnist_cam_cnn',
    layers: [
      conv('conv1', 16, 1, [28, 28, 1]),
      tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      conv('conv2', 32, 2),
      tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
      conv('conv3', 32, 3),
      tfl.layers.globalAveragePooling2d({ name: 'gap' }),
      tfl.layers.dense({ name: 'logits', units: 10, kernelInitializer: init(4) }),
    ],
  });
}

/**
 * The segmenter (11 classes: background + one per digit): local features at full resolution,
 * concatenated with a global summary of the digit broadcast to every pixel (which digit it is
 * needs the whole image), then a 1x1 conv to per-pixel logits.
 */
function segmenter(): tfl.LayersModel {
  const input = tfl.input({ shape: [28, 28, 1] });
  const local = conv('local', 8, 1).apply(input) as tfl.SymbolicTensor;
  let x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(local) as tfl.SymbolicTensor;
  x = conv('conv2', 16, 2).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = conv('conv3', 32, 3).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers
    .dense({ units: 16, activation: 'relu', kernelInitializer: init(4) })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reshape({ targetShape: [1, 1, 16] }).apply(x) as tfl.SymbolicTensor;
  const global = tfl.layers.upSampling2d({ size: [28, 28] }).apply(x) as tfl.SymbolicTensor;
  const both = tfl.layers.concatenate().apply([global, local]) as tfl.SymbolicTensor;
  const logits = tfl.layers
    .conv2d({ filters: 11, kernelSize: 1, kernelInitializer: init(5) })
    .apply(both) as tfl.SymbolicTensor;
  return tfl.model({ name: 'mnist_segmenter', inputs: input, outputs: logits });
}

interface FitOptions {
  epochs: number;
  lr: number;
  batchSize: number;
  validBatchSize: number;
}

/** Trains `model` on `train` (targets: labels or masks) and returns it saved, then disposed. */
async function fit(
  model: tfl.LayersModel,
  [train, valid]: [Digits, Digits],
  target: 'labels' | 'masks',
  { epochs, lr, batchSize, validBatchSize }: FitOptions,
  onProgress: TrainProgress,
): Promise<Trained & { accuracy?: number }> {
  const t0 = performance.now();
  const loader = (d: Digits, options: { batchSize: number; shuffle?: boolean; seed?: number }) =>
    arrayDataLoader(
      { data: d.images, shape: [d.count, 28, 28, 1] },
      target === 'labels'
        ? { data: d.labels, shape: [d.count] }
        : { data: d.masks, shape: [d.count, 28, 28] },
      options,
    );
  const dls = new DataLoaders(
    loader(train, { batchSize, shuffle: true, seed: 0 }),
    loader(valid, { batchSize: validBatchSize }),
  );
  const learn = Learner.fromLayersModel(model, {
    dls,
    ...(target === 'labels' ? { metrics: [accuracy] } : {}),
  });
  await learn.fit(epochs, { lr, onProgress });
  const acc = learn.recorder.epochs.at(-1)?.metrics.accuracy;
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  if (!artifacts) throw new Error(`model ${model.name} was not saved`);
  const weights = artifacts.weightData as ArrayBuffer;
  const out = { artifacts, seconds: (performance.now() - t0) / 1000, accuracy: acc };
  return Comlink.transfer(out, [weights]);
}

const trainer = {
  /** Starts tfjs's WASM backend in the worker; `wasmPaths` is the page's absolute wasm/ URL. */
  async setup(wasmPaths: string): Promise<string> {
    return (await setupBackend('wasm', { wasmPaths })).backend;
  },
  /** The digit classifier, four epochs; returns it and its validation accuracy. */
  trainClassifier(train: Digits, valid: Digits, onProgress: TrainProgress) {
    const options = { epochs: 4, lr: 1e-2, batchSize: 64, validBatchSize: 250 };
    return fit(classifier(), [train, valid], 'labels', options, onProgress);
  },
  /** The per-pixel segmenter (background or which digit), three epochs. */
  trainSegmenter(train: Digits, valid: Digits, onProgress: TrainProgress) {
    const options = { epochs: 3, lr: 5e-3, batchSize: 32, validBatchSize: 100 };
    return fit(segmenter(), [train, valid], 'masks', options, onProgress);
  },
  /** Tensors alive in the worker (none once a model is trained and sent). */
  numTensors(): number {
    return tf.memory().numTensors;
  },
};

/** The worker's API as the page sees it through `Comlink.wrap`. */
export type MnistTrainer = typeof trainer;

Comlink.expose(trainer);
