import type { NDArray, PresetName } from '@interp/core/base';

/** Where images go in the model input: channels last (tfjs, Keras) or first (PyTorch, ONNX). */
export type ImageLayout = 'NHWC' | 'NCHW';

/** Options of `loadImageFolder` (from `@interp/data/node`). */
export interface LoadImageFolderOptions {
  /** Output size `[height, width]` (a number is a square); default: the images' own size (all equal). */
  size?: readonly [number, number] | number;
  /** Normalization preset (default `'[0,1]'`); `mean`/`std` override it. */
  preset?: PresetName;
  /** Per-channel mean of `pixel / 255` to subtract (one value = every channel). */
  mean?: readonly number[];
  /** Per-channel standard deviation to divide by (one value = every channel). */
  std?: readonly number[];
  /** A CSV `file,label` (optional header row) giving labels; default: sub-folder names (ImageFolder). */
  labelsCsv?: string;
  /** Layout of `x` (default {@link imageFolderDefaults.layout}). */
  layout?: ImageLayout;
  /** Channels of `x`: 1 (gray, ITU-R 601 luma like PIL's `L`) or 3 (RGB); default: 1 when every image is gray, else 3. */
  channels?: 1 | 3;
  /** Most images read (default and ceiling in {@link imageFolderDefaults}). */
  maxItems?: number;
  /** Called after each image is decoded with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** An image as decoded, before resizing: RGBA bytes, row-major. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** What `loadImageFolder` returns. */
export interface ImageFolder {
  /** float32 images, `[N, H, W, C]` (NHWC) or `[N, C, H, W]` (NCHW), resized and normalized. */
  x: NDArray<Float32Array>;
  /** Class index of each image (into `vocab`). */
  targets: Int32Array;
  /** Class names, index = class id (ImageFolder: sorted sub-folder names, as torchvision). */
  vocab: string[];
  /** Each image's path relative to the folder, `/`-separated. */
  files: string[];
  /** The original image `i` (decoded again from its file), for display. */
  raw: (i: number) => RawImage;
}

/**
 * Defaults and bounds of the image loader, written once.
 *
 * @example
 * ```ts
 * imageFolderDefaults.maxItems; // 10000
 * ```
 */
export const imageFolderDefaults = Object.freeze({
  layout: 'NHWC' as ImageLayout,
  preset: '[0,1]' as PresetName,
  /** Images read unless `maxItems` says otherwise. */
  maxItems: 10_000,
  /** The largest `maxItems` accepted. */
  maxItemsLimit: 100_000,
  /** Largest width or height of an image file, checked from its header before decoding. */
  maxImageSide: 8192,
  /** Largest output size (height or width) after resizing. */
  maxOutputSide: 4096,
  /** Largest number of float32 values in `x` (1 GiB). */
  maxOutputValues: 2 ** 28,
  /** Deepest sub-folder level searched below a class folder. */
  maxDepth: 8,
});
