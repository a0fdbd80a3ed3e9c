import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageToDataURL } from './image-to-data-url.js';
import { interpErrorOf } from './test-helpers.js';
import { decodeDataURL } from './test-png.js';

beforeAll(async () => {
  await setupBackend('cpu');
});

/** RGBA bytes of the decoded data URL. */
function pixels(url: string): number[] {
  return [...decodeDataURL(url).rgba];
}

/** Expected RGBA for gray levels (alpha 255). */
const gray = (...levels: number[]) => levels.flatMap((v) => [v, v, v, 255]);

describe('imageToDataURL(image, options)', () => {
  it('returns a PNG data URL of the image size', () => {
    const url = imageToDataURL({ data: new Float32Array(6), shape: [2, 3] });
    expect(url.startsWith('data:image/png;base64,iVBORw0KGgo')).toBe(true);
    const { width, height } = decodeDataURL(url);
    expect([width, height]).toEqual([3, 2]);
  });

  it('renders gray 0..1 values: v -> round(255 v)', () => {
    // 0.5 * 255 = 127.5 -> 128, 0.25 * 255 = 63.75 -> 64
    const url = imageToDataURL({ data: [0, 0.5, 1, 0.25], shape: [2, 2] });
    expect(pixels(url)).toEqual(gray(0, 128, 255, 64));
  });

  it('renders gray 0..255 values as they are (auto: the maximum is above 1)', () => {
    const url = imageToDataURL({ data: new Float32Array([0, 10, 255, 128]), shape: [2, 2, 1] });
    expect(pixels(url)).toEqual(gray(0, 10, 255, 128));
  });

  it('treats byte arrays as 0..255 even when every value is 0 or 1', () => {
    const url = imageToDataURL({ data: new Uint8Array([0, 1, 1, 0]), shape: [2, 2] });
    expect(pixels(url)).toEqual(gray(0, 1, 1, 0));
  });

  it('renders RGB and RGBA pixels in HWC order', () => {
    const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];
    expect(pixels(imageToDataURL({ data: rgb, shape: [2, 2, 3] }))).toEqual([
      255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 255,
    ]);
    const rgba = [1, 0, 0, 0.5, 0, 0, 1, 1];
    expect(pixels(imageToDataURL({ data: rgba, shape: [1, 2, 4] }))).toEqual([
      255, 0, 0, 128, 0, 0, 255, 255,
    ]);
  });

  it("honours an explicit range: '0-255' on small values, '0-1' clipping, 'minmax' stretching", () => {
    expect(pixels(imageToDataURL({ data: [0, 1], shape: [1, 2] }, { range: '0-255' }))).toEqual(
      gray(0, 1),
    );
    expect(pixels(imageToDataURL({ data: [-1, 2], shape: [1, 2] }, { range: '0-1' }))).toEqual(
      gray(0, 255),
    );
    // (v - 2) / 4 * 255: 0, 127.5 -> 128, 255
    expect(pixels(imageToDataURL({ data: [2, 4, 6], shape: [1, 3] }, { range: 'minmax' }))).toEqual(
      gray(0, 128, 255),
    );
    expect(pixels(imageToDataURL({ data: [3, 3], shape: [1, 2] }, { range: 'minmax' }))).toEqual(
      gray(0, 0),
    );
  });

  it('maps one channel through a colormap with cmap', () => {
    // d3's Blues ends: #f7fbff and #08306b.
    expect(pixels(imageToDataURL({ data: [0, 1], shape: [1, 2] }, { cmap: 'Blues' }))).toEqual([
      247, 251, 255, 255, 8, 48, 107, 255,
    ]);
    // matplotlib's cm.jet(0.5) = (0.490, 1.0, 0.478): bytes 125, 255, 122.
    expect(
      pixels(imageToDataURL({ data: [0.5], shape: [1, 1] }, { cmap: 'jet' })).slice(0, 3),
    ).toEqual([125, 255, 122]);
  });

  it('reads tensors of shape [H, W], [H, W, 1] and [H, W, 3] without leaking or disposing them', async () => {
    const g = tf.tensor2d([
      [0, 0.5],
      [1, 0.25],
    ]);
    const g1 = tf.tensor3d([0, 10, 255, 128], [2, 2, 1]);
    const rgb = tf.tensor3d([255, 0, 0, 0, 255, 0], [1, 2, 3], 'int32');
    const urls = await expectNoLeakedTensors(() => [
      imageToDataURL(g),
      imageToDataURL(g1),
      imageToDataURL(rgb),
    ]);
    expect(pixels(urls[0]!)).toEqual(gray(0, 128, 255, 64));
    expect(pixels(urls[1]!)).toEqual(gray(0, 10, 255, 128));
    expect(pixels(urls[2]!)).toEqual([255, 0, 0, 255, 0, 255, 0, 255]);
    expect(g.isDisposed || g1.isDisposed || rgb.isDisposed).toBe(false);
    tf.dispose([g, g1, rgb]);
  });

  it('has the expected defaults: range auto, no colormap', () => {
    // auto on 0..1 data equals '0-1'; no cmap means gray for one channel.
    const data = { data: [0, 0.5, 1], shape: [1, 3] as const };
    expect(imageToDataURL(data)).toBe(imageToDataURL(data, { range: '0-1' }));
    expect(pixels(imageToDataURL(data))).toEqual(gray(0, 128, 255));
  });

  it('throws InterpError on bad shapes, non-finite values and bad options, with a hint', () => {
    expect(
      interpErrorOf(() => imageToDataURL({ data: [1, 2, 3], shape: [2, 2] }), 'SHAPE_MISMATCH'),
    ).toMatch(/shape \[2, 2\] needs 4 values, data has 3/);
    expect(
      interpErrorOf(() =>
        imageToDataURL({ data: new Float32Array(75), shape: [3, 5, 5] as never }),
      ),
    ).toMatch(/looks like CHW: transpose to HWC/);
    expect(
      interpErrorOf(() => imageToDataURL({ data: new Float32Array(8), shape: [2, 2, 2] })),
    ).toMatch(/expected \[H, W\] or \[H, W, C\] with C = 1, 3 or 4/);
    const batch = tf.zeros([1, 4, 4, 3]);
    expect(interpErrorOf(() => imageToDataURL(batch), 'SHAPE_MISMATCH')).toMatch(
      /drop the batch dimension/,
    );
    batch.dispose();
    expect(interpErrorOf(() => imageToDataURL(batch), 'INVALID_ARGUMENT')).toMatch(
      /disposed tensor/,
    );
    expect(
      interpErrorOf(() => imageToDataURL({ data: [0, Number.NaN], shape: [1, 2] }), 'NON_FINITE'),
    ).toMatch(/non-finite value \(NaN\) at pixel \(row 0, column 1\)/);
    expect(
      interpErrorOf(
        () => imageToDataURL({ data: [0, 1, 2], shape: [1, 1, 3] }, { cmap: 'jet' }),
        'INVALID_OPTION',
      ),
    ).toMatch(/cmap maps one channel, but image has 3/);
    expect(
      interpErrorOf(
        () => imageToDataURL({ data: [0], shape: [1, 1] }, { cmap: 'nope' }),
        'INVALID_OPTION',
      ),
    ).toMatch(/invalid cmap: "nope"/);
    expect(
      interpErrorOf(
        () => imageToDataURL({ data: [0], shape: [1, 1] }, { range: '0-100' as never }),
        'INVALID_OPTION',
      ),
    ).toMatch(/invalid range: "0-100"; expected one of 'auto', '0-1', '0-255', 'minmax'/);
    expect(interpErrorOf(() => imageToDataURL([1, 2, 3] as never), 'INVALID_ARGUMENT')).toMatch(
      /must be a tensor or \{ data, shape/,
    );
  });
});
