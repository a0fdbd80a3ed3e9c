import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isInterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { loadImageFolder } from './load-image-folder.js';
import { grayPng, jpegBytes, pngBytes, put, tempFolder } from './test-images.js';

async function expectInterpError(p: Promise<unknown>, pattern: RegExp) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isInterpError(e), String(e)).toBe(true);
  expect((e as Error).message).toMatch(pattern);
}

describe('loadImageFolder(dir, options)', () => {
  it('labels images by sorted sub-folder names and keeps gray images at 1 channel', async () => {
    const root = tempFolder();
    put(root, 'dog/b.png', grayPng(2, 1, [0, 255]));
    put(root, 'cat/2.png', grayPng(2, 1, [51, 102]));
    put(root, 'cat/1.png', grayPng(2, 1, [255, 0]));
    put(root, 'cat/notes.txt', 'not an image');
    const r = await loadImageFolder(root);
    expect(r.vocab).toEqual(['cat', 'dog']);
    expect(r.files).toEqual(['cat/1.png', 'cat/2.png', 'dog/b.png']);
    expect(Array.from(r.targets)).toEqual([0, 0, 1]);
    expect(r.x.shape).toEqual([3, 1, 2, 1]);
    // [0,1] preset: pixel / 255.
    expect(Array.from(r.x.data)).toEqual([1, 0, 0.2, 0.4, 0, 1].map((v) => Math.fround(v)));
    expect(r.raw(2)).toMatchObject({ width: 2, height: 1 });
    expect(Array.from(r.raw(2).data)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });

  it('resizes with half-pixel centers and normalizes with mean/std (hand-worked values)', async () => {
    const root = tempFolder();
    put(root, 'a/1.png', grayPng(2, 1, [0, 255]));
    // Width 2 -> 4: sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
    // Values 0, 63.75, 191.25, 255; then (v / 255 - 0.5) / 0.5 = -1, -0.5, 0.5, 1.
    const r = await loadImageFolder(root, { size: [1, 4], mean: [0.5], std: [0.5] });
    expect(r.x.shape).toEqual([1, 1, 4, 1]);
    const got = Array.from(r.x.data);
    for (const [i, v] of [-1, -0.5, 0.5, 1].entries()) expect(got[i]).toBeCloseTo(v, 6);
  });

  it('expands gray to 3 channels, reads JPEG and lays out NCHW with the imagenet preset', async () => {
    const root = tempFolder();
    put(root, 'x/1.png', grayPng(1, 1, [255]));
    put(root, 'y/1.jpg', jpegBytes(1, 1, [128, 128, 128, 255]));
    const r = await loadImageFolder(root, { preset: 'imagenet', layout: 'NCHW' });
    expect(r.x.shape).toEqual([2, 3, 1, 1]);
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const got = Array.from(r.x.data);
    for (let c = 0; c < 3; c++) expect(got[c]).toBeCloseTo((1 - mean[c]!) / std[c]!, 5);
    // JPEG at quality 100 keeps a flat gray within a level or two.
    for (let c = 0; c < 3; c++) expect(got[3 + c]! * std[c]! + mean[c]!).toBeCloseTo(128 / 255, 1);
  });

  it('converts color to gray with PIL L weights when channels is 1', async () => {
    const root = tempFolder();
    put(root, 'a/1.png', pngBytes(1, 1, [255, 0, 0, 255]));
    const r = await loadImageFolder(root, { channels: 1 });
    expect(r.x.data[0]).toBeCloseTo(0.299, 6);
    const rgb = await loadImageFolder(root);
    expect(rgb.x.shape).toEqual([1, 1, 1, 3]);
    expect(Array.from(rgb.x.data)).toEqual([1, 0, 0]);
  });

  it('takes labels from a CSV (file,label with a header), class names sorted', async () => {
    const root = tempFolder();
    put(root, 'img/p.png', grayPng(1, 1, [0]));
    put(root, 'img/q.png', grayPng(1, 1, [255]));
    const csv = put(root, 'labels.csv', 'file,label\nimg/q.png,zebra\nimg/p.png,ant\n');
    const r = await loadImageFolder(root, { labelsCsv: csv });
    expect(r.files).toEqual(['img/q.png', 'img/p.png']);
    expect(r.vocab).toEqual(['ant', 'zebra']);
    expect(Array.from(r.targets)).toEqual([1, 0]);
    expect(Array.from(r.x.data)).toEqual([1, 0]);
  });

  it('reports progress once per image', async () => {
    const root = tempFolder();
    for (let i = 0; i < 3; i++) put(root, `a/${i}.png`, grayPng(1, 1, [i]));
    const seen: string[] = [];
    await loadImageFolder(root, { onProgress: (d, n) => seen.push(`${d}/${n}`) });
    expect(seen).toEqual(['1/3', '2/3', '3/3']);
  });

  it('refuses an unreadable image, naming the file', async () => {
    const root = tempFolder();
    put(root, 'a/1.png', grayPng(1, 1, [0]));
    put(
      root,
      'a/broken.png',
      Buffer.from([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0,
        0, 0, 1, 1, 2,
      ]),
    );
    put(root, 'b/1.png', 'hello');
    await expectInterpError(loadImageFolder(root), /a\/broken\.png/);
    const only = tempFolder();
    put(only, 'b/1.png', 'hello');
    await expectInterpError(loadImageFolder(only), /b\/1\.png: not a PNG or JPEG/);
  });

  it('refuses a label folder with no images, and a folder with no sub-folders', async () => {
    const root = tempFolder();
    put(root, 'cat/1.png', grayPng(1, 1, [0]));
    put(root, 'dog/readme.txt', 'nothing');
    await expectInterpError(loadImageFolder(root), /dog has no PNG or JPEG images/);
    const flat = tempFolder();
    put(flat, '1.png', grayPng(1, 1, [0]));
    await expectInterpError(loadImageFolder(flat), /no sub-folders/);
  });

  it('refuses images of different sizes without a size, naming both', async () => {
    const root = tempFolder();
    put(root, 'a/1.png', grayPng(1, 1, [0]));
    put(root, 'a/2.png', grayPng(2, 1, [0, 0]));
    await expectInterpError(
      loadImageFolder(root),
      /a\/2\.png is 2 x 1 pixels but .*a\/1\.png is 1 x 1/,
    );
  });

  it('refuses an image over the side limit from its header, before decoding', async () => {
    const root = tempFolder();
    const head = Buffer.from(grayPng(1, 1, [0]));
    head.writeUInt32BE(9000, 16);
    put(root, 'a/huge.png', head);
    await expectInterpError(
      loadImageFolder(root),
      /9000 x 1 pixels; interp reads images from 1 to 8192/,
    );
  });

  it('refuses more images than maxItems and bad options', async () => {
    const root = tempFolder();
    for (let i = 0; i < 3; i++) put(root, `a/${i}.png`, grayPng(1, 1, [i]));
    await expectInterpError(
      loadImageFolder(root, { maxItems: 2 }),
      /3 images, more than maxItems 2/,
    );
    await expectInterpError(
      loadImageFolder(root, { maxItems: 1e9 }),
      /maxItems must be an integer from 1 to 100000/,
    );
    await expectInterpError(loadImageFolder(root, { size: 0 }), /size must be integers/);
    await expectInterpError(loadImageFolder(root, { std: [0] }), /std must not contain 0/);
  });

  it('does not follow symbolic links out of the folder', async () => {
    const outside = tempFolder();
    const secret = put(outside, 'secret.png', grayPng(1, 1, [7]));
    const root = tempFolder();
    put(root, 'a/1.png', grayPng(1, 1, [0]));
    symlinkSync(secret, join(root, 'a', '2.png'));
    await expectInterpError(loadImageFolder(root), /leads outside the folder/);
    const csvRoot = tempFolder();
    const csv = put(csvRoot, 'labels.csv', '../x.png,cat\n');
    await expectInterpError(loadImageFolder(csvRoot, { labelsCsv: csv }), /outside/);
  });
});
