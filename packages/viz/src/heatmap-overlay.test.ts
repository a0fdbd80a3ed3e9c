import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { heatmapOverlay } from './heatmap-overlay.js';
import { interpErrorOf } from './test-helpers.js';
import { decodeDataURL } from './test-png.js';

beforeAll(async () => {
  await setupBackend('cpu');
});

const rgbOf = (url: string) => {
  const { rgba } = decodeDataURL(url);
  return Array.from({ length: rgba.length / 4 }, (_, i) => [
    rgba[i * 4]!,
    rgba[i * 4 + 1]!,
    rgba[i * 4 + 2]!,
  ]);
};

describe('heatmapOverlay(image, heat, options)', () => {
  it('blends (1 - alpha) image + alpha colormap(normalized heat)', () => {
    // Black image; heat 0 and 1 normalize to t = 0 and 1; gray colormap gives 0 and 255.
    const url = heatmapOverlay(
      { data: [0, 0], shape: [1, 2] },
      { data: [5, 9], shape: [1, 2] },
      { cmap: 'gray', alpha: 0.5 },
    );
    // 0.5 * 0 + 0.5 * 255 = 127.5 -> 128
    expect(rgbOf(url)).toEqual([
      [0, 0, 0],
      [128, 128, 128],
    ]);
    const white = heatmapOverlay(
      { data: [1, 1], shape: [1, 2] },
      { data: [0, 1], shape: [1, 2] },
      { cmap: 'gray', alpha: 0.25 },
    );
    // 0.75 * 255 + 0.25 * 0 = 191.25 -> 191; 0.75 * 255 + 0.25 * 255 = 255
    expect(rgbOf(white)).toEqual([
      [191, 191, 191],
      [255, 255, 255],
    ]);
  });

  it('resizes a smaller heat map by nearest neighbour over the image', () => {
    // 1x2 heat over a 2x4 image: columns 0-1 take heat[0], columns 2-3 heat[1].
    const url = heatmapOverlay(
      { data: new Float32Array(8), shape: [2, 4] },
      { data: [0, 1], shape: [1, 2] },
      { cmap: 'gray', alpha: 1 },
    );
    const v = rgbOf(url).map((p) => p[0]);
    expect(v).toEqual([0, 0, 255, 255, 0, 0, 255, 255]);
  });

  it('uses a fixed heatDomain instead of the heat map min and max', () => {
    // t = (0.5 - 0) / (2 - 0) = 0.25 -> gray table index floor(0.25 * 256) = 64
    const url = heatmapOverlay(
      { data: [0], shape: [1, 1] },
      { data: [0.5], shape: [1, 1] },
      { cmap: 'gray', alpha: 1, heatDomain: [0, 2] },
    );
    expect(rgbOf(url)).toEqual([[64, 64, 64]]);
  });

  it('has the expected defaults: jet colormap at alpha 0.5', () => {
    // A constant heat map normalizes to 0: jet(0) = (0, 0, 0.5) -> bytes (0, 0, 128) in the table.
    const url = heatmapOverlay({ data: [0], shape: [1, 1] }, { data: [3], shape: [1, 1] });
    // 0.5 * 0 + 0.5 * (0, 0, 128) = (0, 0, 64)
    expect(rgbOf(url)).toEqual([[0, 0, 64]]);
  });

  it('takes tensors (RGB image, [H, W, 1] heat) without leaking', async () => {
    const image = tf.ones([2, 2, 3]);
    const heat = tf.tensor3d([0, 1, 2, 3], [2, 2, 1]);
    const url = await expectNoLeakedTensors(() =>
      heatmapOverlay(image, heat, { cmap: 'gray', alpha: 0.5 }),
    );
    // white image: 0.5 * 255 + 0.5 * gray(t) with t = 0, 1/3, 2/3, 1 -> table 0, 85, 170, 255
    expect(rgbOf(url).map((p) => p[0])).toEqual([128, 170, 213, 255]);
    tf.dispose([image, heat]);
  });

  it('throws InterpError on bad input', () => {
    const img = { data: [0], shape: [1, 1] as const };
    expect(interpErrorOf(() => heatmapOverlay(img, img, { alpha: 2 }), 'INVALID_ARGUMENT')).toMatch(
      /alpha must be in \[0, 1\], got 2/,
    );
    expect(
      interpErrorOf(() => heatmapOverlay(img, img, { cmap: 'nope' }), 'INVALID_OPTION'),
    ).toMatch(/invalid cmap/);
    expect(
      interpErrorOf(
        () => heatmapOverlay(img, { data: [0, 1, 2], shape: [1, 1, 3] }),
        'SHAPE_MISMATCH',
      ),
    ).toMatch(/heat must have one channel/);
    expect(
      interpErrorOf(() => heatmapOverlay(img, { data: [Number.NaN], shape: [1, 1] }), 'NON_FINITE'),
    ).toMatch(/heat has a non-finite value/);
    expect(
      interpErrorOf(() => heatmapOverlay(img, img, { heatDomain: [1, 0] }), 'INVALID_OPTION'),
    ).toMatch(/invalid heatDomain: \[1,0\]/);
    expect(
      interpErrorOf(() => heatmapOverlay({ data: [0], shape: [2, 2] }, img), 'SHAPE_MISMATCH'),
    ).toMatch(/image: shape \[2, 2\] needs 4 values/);
  });
});
