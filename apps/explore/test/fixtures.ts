// Fixtures of the browser tests: a small tfjs CNN saved as model.json + weights.bin, gray PNG
// digits-like squares in class folders, and a labels.csv.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePNG } from '@interp/viz/image';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Saves `model` as dir/model.json and dir/weights.bin (tfjs's format, one weight file). */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(
        join(dir, 'model.json'),
        JSON.stringify({
          format: 'layers-model',
          modelTopology: a.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
        }),
      );
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/**
 * A CNN on `side x side x 1` images with `classes` outputs (conv, pool, conv, dense, softmax), seeded
 * weights: the tests check the page's behaviour, not its accuracy.
 */
export function smallCnn(side: number, classes: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [side, side, 1],
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        name: 'conv1',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tfl.layers.conv2d({
        filters: 8,
        kernelSize: 3,
        activation: 'relu',
        name: 'conv2',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({
        units: classes,
        activation: 'softmax',
        name: 'out',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
      }),
    ],
  });
}

/** Writes `n` gray PNGs per class under dir/<class>/<i>.png and dir/labels.csv; returns the paths. */
export function writeImages(dir: string, classes: string[], n: number, side: number): string[] {
  const files: string[] = [];
  const rows = ['file,label'];
  classes.forEach((cls, c) => {
    mkdirSync(join(dir, cls), { recursive: true });
    for (let i = 0; i < n; i++) {
      const rgba = new Uint8Array(side * side * 4);
      for (let p = 0; p < side * side; p++) {
        // Class c lights up a band of rows; i shifts the level so items differ.
        const v =
          Math.floor(p / side) % classes.length === c ? 200 + i * 5 : 20 + ((p * 7 + i) % 30);
        rgba.set([v, v, v, 255], 4 * p);
      }
      const name = `c${c}-${i}.png`;
      writeFileSync(join(dir, cls, name), encodePNG(rgba, side, side));
      files.push(join(dir, cls, name));
      rows.push(`${name},${cls}`);
    }
  });
  writeFileSync(join(dir, 'labels.csv'), `${rows.join('\n')}\n`);
  return files;
}

/**
 * A table classifier: scores [x0 - x1, x1 - x0] (a dense layer that ignores x2), saved to dir/mlp,
 * and dir/table.csv with 20 seeded rows; returns the rows' accuracy worked by hand (class a when
 * x0 > x1).
 */
export async function writeTable(dir: string): Promise<{ accuracy: number }> {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [3],
        units: 2,
        weights: [tf.tensor2d([1, -1, -1, 1, 0, 0], [3, 2]), tf.zeros([2])],
      }),
    ],
  });
  await saveModel(model, join(dir, 'mlp'));
  model.dispose();
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return Math.round((seed / 2 ** 31) * 100) / 10;
  };
  const rows: string[] = ['x0,x1,x2,species'];
  let right = 0;
  for (let i = 0; i < 20; i++) {
    const [a, b, c] = [rand(), rand(), rand()];
    // Every fifth row is labelled against the rule, so accuracy is below 1.
    const rule = a > b ? 'a' : 'b';
    const label = i % 5 === 4 ? (rule === 'a' ? 'b' : 'a') : rule;
    if (label === rule) right++;
    rows.push(`${a},${b},${c},${label}`);
  }
  writeFileSync(join(dir, 'table.csv'), `${rows.join('\n')}\n`);
  return { accuracy: right / 20 };
}
