import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';
import type { ImageInput, ImageTensor } from '../types.js';

/** An image read into plain data, validated: HWC order, `channels` in {1, 3, 4}. */
export interface ImageData {
  data: ArrayLike<number>;
  height: number;
  width: number;
  channels: 1 | 3 | 4;
  /** True when the values are bytes by type (Uint8Array, Uint8ClampedArray): always 0..255. */
  bytes: boolean;
}

function isTensorLike(x: unknown): x is ImageTensor {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as ImageTensor).dataSync === 'function' &&
    Array.isArray((x as ImageTensor).shape) &&
    typeof (x as ImageTensor).dtype === 'string'
  );
}

/**
 * Reads an image array or a tensor (with dataSync: rendering one image is not a hot path, and it
 * keeps the image helpers synchronous) and checks its shape.
 */
export function readImage(image: ImageInput, name = 'image'): ImageData {
  let shape: readonly number[];
  let data: ArrayLike<number>;
  if (isTensorLike(image)) {
    if (image.isDisposed) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${name} is a disposed tensor; render it before disposing`,
      );
    }
    if (image.dtype === 'string' || image.dtype === 'complex64') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${name} has dtype ${image.dtype}; pass a float32, int32 or bool tensor`,
      );
    }
    shape = image.shape;
    checkShape(shape, name);
    data = image.dataSync();
  } else {
    if (
      typeof image !== 'object' ||
      image === null ||
      !Array.isArray((image as { shape?: unknown }).shape) ||
      typeof (image as { data?: ArrayLike<number> }).data?.length !== 'number'
    ) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${name} must be a tensor or { data, shape: [H, W] | [H, W, C] }, got ${describe(image)}`,
      );
    }
    shape = image.shape;
    data = image.data;
    checkShape(shape, name);
  }
  const [height, width, channels = 1] = shape as [number, number, number?];
  if (data.length !== height * width * channels) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name}: shape [${shape.join(', ')}] needs ${height * width * channels} values, data has ${data.length}`,
    );
  }
  const bytes = data instanceof Uint8Array || data instanceof Uint8ClampedArray;
  return { data, height, width, channels: channels as 1 | 3 | 4, bytes };
}

function checkShape(shape: readonly number[], name: string): void {
  const dims = `[${shape.join(', ')}]`;
  if (!shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InterpError('SHAPE_MISMATCH', `${name}: shape ${dims} must hold positive integers`);
  }
  if (shape.length === 4 && shape[0] === 1) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name} has shape ${dims}, a batch of one; drop the batch dimension (tf.squeeze(x, [0]) or x.shape.slice(1))`,
    );
  }
  if (shape.length === 2) return;
  if (shape.length === 3 && [1, 3, 4].includes(shape[2]!)) return;
  const hint =
    shape.length === 3 && [1, 3, 4].includes(shape[0]!)
      ? ` (it looks like CHW: transpose to HWC, e.g. tf.transpose(x, [1, 2, 0]))`
      : '';
  throw new InterpError(
    'SHAPE_MISMATCH',
    `${name} has shape ${dims}; expected [H, W] or [H, W, C] with C = 1, 3 or 4${hint}`,
  );
}
