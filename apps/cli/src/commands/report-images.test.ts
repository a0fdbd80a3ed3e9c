import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../cli-io.js';
import { saveLayersModelToDir } from '../io/layers-model-files.js';
import { type LoadedModel, loadModel } from '../io/load-model.js';
import { tempDir } from '../test-cli.js';
import {
  attributeItems,
  displayImage,
  loadModelImages,
  type ModelImages,
  predictImages,
  zeroMapsNote,
} from './report-images.js';
import { writeBrightnessCnn, writeBrightnessFolder } from './test-report-bundles.js';

const dir = tempDir('interp-report-images-');
const quiet = new Writable({ write: (_c, _e, done) => done() });
const io: CliIO = { stdout: quiet, stderr: quiet, cwd: dir };
let means: number[];
let loaded: LoadedModel;
let images: ModelImages;

beforeAll(async () => {
  await setupBackend('wasm');
  ({ means } = writeBrightnessFolder(join(dir, 'images')));
  await writeBrightnessCnn(join(dir, 'cnn'));
  const model = join(dir, 'cnn', 'model.json');
  loaded = await loadModel(model);
  images = await loadModelImages(join(dir, 'images'), undefined, model, loaded.graph, {}, io);
}, 120_000);
afterAll(() => loaded.dispose());

describe('report-images', () => {
  it('predictImages gives the hand-worked scores [0.5 - m, m] in batches, without leaks', async () => {
    expect(images.folder.x.shape).toEqual([6, 4, 4, 1]);
    await expectNoLeakedTensors(async () => {
      const { scores, classes } = await predictImages(tf, loaded, images.folder.x, 4, io);
      expect(classes).toBe(2);
      means.forEach((m, i) => {
        expect(scores[2 * i]).toBeCloseTo(0.5 - m, 5);
        expect(scores[2 * i + 1]).toBeCloseTo(m, 5);
      });
    });
    // Display undoes the normalization: the gray level / 255.
    expect(displayImage(images, 1).data[0]).toBeCloseTo(means[1]!, 6);
  });

  it('attributeItems: Integrated Gradients of the mean is x / 16 per pixel, sign by class, without leaks', async () => {
    await expectNoLeakedTensors(async () => {
      // Item 3 (mean 0.8, predicted class 1: score m) and item 2 (mean 0.2, class 0: score 0.5 - m).
      const [ig] = await attributeItems(tf, loaded, images, [3, 2], ['ig'], io);
      expect(ig!.data.length).toBe(32);
      // Linear scores: IG from a zero baseline is exact, x * d(score)/dx = +-x / 16.
      for (let p = 0; p < 16; p++) expect(ig!.data[p]).toBeCloseTo(means[3]! / 16, 5);
      for (let p = 16; p < 32; p++) expect(ig!.data[p]).toBeCloseTo(-means[2]! / 16, 5);
      expect(ig!.caption(0)).toMatch(/^ig \(δ /);
    });
  });

  it('attributeItems: Grad-CAM maps all zero after the ReLU are said so; --gradcam-relu false gives the signed map', async () => {
    // relu(conv 1x1, weight 1) = x, global average pool, dense [[-1, -2]]: scores [-m, -2m], so
    // class 0 is predicted; its Grad-CAM channel weight is the mean gradient -1/16, the map
    // -x/16 <= 0 everywhere: zero after the ReLU, -x/16 signed (by hand).
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [4, 4, 1],
          filters: 1,
          kernelSize: 1,
          activation: 'relu',
          name: 'conv',
          weights: [tf.ones([1, 1, 1, 1]), tf.zeros([1])],
        }),
        tfl.layers.globalAveragePooling2d({ name: 'gap' }),
        tfl.layers.dense({ units: 2, useBias: false, weights: [tf.tensor2d([[-1, -2]])] }),
      ],
    });
    await saveLayersModelToDir(model, join(dir, 'negative'));
    model.dispose();
    const negative = await loadModel(join(dir, 'negative', 'model.json'));
    try {
      await expectNoLeakedTensors(async () => {
        const [cam] = await attributeItems(tf, negative, images, [3, 2], ['gradcam'], io);
        expect(cam!.zero).toEqual([0, 1]);
        expect(cam!.caption(0)).toBe('gradcam, all zero');
        expect(zeroMapsNote(cam!, ['a.png', 'b.png'])).toMatch(
          /^2 of 2 gradcam maps are all zero \(a\.png, b\.png\): Grad-CAM keeps only positive evidence .* layer conv .* Rerun with --gradcam-relu false/,
        );
        const [signed] = await attributeItems(tf, negative, images, [3, 2], ['gradcam'], io, {
          gradcamRelu: false,
        });
        expect(signed!.zero).toEqual([]);
        expect(signed!.caption(0)).toBe('gradcam (signed)');
        for (let p = 0; p < 16; p++) expect(signed!.data[p]).toBeCloseTo(-means[3]! / 16, 5);
        for (let p = 16; p < 32; p++) expect(signed!.data[p]).toBeCloseTo(-means[2]! / 16, 5);
        expect(zeroMapsNote(signed!, ['a.png', 'b.png'])).toBeUndefined();
      });
    } finally {
      negative.dispose();
    }
  });

  it('refuses a model that does not take images', async () => {
    const flat = { ...loaded.graph, inputShape: [null, 16] } as typeof loaded.graph;
    await expect(
      loadModelImages(join(dir, 'images'), undefined, 'm.json', flat, {}, io),
    ).rejects.toThrow(/m\.json takes input \[N, 16\], not a batch of images/);
  });
});
