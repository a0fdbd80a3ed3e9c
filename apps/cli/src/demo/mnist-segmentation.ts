// The demo's segmentation task: label each pixel of an MNIST digit as background or as its digit
// (11 classes, masks from @interp/example-data), learned by a small convolutional network on WASM.
import type { Learner } from '@interp/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { fitShowingLoss } from './train-mnist.js';

/** Classes of the task: background, then the digits 0..9. */
export const MNIST_SEGMENTATION_CLASSES = 11;

/**
 * The segmentation network, outputting N x 28 x 28 x 11 logits. Per pixel, the class needs two
 * things: whether the pixel is ink (local: the input and a 3x3 conv at full resolution) and which
 * digit the whole image shows (global: no local patch tells a 3 from an 8). So an encoder
 * (conv 16 - pool - conv 32 - pool - conv 32, 7x7) feeds a dense context vector of 32 that is
 * broadcast back to every pixel, and a 1x1 conv reads [input, local features, context] per
 * pixel. Measured with the same training (3000 digits, 3 epochs): encoder features upsampled
 * from 7x7 instead of the context vector reach a mean IoU of about 0.3, adding a 4x4 level about
 * 0.7, the context vector about 0.86.
 */
export function mnistSegmentationNet(tf: typeof tfl, seed = 0): tfl.LayersModel {
  const init = (s: number) => tf.initializers.heNormal({ seed: seed + s });
  const conv = (name: string, filters: number, s: number) =>
    tf.layers.conv2d({
      name,
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(s),
    });
  const input = tf.input({ shape: [28, 28, 1], name: 'image' });
  const local = conv('conv1', 16, 1).apply(input) as tfl.SymbolicTensor;
  let x = tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }).apply(local) as tfl.SymbolicTensor;
  x = conv('conv2', 32, 2).apply(x) as tfl.SymbolicTensor;
  x = tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = conv('conv3', 32, 3).apply(x) as tfl.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  x = tf.layers
    .dense({ name: 'context', units: 32, activation: 'relu', kernelInitializer: init(4) })
    .apply(x) as tfl.SymbolicTensor;
  x = tf.layers
    .reshape({ name: 'context_map', targetShape: [1, 1, 32] })
    .apply(x) as tfl.SymbolicTensor;
  const context = tf.layers
    .upSampling2d({ name: 'broadcast', size: [28, 28] })
    .apply(x) as tfl.SymbolicTensor;
  const features = tf.layers
    .concatenate({ name: 'features' })
    .apply([input, local, context]) as tfl.SymbolicTensor;
  const logits = tf.layers
    .conv2d({
      name: 'logits',
      filters: MNIST_SEGMENTATION_CLASSES,
      kernelSize: 1,
      kernelInitializer: init(5),
    })
    .apply(features) as tfl.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'mnist_segmentation' });
}

/** Options of {@link trainMnistSegmentation}. */
export interface TrainMnistSegmentationOptions {
  /** Training digits (the first ones of the interleaved MNIST set). */
  nTrain?: number;
  /** Validation digits (the next ones). */
  nValid?: number;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  /** Seeds the weights and the shuffling. */
  seed?: number;
  onProgress?: (done: number, total: number, loss: number) => void;
  onEpochEnd?: (r: {
    epoch: number;
    trainLoss: number;
    validLoss: number;
    pixelAccuracy: number;
  }) => void;
}

/** trainMnistSegmentation defaults, written once. */
export const trainMnistSegmentationDefaults = {
  nTrain: 3000,
  nValid: 500,
  epochs: 3,
  lr: 3e-3,
  batchSize: 32,
  seed: 0,
} as const;

/** The trained segmentation learner (validation loader = the held-out digits). */
export interface TrainedMnistSegmentation {
  learn: Learner;
  seconds: number;
  nTrain: number;
  nValid: number;
  epochs: number;
}

/**
 * Trains {@link mnistSegmentationNet} with per-item (mean per-pixel) cross-entropy on the WASM
 * backend (set it up first). Targets are N x 28 x 28 labels from `mnistSegmentationMasks`.
 */
export async function trainMnistSegmentation(
  options: TrainMnistSegmentationOptions = {},
): Promise<TrainedMnistSegmentation> {
  const d = trainMnistSegmentationDefaults;
  const {
    nTrain = d.nTrain,
    nValid = d.nValid,
    epochs = d.epochs,
    lr = d.lr,
    batchSize = d.batchSize,
    seed = d.seed,
    onProgress,
    onEpochEnd,
  } = options;
  const core = await import('@interp/core');
  const tfl = await import('@tensorflow/tfjs-layers');
  const { mnistSplit, mnistSegmentationMasks, MNIST_SEGMENTATION_VOCAB } = await import(
    '@interp/example-data'
  );
  const { train, valid } = mnistSplit({ nTrain, nValid });
  const loader = (
    data: typeof train,
    opts: { batchSize: number; shuffle?: boolean; seed?: number },
  ) =>
    core.arrayDataLoader(
      { data: data.images, shape: [data.count, 28, 28, 1] },
      { data: mnistSegmentationMasks(data), shape: [data.count, 28, 28] },
      { ...opts, vocab: MNIST_SEGMENTATION_VOCAB },
    );
  const dls = new core.DataLoaders(
    loader(train, { batchSize, shuffle: true, seed }),
    loader(valid, { batchSize: 250 }),
  );
  const learn = core.Learner.fromLayersModel(mnistSegmentationNet(tfl, seed), {
    dls,
    vocab: MNIST_SEGMENTATION_VOCAB,
    metrics: [core.accuracy],
  });
  const t0 = performance.now();
  await fitShowingLoss(
    learn,
    epochs,
    lr,
    onProgress,
    onEpochEnd
      ? (r) =>
          onEpochEnd({
            epoch: r.epoch,
            trainLoss: r.trainLoss,
            validLoss: r.validLoss,
            pixelAccuracy: r.metrics.accuracy!,
          })
      : undefined,
  );
  return { learn, seconds: (performance.now() - t0) / 1000, nTrain, nValid, epochs };
}
