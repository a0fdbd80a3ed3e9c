import { resolve } from 'node:path';
import { InterpError } from '@interp/core/base';
import { decodeImage } from './decode-image.js';
import type { ImageFolder, LoadImageFolderOptions } from './image-folder-types.js';
import { imageFolderDefaults } from './image-folder-types.js';
import { realFolder, walk } from './list-image-folder.js';
import { loadListedImages } from './load-image-folder.js';
import { readFileInside } from './read-inside-folder.js';
import { resizeNearest } from './resize-nearest.js';

/** What `loadSegmentationFolder` returns: the images and their masks. */
export interface SegmentationFolder extends ImageFolder {
  /** Class id of each pixel, `[N, H, W]` (the red channel of each mask PNG). */
  masks: { data: Int32Array; shape: [number, number, number] };
}

/**
 * Reads images for a segmentation model and their masks: every PNG/JPEG below `imagesDir`
 * (sorted paths), each with a mask at the same relative path below `masksDir` as a `.png` whose
 * red channel holds the class id of each pixel. Images are resized and normalized as by
 * `loadImageFolder`; masks are resized with nearest neighbour (`floor(dst * in / out)`, as
 * torchvision's `NEAREST`), so class ids are never blended. `targets` and `vocab` are empty.
 *
 * @example
 * ```ts
 * const { x, masks } = await loadSegmentationFolder('images', 'masks', { size: 64 });
 * masks.shape; // [N, 64, 64]
 * ```
 */
export async function loadSegmentationFolder(
  imagesDir: string,
  masksDir: string,
  options: Omit<LoadImageFolderOptions, 'labelsCsv'> = {},
): Promise<SegmentationFolder> {
  const folder = await loadListedImages(imagesDir, options, () => {
    const root = realFolder(imagesDir);
    const files: string[] = [];
    walk(root, '.', 0, imageFolderDefaults.maxDepth, files);
    const rel = files.map((f) => f.slice(2));
    if (rel.length === 0) {
      throw new InterpError('EMPTY_INPUT', `${imagesDir} has no PNG or JPEG images`);
    }
    return { root, files: rel, targets: new Int32Array(rel.length), vocab: [] };
  });
  const masksRoot = realFolder(masksDir);
  const s = folder.x.shape;
  const layoutNhwc = (options.layout ?? imageFolderDefaults.layout) === 'NHWC';
  const [h, w] = layoutNhwc ? [s[1]!, s[2]!] : [s[2]!, s[3]!];
  const n = folder.files.length;
  const data = new Int32Array(n * h * w);
  folder.files.forEach((file, i) => {
    const maskFile = file.replace(/\.(png|jpe?g)$/i, '.png');
    const name = `${masksDir}/${maskFile}`;
    const mask = decodeImage(readFileInside(masksRoot, resolve(masksRoot, maskFile), name), name);
    const image = folder.raw(i);
    if (mask.width !== image.width || mask.height !== image.height) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${name} is ${mask.width} x ${mask.height} pixels but its image ${imagesDir}/${file} is ${image.width} x ${image.height}; a mask labels every pixel of its image`,
      );
    }
    const red = new Int32Array(mask.width * mask.height);
    for (let p = 0; p < red.length; p++) red[p] = mask.data[4 * p]!;
    data.set(resizeNearest(red, [mask.height, mask.width], [h, w]), i * h * w);
  });
  return { ...folder, masks: { data, shape: [n, h, w] } };
}
