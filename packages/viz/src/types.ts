import type { NDArray } from '@interp/core/base';

/**
 * A tfjs tensor as the image functions read it (structurally, so viz loads no tfjs): rendering one
 * image is not a hot path, and a synchronous read keeps the image helpers synchronous.
 */
export interface ImageTensor {
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly isDisposed: boolean;
  dataSync(): ArrayLike<number>;
}

/**
 * What image functions accept: an array (`data` in row-major HWC order, `shape` `[H, W]` for
 * grayscale or `[H, W, C]` with C = 1 (gray), 3 (RGB) or 4 (RGBA)) or a tensor of that shape.
 */
export type ImageInput = NDArray<ArrayLike<number>> | ImageTensor;

/** Figure size in inches, `[width, height]`, as in matplotlib; 72 px per inch (see `figsizeToPx`). */
export type Figsize = readonly [number, number];

/** The option every plot function takes so it can render outside a browser. */
export interface DocumentOption {
  /** The DOM document to create elements in; defaults to `globalThis.document`. */
  document?: Document;
}
