import { describe, expect, it } from 'vitest';
import { loadSegmentationFolder } from './load-segmentation-folder.js';
import { resizeNearest } from './resize-nearest.js';
import { grayPng, put, tempFolder } from './test-images.js';

describe('resizeNearest(values, shape, size)', () => {
  it("matches torch's F.interpolate(mode='nearest')", () => {
    expect(Array.from(resizeNearest(Int32Array.of(1, 2, 3, 4), [2, 2], [3, 3]))).toEqual([
      1, 1, 2, 1, 1, 2, 3, 3, 4,
    ]);
    const x = Int32Array.from({ length: 16 }, (_, i) => i);
    expect(Array.from(resizeNearest(x, [4, 4], [3, 2]))).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it('refuses values that do not fill the shape', () => {
    expect(() => resizeNearest(Int32Array.of(1), [2, 2], [1, 1])).toThrow(
      /resizeNearest: 1 values for shape \[2, 2\]/,
    );
  });
});

describe('loadSegmentationFolder(imagesDir, masksDir, options)', () => {
  it('pairs every image with the mask at the same path and resizes masks by nearest neighbour', async () => {
    const root = tempFolder();
    put(root, 'img/a.png', grayPng(2, 1, [0, 255]));
    put(root, 'img/sub/b.jpg', grayPng(2, 1, [255, 255])); // PNG bytes: the header decides
    put(root, 'masks/a.png', grayPng(2, 1, [0, 1]));
    put(root, 'masks/sub/b.png', grayPng(2, 1, [2, 2]));
    const r = await loadSegmentationFolder(`${root}/img`, `${root}/masks`, { size: [1, 4] });
    expect(r.files).toEqual(['a.png', 'sub/b.jpg']);
    expect(r.masks.shape).toEqual([2, 1, 4]);
    expect(Array.from(r.masks.data)).toEqual([0, 0, 1, 1, 2, 2, 2, 2]);
    expect(r.x.shape).toEqual([2, 1, 4, 1]);
  });

  it('refuses a missing mask and a mask of another size, naming the files', async () => {
    const root = tempFolder();
    put(root, 'img/a.png', grayPng(2, 1, [0, 255]));
    put(root, 'masks/x.png', grayPng(2, 1, [0, 1]));
    await expect(loadSegmentationFolder(`${root}/img`, `${root}/masks`)).rejects.toThrow(
      /masks\/a\.png: no such file/,
    );
    put(root, 'masks/a.png', grayPng(1, 1, [0]));
    await expect(loadSegmentationFolder(`${root}/img`, `${root}/masks`)).rejects.toThrow(
      /masks\/a\.png is 1 x 1 pixels but its image .*img\/a\.png is 2 x 1/,
    );
    const empty = tempFolder();
    put(empty, 'img/notes.txt', 'x');
    await expect(loadSegmentationFolder(`${empty}/img`, `${empty}/img`)).rejects.toThrow(
      /has no PNG or JPEG images/,
    );
  });
});
