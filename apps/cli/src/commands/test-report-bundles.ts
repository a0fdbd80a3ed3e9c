// Small example bundles for the `interp report` tests (excluded from the build: test-*.ts): a
// CNN whose scores are worked by hand from the images' mean brightness, PNG folders, a table.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodePNG } from '@interp/viz/image';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { saveLayersModelToDir } from '../io/layers-model-files.js';

/** Writes a gray `side x side` PNG of one level (0..255) at `root/rel`. */
export function writeGrayPng(root: string, rel: string, level: number, side = 4): void {
  const rgba = new Uint8Array(side * side * 4);
  for (let p = 0; p < side * side; p++) rgba.set([level, level, level, 255], 4 * p);
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodePNG(rgba, side, side));
}

/**
 * The brightness CNN, `side x side x 1` input: a 1x1 conv with weights [-1, 1] and biases
 * [0.5, 0], then global average pooling, so the scores of an image of mean m (in [0, 1]) are
 * [0.5 - m, m]: class 1 when m > 0.25. Softmax turns them into p1 = 1 / (1 + e^(0.5 - 2m)).
 */
export async function writeBrightnessCnn(dir: string, side = 4): Promise<void> {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [side, side, 1],
        filters: 2,
        kernelSize: 1,
        name: 'conv',
        weights: [tf.tensor4d([-1, 1], [1, 1, 1, 2]), tf.tensor1d([0.5, 0])],
      }),
      tfl.layers.globalAveragePooling2d({ name: 'gap' }),
    ],
  });
  await saveLayersModelToDir(model, dir);
  model.dispose();
}

/** The brightness folder: levels per class folder; class 0 is `<i>dark` (sorted before `bright`). */
export const BRIGHTNESS_LEVELS: Record<string, number[]> = {
  '<i>dark': [0, 102, 51], // means 0, 0.4 (predicted bright: wrong), 0.2
  bright: [204, 153, 25.5], // means 0.8, 0.6, 0.1 (predicted dark: wrong)
};

/** Writes the folder of {@link BRIGHTNESS_LEVELS}; returns the images' means and labels. */
export function writeBrightnessFolder(
  root: string,
  side = 4,
): { means: number[]; labels: number[] } {
  const means: number[] = [];
  const labels: number[] = [];
  Object.keys(BRIGHTNESS_LEVELS)
    .sort()
    .forEach((cls, c) => {
      BRIGHTNESS_LEVELS[cls]!.forEach((level, i) => {
        const rounded = Math.round(level);
        writeGrayPng(root, `${cls}/${i}.png`, rounded, side);
        means.push(rounded / 255);
        labels.push(c);
      });
    });
  return { means, labels };
}

/**
 * The table model: scores = [x0 - x1, x1 - x0] (a dense layer), class 0 when x0 > x1; and a CSV
 * with a text target column `species` (sorted classes `adelie`, `gentoo`).
 */
export async function writeTableBundle(dir: string): Promise<{ accuracy: number }> {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [2],
        units: 2,
        weights: [tf.tensor2d([1, -1, -1, 1], [2, 2]), tf.zeros([2])],
      }),
    ],
  });
  await saveLayersModelToDir(model, join(dir, 'mlp'));
  model.dispose();
  const rows = [
    [3, 1, 'adelie'],
    [2, 0.5, 'adelie'],
    [0, 4, 'gentoo'],
    [1, 2, 'gentoo'],
    [5, 2, 'gentoo'], // predicted adelie: wrong
  ];
  writeFileSync(
    join(dir, 'table.csv'),
    `x0,x1,species\n${rows.map((r) => r.join(',')).join('\n')}\n`,
  );
  return { accuracy: 4 / 5 };
}

/**
 * The per-pixel brightness model, 2 x 2 x 1 input: a 1x1 conv with weights [-1, 1] and biases
 * [0.5, 0], so pixel scores are [0.5 - v, v] (v = level / 255): class 1 where v > 0.25. Two
 * images and masks whose pixel accuracy (6 of 8) and IoU (3/5 for both classes) are worked by
 * hand in the test.
 */
export async function writeSegmentationBundle(dir: string): Promise<void> {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [2, 2, 1],
        filters: 2,
        kernelSize: 1,
        weights: [tf.tensor4d([-1, 1], [1, 1, 1, 2]), tf.tensor1d([0.5, 0])],
      }),
    ],
  });
  await saveLayersModelToDir(model, join(dir, 'seg'));
  model.dispose();
  const png = (levels: number[]) => {
    const rgba = new Uint8Array(16);
    for (const [p, v] of levels.entries()) rgba.set([v, v, v, 255], 4 * p);
    return encodePNG(rgba, 2, 2);
  };
  mkdirSync(join(dir, 'seg-images'), { recursive: true });
  mkdirSync(join(dir, 'seg-masks'), { recursive: true });
  // Predicted a: [0, 1, 0, 1] (v = 0, 1, 0.2, 0.4); b: [1, 1, 0, 0].
  writeFileSync(join(dir, 'seg-images', 'a.png'), png([0, 255, 51, 102]));
  writeFileSync(join(dir, 'seg-images', 'b.png'), png([255, 255, 0, 0]));
  writeFileSync(join(dir, 'seg-masks', 'a.png'), png([0, 1, 1, 1]));
  writeFileSync(join(dir, 'seg-masks', 'b.png'), png([1, 0, 0, 0]));
}
