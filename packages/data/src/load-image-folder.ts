import { resolve } from 'node:path';
import { InterpError } from '@interp/core/base';
import { decodeImage } from './decode-image.js';
import {
  type ImageFolder,
  imageFolderDefaults,
  type LoadImageFolderOptions,
  type RawImage,
} from './image-folder-types.js';
import { imageToInput, isGray, resolveNormalization } from './image-to-input.js';
import { listLabelledImages } from './labels-csv.js';
import { type ImageFolderListing, listImageFolder } from './list-image-folder.js';
import { readFileInside } from './read-inside-folder.js';

/**
 * Reads a folder of PNG/JPEG images for a model: labels from sub-folder names (ImageFolder, classes
 * sorted as torchvision does) or from `labelsCsv`; every image decoded (pngjs / jpeg-js), alpha
 * dropped, resized to `size` (bilinear, half-pixel centers: see `resizeBilinear`) and normalized
 * to `(pixel / 255 - mean) / std` (`preset`, default `[0,1]`). Without `size` all images must have
 * the first one's size. Without `channels`, gray images (R = G = B) give 1 channel unless `mean`
 * or `std` has 3 values. At most `maxItems` images (default 10,000, at most 100,000: more is an
 * error, not a silent subset); images over 8,192 pixels on a side are refused from their header.
 *
 * @example
 * ```ts
 * const { x, targets, vocab } = await loadImageFolder('digits', { size: 28 });
 * x.shape; // [1000, 28, 28, 1]
 * ```
 */
export async function loadImageFolder(
  dir: string,
  options: LoadImageFolderOptions = {},
): Promise<ImageFolder> {
  return loadListedImages(dir, options, () =>
    options.labelsCsv === undefined
      ? listImageFolder(dir)
      : listLabelledImages(dir, options.labelsCsv),
  );
}

/**
 * {@link loadImageFolder} on the images a `list` function names (after the options are checked):
 * the one decoding, resizing and normalizing loop of the package.
 */
export async function loadListedImages(
  dir: string,
  options: LoadImageFolderOptions,
  list: () => ImageFolderListing,
): Promise<ImageFolder> {
  const {
    layout = imageFolderDefaults.layout,
    maxItems = imageFolderDefaults.maxItems,
    onProgress,
  } = options;
  if (layout !== 'NHWC' && layout !== 'NCHW') {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid layout: ${JSON.stringify(layout)}; use NHWC or NCHW`,
    );
  }
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > imageFolderDefaults.maxItemsLimit) {
    throw new InterpError(
      'INVALID_OPTION',
      `maxItems must be an integer from 1 to ${imageFolderDefaults.maxItemsLimit}, got ${maxItems}`,
    );
  }
  if (options.channels !== undefined && options.channels !== 1 && options.channels !== 3) {
    throw new InterpError('INVALID_OPTION', `channels must be 1 or 3, got ${options.channels}`);
  }
  const size = options.size === undefined ? undefined : checkSize(options.size);
  const { mean, std } = resolveNormalization(options);
  const listing = list();
  const n = listing.files.length;
  if (n > maxItems) {
    throw new InterpError(
      'K_OUT_OF_RANGE',
      `${dir} has ${n} images, more than maxItems ${maxItems}; raise maxItems (up to ${imageFolderDefaults.maxItemsLimit}) or use a smaller folder`,
    );
  }
  const raw = (i: number): RawImage => {
    const file = listing.files[i];
    if (file === undefined)
      throw new InterpError('K_OUT_OF_RANGE', `raw(${i}): there are ${n} images`);
    const name = `${dir}/${file}`;
    return decodeImage(readFileInside(listing.root, resolve(listing.root, file), name), name);
  };
  const wide = Math.max(mean.length, std.length) === 3;
  let channels: 1 | 3 = options.channels ?? 3;
  let allGray = true;
  let x: Float32Array | undefined;
  let hw: readonly [number, number] | undefined = size;
  let first = '';
  for (let i = 0; i < n; i++) {
    const image = raw(i);
    const name = `${dir}/${listing.files[i]}`;
    if (hw === undefined) {
      hw = [image.height, image.width];
      first = name;
    } else if (size === undefined && (image.height !== hw[0] || image.width !== hw[1])) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${name} is ${image.width} x ${image.height} pixels but ${first} is ${hw[1]} x ${hw[0]}; pass a size to resize them all`,
      );
    }
    if (x === undefined) x = allocate(n, hw, channels);
    if (options.channels === undefined && allGray) allGray = isGray(image);
    imageToInput(image, { size: hw, channels, mean, std, layout }, x, i * hw[0] * hw[1] * channels);
    onProgress?.(i + 1, n);
    // Yield now and then so a progress bar or a server stays responsive.
    if (i % 64 === 63) await new Promise((r) => setImmediate(r));
  }
  if (x === undefined || hw === undefined) {
    throw new InterpError('EMPTY_INPUT', `${dir} has no images`);
  }
  if (options.channels === undefined && allGray && !wide) {
    // Gray images read as RGB have R = G = B, so their first channel is their luma.
    x = firstChannel(x, n * hw[0] * hw[1], layout, hw[0] * hw[1]);
    channels = 1;
  }
  const shape = layout === 'NHWC' ? [n, hw[0], hw[1], channels] : [n, channels, hw[0], hw[1]];
  return {
    x: { data: x, shape },
    targets: listing.targets,
    vocab: listing.vocab,
    files: listing.files,
    raw,
  };
}

function checkSize(size: readonly [number, number] | number): [number, number] {
  const hw: [number, number] = typeof size === 'number' ? [size, size] : [size[0], size[1]];
  const max = imageFolderDefaults.maxOutputSide;
  if (hw.some((d) => !Number.isInteger(d) || d < 1 || d > max)) {
    throw new InterpError(
      'INVALID_OPTION',
      `size must be integers from 1 to ${max}, got ${JSON.stringify(size)}`,
    );
  }
  return hw;
}

function allocate(n: number, hw: readonly [number, number], channels: number): Float32Array {
  const values = n * hw[0] * hw[1] * channels;
  if (values > imageFolderDefaults.maxOutputValues) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${n} images of ${hw[0]} x ${hw[1]} x ${channels} are ${values} values, more than the ${imageFolderDefaults.maxOutputValues} interp holds; use fewer images or a smaller size`,
    );
  }
  return new Float32Array(values);
}

function firstChannel(
  x: Float32Array,
  pixels: number,
  layout: 'NHWC' | 'NCHW',
  plane: number,
): Float32Array {
  const out = new Float32Array(pixels);
  if (layout === 'NHWC') for (let p = 0; p < pixels; p++) out[p] = x[3 * p]!;
  else
    for (let p = 0; p < pixels; p++) out[p] = x[3 * plane * Math.floor(p / plane) + (p % plane)]!;
  return out;
}
