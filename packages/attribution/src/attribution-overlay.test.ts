import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { attributionOverlay, attributionOverlayDefaults } from './attribution-overlay.js';
import { expectInterpRejections } from './test-interp-errors.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const pixel = (rgba: Uint8Array, p: number) => Array.from(rgba.subarray(p * 4, p * 4 + 4));
// |attr| = [0, 1, 2, 4] with outlierPerc 0: threshold 4, normalized [0, 0.25, 0.5, 1].
const ATTR = { data: [0, -1, 2, 4], shape: [2, 2] };
// Gray image 0..1: Captum scales it to bytes by truncation: [127, 255, 51, 204].
const IMAGE = { data: [0.5, 1, 0.2, 0.8], shape: [2, 2, 1] };

describe('attributionOverlay(image, attr, options)', () => {
  it('has the expected defaults', () => {
    expect(attributionOverlayDefaults).toEqual({
      method: 'heat_map',
      sign: 'absolute_value',
      outlierPerc: 2,
      alpha: 0.5,
    });
  });

  it("heat_map colors the normalized map with the sign's colormap", async () => {
    const out = await attributionOverlay(undefined, ATTR, { outlierPerc: 0 });
    expect([out.width, out.height]).toEqual([2, 2]);
    // Blues: entry 0 = #f7fbff, entry 255 = #08306b; entry 64 sits 1/255 past the anchor
    // #c6dbef toward #9ecae1: 198 - 40/255, 219 - 17/255, 239 - 14/255, truncated.
    expect(pixel(out.rgba, 0)).toEqual([247, 251, 255, 255]);
    expect(pixel(out.rgba, 1)).toEqual([197, 218, 238, 255]);
    expect(pixel(out.rgba, 3)).toEqual([8, 48, 107, 255]);
    expect(out.dataURL.startsWith('data:image/png;base64,')).toBe(true);
    const png = Buffer.from(out.dataURL.split(',')[1]!, 'base64');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2, 2]);
  });

  it("sign 'all' maps -1, 0, 1 to red, (almost) white, green", async () => {
    const out = await attributionOverlay(
      undefined,
      { data: [-1, 0, 1, 0.5], shape: [2, 2] },
      { sign: 'all', outlierPerc: 0 },
    );
    expect(pixel(out.rgba, 0)).toEqual([255, 0, 0, 255]);
    // 0 -> entry 128 of red-white-green, 1/255 of the way from white to green (0, 128, 0).
    expect(pixel(out.rgba, 1)).toEqual([254, 254, 254, 255]);
    expect(pixel(out.rgba, 2)).toEqual([0, 128, 0, 255]);
  });

  it('masked_image multiplies the image bytes by the normalized map', async () => {
    const out = await attributionOverlay(IMAGE, ATTR, { method: 'masked_image', outlierPerc: 0 });
    // [127 * 0, 255 * 0.25, 51 * 0.5, 204 * 1] truncated, gray in all three channels.
    expect([0, 1, 2, 3].map((p) => pixel(out.rgba, p))).toEqual([
      [0, 0, 0, 255],
      [63, 63, 63, 255],
      [25, 25, 25, 255],
      [204, 204, 204, 255],
    ]);
  });

  it('blended_heat_map puts the heat map with opacity alpha over the stretched gray image', async () => {
    const image = tf.tensor3d(IMAGE.data, [2, 2, 1]);
    const attr = tf.tensor2d(ATTR.data, [2, 2]);
    const out = await attributionOverlay(image, attr, {
      method: 'blended_heat_map',
      outlierPerc: 0,
      alpha: 0.5,
    });
    // Gray bytes [127, 255, 51, 204] stretched over 51..255 -> entries 95, 255, 0, 192.
    // Pixel 0: heat #f7fbff -> (95 + 247) / 2, (95 + 251) / 2, (95 + 255) / 2.
    expect(pixel(out.rgba, 0)).toEqual([171, 173, 175, 255]);
    // Pixel 3: heat #08306b over gray 192 -> 100, 120, 149.5 (rounded half up).
    expect(pixel(out.rgba, 3)).toEqual([100, 120, 150, 255]);
    tf.dispose([image, attr]);
  });

  it('draws an all-zero attribution as zeros instead of failing', async () => {
    const out = await attributionOverlay(
      IMAGE,
      { data: [0, 0, 0, 0], shape: [2, 2] },
      {
        method: 'masked_image',
      },
    );
    expect(Array.from(out.rgba)).toEqual([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]);
  });

  it('rejects bad input with InterpError', async () => {
    const cases: [() => Promise<unknown>, RegExp][] = [
      [
        () => attributionOverlay(IMAGE, ATTR, { method: 'masked_image', sign: 'all' }),
        /cannot show positive and negative/,
      ],
      [
        () => attributionOverlay(IMAGE, ATTR, { method: 'overlay' as 'heat_map' }),
        /invalid method: "overlay"/,
      ],
      [() => attributionOverlay(IMAGE, ATTR, { alpha: 2 }), /alpha must be in \[0, 1\]/],
      [
        () => attributionOverlay(undefined, ATTR, { method: 'blended_heat_map' }),
        /needs the image/,
      ],
      [
        () =>
          attributionOverlay({ data: [0, 0, 0], shape: [1, 3] }, ATTR, {
            method: 'masked_image',
            sign: 'positive',
          }),
        /image is 1x3 but attr is 2x2/,
      ],
    ];
    await expectInterpRejections(cases);
  });

  it('leaks no tensors', async () => {
    const image = tf.tensor4d(IMAGE.data, [1, 2, 2, 1]);
    const attr = tf.tensor3d(ATTR.data, [2, 2, 1]);
    await expectNoLeakedTensors(() =>
      attributionOverlay(image, attr, { method: 'blended_heat_map' }),
    );
    tf.dispose([image, attr]);
  });
});
