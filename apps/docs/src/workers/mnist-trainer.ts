// A Web Worker that trains the MNIST page's two models off the main thread (the tab stays
// responsive and its progress bar paints). The page calls it through comlink; weights come back
// as transferable Float32Arrays, and the page rebuilds the same architectures around them.
import { accuracy, arrayDataLoader, DataLoaders, Learner, setupBackend } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import * as Comlink from 'comlink';
import { type MnistDigits, segmentationMasks } from '../mnist-data.js';
import { mnistClassifier, mnistSegmenter } from '../models.js';

/** A trained model's weights in `model.getWeights()` order, and how long training took. */
export interface TrainedModel {
  weights: Float32Array[];
  seconds: number;
}

/** Called after each batch: batches done, batches in all. */
export type TrainProgress = (done: number, total: number) => void;

const images = (d: MnistDigits) => ({ data: d.images, shape: [d.count, 28, 28, 1] });

async function weightsOf(model: LayersModel): Promise<Float32Array[]> {
  return Promise.all(
    // A copy: on WASM the data may be a view of the heap, which must not be transferred.
    model.getWeights().map(async (w) => ((await w.data()) as Float32Array).slice()),
  );
}

const trainer = {
  /** Starts tfjs's WASM backend in the worker; `wasmPaths` is the page's absolute wasm/ URL. */
  async setup(wasmPaths: string): Promise<string> {
    const info = await setupBackend('wasm', { wasmPaths });
    return info.backend;
  },

  /** The digit classifier, four epochs; returns its weights and validation accuracy. */
  async trainClassifier(
    train: MnistDigits,
    valid: MnistDigits,
    onProgress: TrainProgress,
  ): Promise<TrainedModel & { accuracy: number }> {
    const t0 = performance.now();
    const dls = new DataLoaders(
      arrayDataLoader(
        images(train),
        { data: train.labels, shape: [train.count] },
        { batchSize: 64, shuffle: true, seed: 0 },
      ),
      arrayDataLoader(
        images(valid),
        { data: valid.labels, shape: [valid.count] },
        { batchSize: 250 },
      ),
    );
    const model = mnistClassifier();
    const learn = Learner.fromLayersModel(model, { dls, metrics: [accuracy] });
    await learn.fit(4, { lr: 1e-2, onProgress });
    const acc = learn.recorder.epochs.at(-1)!.metrics.accuracy!;
    const weights = await weightsOf(model);
    model.dispose();
    const out = { weights, accuracy: acc, seconds: (performance.now() - t0) / 1000 };
    return Comlink.transfer(
      out,
      weights.map((w) => w.buffer as ArrayBuffer),
    );
  },

  /** The per-pixel segmenter (background or which digit), three epochs. */
  async trainSegmenter(
    train: MnistDigits,
    valid: MnistDigits,
    onProgress: TrainProgress,
  ): Promise<TrainedModel> {
    const t0 = performance.now();
    const dls = new DataLoaders(
      arrayDataLoader(
        images(train),
        { data: segmentationMasks(train), shape: [train.count, 28, 28] },
        { batchSize: 32, shuffle: true, seed: 0 },
      ),
      arrayDataLoader(
        images(valid),
        { data: segmentationMasks(valid), shape: [valid.count, 28, 28] },
        { batchSize: 100 },
      ),
    );
    const model = mnistSegmenter();
    const learn = Learner.fromLayersModel(model, { dls });
    await learn.fit(3, { lr: 5e-3, onProgress });
    const weights = await weightsOf(model);
    model.dispose();
    return Comlink.transfer(
      { weights, seconds: (performance.now() - t0) / 1000 },
      weights.map((w) => w.buffer as ArrayBuffer),
    );
  },

  /** Tensors alive in the worker (tests check that training leaks none). */
  numTensors(): number {
    return tf.memory().numTensors;
  },
};

/** The worker's API as the page sees it through `Comlink.wrap`. */
export type MnistTrainer = typeof trainer;

Comlink.expose(trainer);
