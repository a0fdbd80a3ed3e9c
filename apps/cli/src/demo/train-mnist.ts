import { mnistCnn } from '@interp/example-data/models';
import type { CliIO } from '../cli-io.js';
import { progressBar } from '../progress-bar.js';

/** The demo's digit classifier, trained on the MNIST digits of the `mnist` package. */
export interface TrainedMnist {
  learn: import('@interp/core').Learner;
  validAccuracy: number;
  seconds: number;
  nTrain: number;
  nValid: number;
}

/** Hooks the demo runs around training: an lr finder before it, activation stats during it. */
export interface TrainingHooks {
  /** Runs on the untrained learner before fit (lrFind restores the weights it changes). */
  before?: (learn: import('@interp/core').Learner) => Promise<void>;
}

/**
 * `learn.fit` with the last batch's loss handed to `onProgress` (both demos' progress lines show
 * it while an epoch runs).
 */
export function fitShowingLoss(
  learn: import('@interp/core').Learner,
  epochs: number,
  lr: number,
  onProgress: ((done: number, total: number, loss: number) => void) | undefined,
  onEpochEnd: import('@interp/core').FitOptions['onEpochEnd'],
): Promise<unknown> {
  let lastLoss = Number.NaN;
  return learn.fit(epochs, {
    lr,
    onBatchEnd: (_i, loss) => {
      lastLoss = loss;
    },
    onProgress: onProgress ? (done, total) => onProgress(done, total, lastLoss) : undefined,
    onEpochEnd,
  });
}

export async function trainMnist(
  io: CliIO,
  {
    nTrain,
    nValid,
    epochs,
    lr = 2e-3,
    hooks = {},
  }: { nTrain: number; nValid: number; epochs: number; lr?: number; hooks?: TrainingHooks },
): Promise<TrainedMnist> {
  const core = await import('@interp/core');
  const tfl = await import('@tensorflow/tfjs-layers');
  const { mnistSplit } = await import('@interp/example-data');
  const { train, valid } = mnistSplit({ nTrain, nValid });
  const shape = (n: number) => [n, 28, 28, 1];
  const dls = new core.DataLoaders(
    core.arrayDataLoader(
      { data: train.images, shape: shape(nTrain) },
      { data: train.labels, shape: [nTrain] },
      { batchSize: 64, shuffle: true, seed: 0 },
    ),
    core.arrayDataLoader(
      { data: valid.images, shape: shape(nValid) },
      { data: valid.labels, shape: [nValid] },
      { batchSize: 256 },
    ),
  );
  const vocab = Array.from({ length: 10 }, (_, i) => String(i));
  const learn = core.Learner.fromLayersModel(mnistCnn(tfl), {
    dls,
    vocab,
    metrics: [core.accuracy],
  });
  await hooks.before?.(learn);
  const bar = progressBar(io.stderr, 'training');
  const t0 = performance.now();
  await fitShowingLoss(
    learn,
    epochs,
    lr,
    (done, total, loss) => bar.update(done, total, { loss }),
    (r) =>
      io.stderr.write(
        `${io.stderr.isTTY ? '\n' : ''}epoch ${r.epoch + 1}/${epochs}: train loss ${r.trainLoss.toFixed(4)}, valid loss ${r.validLoss.toFixed(4)}, accuracy ${(100 * r.metrics.accuracy!).toFixed(2)}%\n`,
      ),
  );
  bar.finish();
  const last = learn.recorder.epochs.at(-1)!;
  return {
    learn,
    validAccuracy: last.metrics.accuracy!,
    seconds: (performance.now() - t0) / 1000,
    nTrain,
    nValid,
  };
}
